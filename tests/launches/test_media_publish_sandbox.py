"""A launch with images, and one with a video, published to all six platforms through the real
adapters against the sandbox on a live server: every upload flow, every pending check, and the
media the sandbox received is the media that was uploaded."""

import base64
import hashlib

import pytest
from django.utils import timezone

from connections.sandbox import models as sandbox_models
from connections.sandbox.models import SandboxPost
from connections.sandbox.services import media_files
from launches.models import PostingLog
from launches.publishing import posting
from media.storage import media_storage
from tests.connections.test_end_to_end import connect
from tests.media.files import image_bytes, video_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PLATFORMS = ["twitter", "linkedin", "facebook", "instagram", "reddit", "tiktok"]


@pytest.fixture
def sandboxed(settings, live_server, no_real_http, monkeypatch):
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
    }
    settings.SANDBOX_ENABLED = True
    settings.SITE_URL = live_server.url  # media URLs point at this server; the sandbox pulls them
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 10.0
    monkeypatch.setattr(sandbox_models, "PROCESSING_SECONDS", 0)  # processing done at once
    no_real_http.add_passthru(live_server.url)
    return live_server


def accounts(client) -> dict:
    chosen = {}
    for platform in PLATFORMS:
        if platform in ("linkedin", "facebook"):

            def first_account(page_client, platform=platform):
                found = page_client.get("/connections/choose/").context["choice"]["accounts"]
                wanted = {"linkedin": "personal", "facebook": "page", "instagram": "business"}
                return [
                    next(a for a in found if a["account_type"] == wanted[platform])["entity_id"]
                ]

            connection = connect(client, platform, choose=first_account).first()
        else:
            connection = connect(client, platform).first()
        key = {"linkedin": "linkedin:personal", "facebook": f"facebook:page:{connection.entity_id}"}
        chosen[key.get(platform, platform)] = str(connection.pk)
    return chosen


def body(user_platform_accounts, media) -> dict:
    return {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": PLATFORMS,
        "user_platform_accounts": user_platform_accounts,
        "platform_contents": {
            "twitter": {"content": "Acme is live"},
            "linkedin": {"content": "Acme is live on LinkedIn"},
            "facebook": {"content": "Acme is live on Facebook"},
            "instagram": {"content": "Acme is live on Instagram"},
            "reddit": {
                "content": "We built Acme",
                "title": "Acme: invoices to payments",
                "subreddits": [{"name": "SideProject"}],
            },
            "tiktok": {
                "content": "Acme is live on TikTok",
                "tiktok_settings": {"privacy_level": "PUBLIC_TO_EVERYONE"},
            },
        },
        "media": [
            {"source": "base64", "data": base64.b64encode(data).decode(), "filename": name}
            for name, data in media
        ],
    }


def run_posts(launch_id) -> dict:
    """What the workers do: post, then look at pending processing until settled."""
    logs = list(PostingLog.objects.filter(launch_id=launch_id))
    for log in logs:
        posting.publish_post(log_id=log.pk)
    for _ in range(10):
        waiting = PostingLog.objects.filter(launch_id=launch_id, status="publishing")
        if not waiting.exists():
            break
        waiting.update(next_attempt_at=timezone.now())
        for log in list(waiting):
            posting.check_pending_post(log_id=log.pk)
    return {
        log.platform: (log.status, log.error_message)
        for log in PostingLog.objects.filter(launch_id=launch_id)
    }


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def received(platform: str) -> list:
    post = SandboxPost.objects.filter(account__platform=platform).order_by("-created_at").first()
    assert post is not None, platform
    files = media_files(post)
    hashes = []
    for file in files:
        with media_storage().open(file.storage_name, "rb") as handle:
            hashes.append(digest(handle.read()))
    return hashes


def test_images_go_out_on_all_six_platforms(sandboxed, logged_in_client, api):
    images = [
        ("one.jpg", image_bytes("JPEG", (120, 90))),
        ("two.jpg", image_bytes("JPEG", (90, 120), (10, 200, 30))),
    ]
    response = api.post("/v1/launches", body(accounts(logged_in_client), images), format="json")
    assert response.status_code == 201, response.json()
    launch_id = response.json()["data"]["id"]
    assert api.post(f"/v1/launches/{launch_id}/publish").status_code == 202
    outcomes = run_posts(launch_id)
    assert outcomes == dict.fromkeys(PLATFORMS, ("success", "")), outcomes
    sent = [digest(data) for _, data in images]
    for platform in PLATFORMS:  # X 2 images, LinkedIn multiImage, FB multi-photo, IG carousel,
        assert received(platform) == sent, platform  # Reddit gallery, TikTok photos
    kinds = {p.account.platform: p.kind for p in SandboxPost.objects.select_related("account")}
    assert kinds["instagram"] == "carousel"
    assert kinds["reddit"] == "gallery"


def test_a_video_goes_out_on_all_six_platforms(sandboxed, logged_in_client, api):
    video = video_bytes(seconds=2, size=(160, 120))
    response = api.post(
        "/v1/launches", body(accounts(logged_in_client), [("demo.mp4", video)]), format="json"
    )
    assert response.status_code == 201, response.json()
    launch_id = response.json()["data"]["id"]
    assert api.post(f"/v1/launches/{launch_id}/publish").status_code == 202
    outcomes = run_posts(launch_id)
    assert outcomes == dict.fromkeys(PLATFORMS, ("success", "")), outcomes
    for platform in ("twitter", "linkedin", "facebook", "instagram", "tiktok"):
        assert received(platform) == [digest(video)], platform
    reddit = received("reddit")
    assert reddit[0] == digest(video)
    assert len(reddit) == 2  # the video and its poster frame
    kinds = {p.account.platform: p.kind for p in SandboxPost.objects.select_related("account")}
    assert (kinds["instagram"], kinds["reddit"], kinds["tiktok"]) == ("reel", "video", "video")
