"""generate_ai_videos on POST /v1/launches: a script per platform, a video per platform."""

import pytest

from launches.models import Launch
from media import generation
from media.models import MediaJob


def create(api, **extra):
    body = {
        "title": "Acme Sync",
        "product_description": "Acme Sync keeps your files in step. No more lost edits.",
        "platforms": ["instagram", "tiktok", "twitter"],
        "product_url": "https://acme.example/sync",
        **extra,
    }
    return api.post("/v1/launches", body, format="json")


def test_scripts_are_written_and_the_finished_video_attaches_to_its_platform(api):
    given = "Hand-written hook.\nSecond line of my own."
    response = create(
        api,
        generate_ai_videos=["tiktok", "instagram"],
        platform_contents={"tiktok": {"content": "Sync it. #files", "video_script": given}},
    )
    assert response.status_code == 201, response.json()
    launch = Launch.objects.get(pk=response.json()["data"]["id"])
    contents = response.json()["data"]["platform_contents"]
    assert contents["tiktok"]["video_script"] == given  # given: kept
    written = contents["instagram"]["video_script"]
    assert written.startswith("Introducing Acme Sync.")
    assert "acme.example" in written
    jobs = {job.platform: job for job in MediaJob.objects.filter(launch=launch)}
    assert set(jobs) == {"tiktok", "instagram"}
    assert jobs["tiktok"].script == ["Hand-written hook.", "Second line of my own."]
    assert jobs["tiktok"].aspect_ratio == "9:16"
    assert jobs["tiktok"].duration_seconds == 8

    generation.advance_job(jobs["tiktok"].pk)

    launch.refresh_from_db()
    assert launch.media_mode == "video"
    assert launch.media_attach_platforms == ["tiktok"]
    assert launch.media_assets[0]["id"] == str(MediaJob.objects.get(platform="tiktok").asset_id)


def test_generate_ai_videos_outside_the_platforms_is_400(api):
    response = create(api, platforms=["twitter"], generate_ai_videos=["tiktok"])
    assert response.status_code == 400
    assert "generate_ai_videos" in str(response.json())
    assert not Launch.objects.exists()


@pytest.mark.parametrize("value", [["youtube"], "tiktok"])
def test_generate_ai_videos_takes_instagram_and_tiktok_only(api, value):
    assert create(api, generate_ai_videos=value).status_code == 400


def test_a_plan_without_videos_refuses_before_anything_is_written(api, plan_limits):
    plan_limits(media_generation=False)
    response = create(api, generate_ai_videos=["tiktok"])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"
    assert not Launch.objects.exists()


def test_a_platform_whose_video_is_coming_needs_no_media_at_create(api, make_platform_connection):
    tiktok = make_platform_connection("tiktok")
    response = create(
        api,
        platforms=["tiktok"],
        generate_ai_videos=["tiktok"],
        user_platform_accounts={"tiktok": str(tiktok.pk)},
    )
    assert response.status_code == 201, response.json()
    without = create(api, platforms=["tiktok"], user_platform_accounts={"tiktok": str(tiktok.pk)})
    assert without.status_code == 400
    assert without.json()["error"]["code"] == "LAUNCH_007"
