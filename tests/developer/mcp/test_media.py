"""The MCP media tools dispatch to POST /v1/media/generate and GET /v1/media/{job_id}."""

from launches.models import Launch
from media.models import MediaJob
from tests.developer.mcp.test_http import data, status_of


def test_generate_media_and_get_media_job_through_tools(mcp_tools, user, eager_celery):
    launch = Launch.objects.create(
        owner=user, name="Acme", product_description="Calm launches.", platforms=["tiktok"]
    )
    started = mcp_tools.call(
        "generate_media",
        type="script_video",
        launch_id=str(launch.pk),
        platform="tiktok",
        prompt="Launch day, calm.\nOne click.",
        options={"aspect_ratio": "9:16", "duration_seconds": 4},
    )
    assert status_of(started) == 202
    job_id = data(started)["job_id"]
    assert data(started)["usage"]["used"] == 1

    job = data(mcp_tools.call("get_media_job", job_id=job_id))  # rendered eagerly by now
    assert job["status"] == "completed"
    assert job["model_id"] == "dropspace/local-video"
    assert job["result_url"]
    assert MediaJob.objects.get(pk=job_id).asset.duration == 4.0
