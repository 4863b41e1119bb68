"""The dashboard's generate panel: allowance before the button, a job that follows itself."""

import pytest

from launches.models import Launch
from media import generation
from media.models import MediaJob


@pytest.fixture
def launch(user):
    return Launch.objects.create(
        owner=user,
        name="Acme Sync",
        product_description="Keeps your files in step.",
        platforms=["instagram", "tiktok"],
    )


def test_the_library_shows_the_allowance_and_the_local_renderer(logged_in_client, launch):
    page = logged_in_client.get("/media/").content.decode()
    assert "<strong>100</strong> of 100 images left" in page
    assert "<strong>20</strong> of 20 videos left" in page
    assert "Local renderer" in page
    assert "Acme Sync" in page


def test_the_editor_prefills_the_prompt_from_the_launch(logged_in_client, launch):
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert 'id="generate-media"' in page
    assert "Acme Sync: Keeps your files in step." in page
    assert f'name="launch" value="{launch.pk}"' in page


def test_generate_returns_a_polling_progress_bar_then_the_result(logged_in_client, launch):
    response = logged_in_client.post(
        "/media/generate",
        {
            "type": "script_video",
            "launch": launch.pk,
            "prompt": "Files out of sync?\nAcme fixes it.",
            "aspect_ratio": "9:16",
            "duration_seconds": "4",
            "platform": "tiktok",
        },
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    job = MediaJob.objects.get()
    assert f'hx-get="/media/jobs/{job.pk}"' in body
    assert "<progress" in body
    assert job.duration_seconds == 4
    assert job.aspect_ratio == "9:16"

    generation.advance_job(job.pk)

    body = logged_in_client.get(f"/media/jobs/{job.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in body
    assert "Ready" in body
    assert "Local renderer" in body
    job.refresh_from_db()
    assert f"/media/{job.asset_id}/" in body


def test_a_refused_generation_says_why(logged_in_client, launch, settings):
    settings.MEDIA_MAX_CONCURRENT_JOBS = 0
    response = logged_in_client.post(
        "/media/generate",
        {"type": "image", "launch": launch.pk, "prompt": "a card for Acme", "aspect_ratio": "1:1"},
        HTTP_HX_REQUEST="true",
    )
    assert "media jobs are still running" in response.content.decode()
    assert not MediaJob.objects.exists()


def test_a_strangers_job_page_is_404(client, stranger, launch, user):
    job = MediaJob.objects.create(
        owner=user, launch=launch, generation_type="image", prompt="x" * 10,
        aspect_ratio="1:1", model_id="dropspace/local-card",
    )  # fmt: skip
    client.force_login(stranger)
    assert client.get(f"/media/jobs/{job.pk}").status_code == 404
