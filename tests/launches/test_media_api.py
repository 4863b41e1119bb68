"""Media on /v1/launches: inline media and library assets, inference, limits, LAUNCH_007."""

import datetime as dt

import pytest
from django.utils import timezone

from developer.models import Scope
from media import services as media_services
from media.models import LaunchMedia, MediaAsset
from tests.media.files import b64, image_bytes, video_bytes

CREATE = {
    "title": "Acme",
    "product_description": "Acme turns invoices into payments. One click.",
    "platforms": ["twitter", "linkedin"],
    "platform_contents": {
        "twitter": {"content": "Acme is live"},
        "linkedin": {"content": "Acme is live on LinkedIn"},
    },
}


@pytest.fixture(autouse=True)
def _media_in_a_folder(media_folder):
    """Every test here stores media (tests/conftest.py)."""


def image_item(fmt="JPEG", **extra):
    return {"source": "base64", "data": b64(image_bytes(fmt)), "filename": "a.jpg", **extra}


def code(response):
    return response.json()["error"]["code"]


def test_inline_media_is_stored_and_returned_with_inferred_mode_and_platforms(api, no_real_http):
    no_real_http.get("https://cdn.example.com/shot.png", body=image_bytes("PNG", size=(80, 40)))
    media = [image_item(), {"source": "url", "url": "https://cdn.example.com/shot.png"}]
    response = api.post("/v1/launches", {**CREATE, "media": media}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["media_mode"] == "images"
    assert data["media_attach_platforms"] == ["twitter", "linkedin"]
    first, second = data["media_assets"]
    assert (first["type"], first["mime_type"], second["mime_type"]) == (
        "image",
        "image/jpeg",
        "image/png",
    )
    assert (second["width"], second["height"], second["source"]) == (80, 40, "url")
    assert "/media/files/" in first["url"]
    links = LaunchMedia.objects.filter(launch_id=data["id"]).order_by("position")
    assert [str(link.asset_id) for link in links] == [first["id"], second["id"]]


def test_a_video_makes_the_mode_video(api):
    media = [{"source": "base64", "data": b64(video_bytes())}, image_item()]
    response = api.post("/v1/launches", {**CREATE, "media": media}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["media_mode"] == "video"
    video = data["media_assets"][0]
    assert video["type"] == "video"
    assert video["duration"] == 1.0
    assert video["thumbnail_url"]


def test_media_and_media_assets_are_mutually_exclusive(api, user):
    asset = media_services.ingest_base64(owner=user, data=b64(image_bytes()))
    body = {**CREATE, "media": [image_item()], "media_assets": [{"id": str(asset.pk)}]}
    response = api.post("/v1/launches", body, format="json")
    assert response.status_code == 400
    assert code(response) == "SERVER_002"
    assert MediaAsset.objects.count() == 1  # nothing was fetched


def test_library_assets_by_id_in_order(api, user):
    one = media_services.ingest_base64(owner=user, data=b64(image_bytes()))
    two = media_services.ingest_base64(owner=user, data=b64(image_bytes("PNG")))
    body = {**CREATE, "media_assets": [{"id": str(two.pk)}, {"id": str(one.pk)}]}
    response = api.post("/v1/launches", body, format="json")
    assert response.status_code == 201
    assert [a["id"] for a in response.json()["data"]["media_assets"]] == [str(two.pk), str(one.pk)]


def test_a_strangers_asset_is_404(api, stranger):
    theirs = media_services.ingest_base64(owner=stranger, data=b64(image_bytes()))
    body = {**CREATE, "media_assets": [{"id": str(theirs.pk)}]}
    response = api.post("/v1/launches", body, format="json")
    assert response.status_code == 404
    assert code(response) == "SERVER_003"


@pytest.mark.parametrize(
    ("media", "field"),
    [
        ([{"source": "url"}], "media"),
        ([{"source": "ftp", "url": "ftp://x"}], "media"),
        ([{"source": "base64", "data": "x", "colour": "red"}], "media"),
        ([image_item()] * 11, "media"),
    ],
    ids=["url-missing", "bad-source", "unknown-field", "eleven-items"],
)
def test_malformed_media_is_400(api, media, field):
    response = api.post("/v1/launches", {**CREATE, "media": media}, format="json")
    assert response.status_code == 400
    assert code(response) == "SERVER_002"
    assert not MediaAsset.objects.exists()


def test_two_videos_are_refused_and_nothing_stays(api):
    video = {"source": "base64", "data": b64(video_bytes())}
    response = api.post("/v1/launches", {**CREATE, "media": [video, video]}, format="json")
    assert response.status_code == 400
    assert "1 video" in response.json()["error"]["message"]
    assert not MediaAsset.objects.exists()


def test_unsupported_media_is_upload_001_naming_the_item(api):
    media = [image_item(), {"source": "base64", "data": b64(b"GIF-ish but not: plain text")}]
    response = api.post("/v1/launches", {**CREATE, "media": media}, format="json")
    assert response.status_code == 400
    assert code(response) == "UPLOAD_001"
    assert response.json()["error"]["details"][0]["field"] == "media[1]"
    assert not MediaAsset.objects.exists()


def test_attach_platforms_must_be_a_subset(api):
    body = {**CREATE, "media": [image_item()], "media_attach_platforms": ["instagram"]}
    response = api.post("/v1/launches", body, format="json")
    assert response.status_code == 400
    assert not MediaAsset.objects.exists()


def test_missing_scope_is_403(make_api_client, user):
    client = make_api_client(user, scopes=[str(Scope.READ)])
    response = client.post("/v1/launches", {**CREATE, "media": [image_item()]}, format="json")
    assert response.status_code == 403
    assert not MediaAsset.objects.exists()


def test_instagram_posted_through_an_account_needs_media_on_create(api, make_platform_connection):
    connection = make_platform_connection("instagram")
    body = {
        **CREATE,
        "platforms": ["instagram", "tiktok"],
        "platform_contents": {"instagram": {"content": "hi"}, "tiktok": {"content": "hi"}},
        "user_platform_accounts": {
            "instagram": str(connection.pk),
            "tiktok": str(make_platform_connection("tiktok").pk),
        },
    }
    response = api.post("/v1/launches", body, format="json")
    assert response.status_code == 400
    assert code(response) == "LAUNCH_007"
    messages = [d["message"] for d in response.json()["error"]["details"]]
    assert "Instagram needs at least one image or video" in messages
    assert "TikTok needs a video or photos" in messages
    png = {**body, "media": [image_item("PNG")]}
    response = api.post("/v1/launches", png, format="json")
    assert code(response) == "LAUNCH_007"
    assert response.json()["error"]["details"][0]["message"].startswith("TikTok photos must be")
    assert not MediaAsset.objects.exists()
    response = api.post("/v1/launches", {**body, "media": [image_item()]}, format="json")
    assert response.status_code == 201


def test_patch_replaces_media_entirely(api, user):
    created = api.post("/v1/launches", {**CREATE, "media": [image_item()]}, format="json")
    launch_id = created.json()["data"]["id"]
    response = api.patch(
        f"/v1/launches/{launch_id}",
        {"media": [{"source": "base64", "data": b64(video_bytes())}]},
        format="json",
    )
    assert response.status_code == 200, response.json()
    data = response.json()["data"]
    assert [a["type"] for a in data["media_assets"]] == ["video"]
    assert data["media_mode"] == "video"
    assert LaunchMedia.objects.filter(launch_id=launch_id).count() == 1
    response = api.patch(
        f"/v1/launches/{launch_id}", {"media_attach_platforms": ["linkedin"]}, format="json"
    )
    assert response.json()["data"]["media_attach_platforms"] == ["linkedin"]
    response = api.patch(f"/v1/launches/{launch_id}", {"media_assets": []}, format="json")
    assert response.json()["data"]["media_assets"] == []
    assert response.json()["data"]["media_mode"] is None


def test_patch_with_a_failing_item_keeps_the_old_media(api):
    created = api.post("/v1/launches", {**CREATE, "media": [image_item()]}, format="json")
    launch_id = created.json()["data"]["id"]
    media = [image_item(), {"source": "base64", "data": b64(b"nope")}]
    response = api.patch(f"/v1/launches/{launch_id}", {"media": media}, format="json")
    assert code(response) == "UPLOAD_001"
    assert MediaAsset.objects.count() == 1
    assert len(api.get(f"/v1/launches/{launch_id}").json()["data"]["media_assets"]) == 1


# --- scheduling never accepts what publishing would refuse -------------------------------------


def later():
    return (timezone.now() + dt.timedelta(hours=2)).isoformat()


@pytest.mark.parametrize(
    ("platform", "contents", "expected"),
    [
        ("instagram", {"content": "caption"}, "Instagram needs at least one image or video"),
        ("reddit", {"content": "body", "title": "t"}, "reddit needs at least one subreddit"),
        ("tiktok", {"content": "c"}, "TikTok requires privacy_level"),
    ],
)
def test_scheduling_refuses_what_publishing_would(
    api, make_platform_connection, platform, contents, expected
):
    connection = make_platform_connection(platform)
    body = {
        **CREATE,
        "platforms": [platform],
        "platform_contents": {platform: contents},
        "user_platform_accounts": {platform: str(connection.pk)},
    }
    if platform == "tiktok":
        body["media"] = [{"source": "base64", "data": b64(video_bytes())}]
    created = api.post("/v1/launches", body, format="json")
    if platform == "instagram":  # refused already on create: Instagram media is known now
        assert code(created) == "LAUNCH_007"
        created = api.post("/v1/launches", {**body, "user_platform_accounts": None}, format="json")
        launch_id = created.json()["data"]["id"]
        api.patch(
            f"/v1/launches/{launch_id}",
            {"user_platform_accounts": {platform: str(connection.pk)}},
            format="json",
        )
    else:
        assert created.status_code == 201, created.json()
        launch_id = created.json()["data"]["id"]
    response = api.patch(f"/v1/launches/{launch_id}", {"scheduled_date": later()}, format="json")
    assert response.status_code == 400
    assert code(response) == "LAUNCH_007"
    assert any(expected in d["message"] for d in response.json()["error"]["details"])
    assert api.get(f"/v1/launches/{launch_id}").json()["data"]["status"] != "scheduled"
    direct = api.post("/v1/launches", {**body, "scheduled_date": later()}, format="json")
    assert code(direct) == "LAUNCH_007"


# --- media that platforms must fetch needs a public URL ---------------------------------------


def test_a_real_instagram_account_with_a_private_site_url_is_told_before_publishing(
    api, user, make_platform_connection, settings
):
    settings.SITE_URL = "http://127.0.0.1:8000"
    settings.MEDIA_PUBLIC_BASE_URL = ""
    connection = make_platform_connection("instagram")
    body = {
        **CREATE,
        "platforms": ["instagram"],
        "platform_contents": {"instagram": {"content": "hi"}},
        "user_platform_accounts": {"instagram": str(connection.pk)},
        "media": [image_item()],
    }
    created = api.post("/v1/launches", body, format="json")
    assert created.status_code == 201
    response = api.post(f"/v1/launches/{created.json()['data']['id']}/publish")
    assert response.status_code == 400
    assert code(response) == "LAUNCH_007"
    message = response.json()["error"]["details"][0]["message"]
    assert "is not reachable from the internet" in message
    assert "MEDIA_PUBLIC_BASE_URL" in message
    settings.MEDIA_PUBLIC_BASE_URL = "https://cdn.example.com/media"
    assert api.post(f"/v1/launches/{created.json()['data']['id']}/publish").status_code == 202


def test_the_connections_page_says_so_for_instagram_and_tiktok(logged_in_client, settings):
    settings.PLATFORM_CREDENTIALS = {
        **settings.PLATFORM_CREDENTIALS,
        "instagram": {"client_id": "ig", "client_secret": "s"},
    }
    settings.SITE_URL = "http://localhost:8000"
    html = logged_in_client.get("/connections/").content.decode()
    assert "Media cannot be published yet." in html
    settings.SITE_URL = "https://launch.example.com"
    assert (
        "Media cannot be published yet."
        not in logged_in_client.get("/connections/").content.decode()
    )
