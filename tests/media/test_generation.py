"""AI media generation through the API, with the local renderer (no FAL_KEY)."""
# ruff: noqa: E501 (request bodies read best on one line each)

import io

import av
import pytest
from django.utils import timezone
from PIL import Image

from billing.models import MeteredUse
from launches.models import Launch
from media import generation
from media.models import MediaJob
from media.selectors import open_file
from webhooks.models import Event


@pytest.fixture
def launch(user):
    return Launch.objects.create(
        owner=user,
        name="Acme Sync",
        product_description="Acme Sync keeps your files in step. Try it free today.",
        platforms=["instagram", "tiktok"],
    )


def generate(api, launch, **body):
    return api.post("/v1/media/generate", {"launch_id": str(launch.pk), **body}, format="json")


def run(job_id):
    while generation.advance_job(job_id) is not None:
        pass


def test_image_job_renders_a_card_at_the_ratio_into_the_library_and_launch(api, launch):
    response = generate(
        api,
        launch,
        type="image",
        prompt="A bold launch card about syncing files",
        options={"aspect_ratio": "16:9"},
    )
    assert response.status_code == 202, response.json()
    data = response.json()["data"]
    assert data["status"] == "processing"
    assert data["generation_type"] == "image"
    assert data["usage"] == {"used": 1, "limit": 100, "remaining": 99}
    assert data["plan"] == "starter"
    polled = api.get(f"/v1/media/{data['job_id']}").json()["data"]
    assert polled["status"] == "processing"
    assert polled["progress"] == 0
    assert polled["model_id"] == "dropspace/local-card"

    run(data["job_id"])

    job = api.get(f"/v1/media/{data['job_id']}").json()["data"]
    assert job["status"] == "completed"
    assert job["progress"] == 100
    assert job["error_message"] is None
    assert job["completed_at"]
    assert "/media/files/" in job["result_url"]
    asset = MediaJob.objects.get(pk=data["job_id"]).asset
    assert asset.source == "generated"
    assert asset.mime_type == "image/jpeg"
    with open_file(asset) as handle:
        assert Image.open(io.BytesIO(handle.read())).size == (1920, 1080)
    launch.refresh_from_db()
    assert [item["id"] for item in launch.media_assets] == [str(asset.pk)]
    assert launch.media_attach_platforms == ["instagram", "tiktok"]
    event = Event.objects.get(type="media.ready")
    assert event.data["media_id"] == str(asset.pk)
    assert event.data["type"] == "image"


def test_script_video_is_h264_at_9_16_for_the_duration(api, launch):
    script = "Files out of sync?\nAcme Sync fixes that.\nTry it free today."
    response = generate(
        api, launch, type="script_video", platform="tiktok", prompt=script,
        options={"aspect_ratio": "9:16", "duration_seconds": 4},
    )  # fmt: skip
    assert response.status_code == 202, response.json()
    job_id = response.json()["data"]["job_id"]
    assert response.json()["data"]["usage"]["limit"] == 20  # videos are counted apart

    run(job_id)

    job = MediaJob.objects.get(pk=job_id)
    assert job.status == "completed"
    assert job.model_id == "dropspace/local-video"
    assert job.script == ["Files out of sync?", "Acme Sync fixes that.", "Try it free today."]
    with open_file(job.asset) as handle, av.open(io.BytesIO(handle.read())) as video:
        stream = video.streams.video[0]
        assert (stream.width, stream.height) == (720, 1280)
        assert stream.codec_context.name == "h264"
        assert stream.format.name == "yuv420p"
        assert video.duration / 1_000_000 == pytest.approx(4, abs=0.1)
    assert job.asset.duration == pytest.approx(4, abs=0.1)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "video", "prompt": "a cinematic shot of a desk", "options": {"aspect_ratio": "1:1"}}, "options.aspect_ratio"),
        ({"type": "image", "prompt": "short"}, "prompt"),
        ({"type": "script_video", "prompt": "a script of some length"}, "platform"),
        ({"type": "script_video", "platform": "instagram"}, "prompt"),
        ({"type": "image", "prompt": "a card for the launch", "options": {"duration_seconds": 4}}, "options.duration_seconds"),
        ({"type": "video", "prompt": "a cinematic shot of a desk", "options": {"duration_seconds": 5}}, "options"),
        ({"type": "video", "prompt": "a cinematic shot of a desk", "reference_image_url": "https://example.com/a.png"}, "reference_image_url"),
        ({"type": "gif", "prompt": "a card for the launch"}, "type"),
    ],
)  # fmt: skip
def test_malformed_requests_are_400_and_start_nothing(api, launch, body, field):
    response = generate(api, launch, **body)
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["code"] == "SERVER_002"
    assert field.split(".")[0] in str(response.json()["error"])
    assert not MediaJob.objects.exists()
    assert not MeteredUse.objects.exists()


def test_a_strangers_launch_is_404_launch_001(stranger_api, launch):
    response = generate(stranger_api, launch, type="image", prompt="a card for the launch")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "LAUNCH_001"


def test_a_strangers_job_is_404_server_003(api, stranger_api, launch):
    job_id = generate(api, launch, type="image", prompt="a card for the launch").json()["data"][
        "job_id"
    ]
    response = stranger_api.get(f"/v1/media/{job_id}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SERVER_003"


def test_generating_needs_the_generate_scope(make_api_client, user, launch):
    client = make_api_client(user, scopes=["read", "write"])
    response = generate(client, launch, type="image", prompt="a card for the launch")
    assert response.status_code == 403


def test_a_plan_without_media_generation_is_403_auth_002(api, launch, plan_limits):
    plan_limits(media_generation=False)
    response = generate(api, launch, type="image", prompt="a card for the launch")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"


def test_the_monthly_allowance_is_429_media_001(api, launch, plan_limits):
    plan_limits(ai_images_per_month=1)
    assert generate(api, launch, type="image", prompt="a card for the launch").status_code == 202
    response = generate(api, launch, type="image", prompt="a card for the launch")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "MEDIA_001"
    assert MediaJob.objects.count() == 1


def test_too_many_running_jobs_is_429_rate_001(api, launch, settings):
    settings.MEDIA_MAX_CONCURRENT_JOBS = 1
    first = generate(api, launch, type="image", prompt="a card for the launch")
    assert first.status_code == 202
    response = generate(api, launch, type="image", prompt="a card for the launch")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "RATE_001"
    run(first.json()["data"]["job_id"])
    assert generate(api, launch, type="image", prompt="a card for the launch").status_code == 202


def test_a_job_past_its_time_bound_fails_with_a_reason(api, launch, settings):
    job_id = generate(api, launch, type="image", prompt="a card for the launch").json()["data"][
        "job_id"
    ]
    MediaJob.objects.filter(pk=job_id).update(
        created_at=timezone.now() - timezone.timedelta(hours=1)
    )
    generation.resume_stalled_jobs()
    job = api.get(f"/v1/media/{job_id}").json()["data"]
    assert job["status"] == "failed"
    assert "did not finish within 30 minutes" in job["error_message"]
    assert Event.objects.get(type="media.failed").data["job_id"] == job_id


def test_a_job_whose_worker_was_lost_is_picked_up_again(api, launch):
    job_id = generate(api, launch, type="image", prompt="a card for the launch").json()["data"][
        "job_id"
    ]
    old = timezone.now() - timezone.timedelta(minutes=5)
    MediaJob.objects.filter(pk=job_id).update(created_at=old, heartbeat_at=old)
    assert generation.resume_stalled_jobs() == 1  # queued again
    MediaJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
    assert generation.resume_stalled_jobs() == 0  # someone is on it
    run(job_id)
    assert MediaJob.objects.get(pk=job_id).status == "completed"
