"""The launch page's media panel: upload, add from the library, reorder, remove, platforms,
per-platform previews, and the post-it-yourself kit's downloads."""

import base64

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from launches.models import Launch
from media import services as media_services
from media.models import LaunchMedia
from tests.media.files import image_bytes, video_bytes


@pytest.fixture(autouse=True)
def media_folder(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def launch(user):
    return Launch.objects.create(
        owner=user,
        name="Acme",
        platforms=["twitter", "instagram", "tiktok", "producthunt"],
        platform_contents={
            "twitter": {"platform": "twitter", "content": "Acme is live"},
            "instagram": {"platform": "instagram", "content": "Acme"},
            "tiktok": {"platform": "tiktok", "content": "Acme"},
        },
    )


def library(user, fmt="JPEG", name="a.jpg"):
    data = base64.b64encode(image_bytes(fmt)).decode()
    return media_services.ingest_base64(owner=user, data=data, filename=name)


def order(launch) -> list[str]:
    launch.refresh_from_db()
    return [item["filename"] for item in launch.media_assets]


def post(client, launch, data):
    return client.post(reverse("launches:media", args=[launch.pk]), data)


def test_upload_in_the_editor_attaches_and_lands_in_the_library(logged_in_client, launch):
    response = post(
        logged_in_client,
        launch,
        {
            "files": [
                SimpleUploadedFile("one.jpg", image_bytes()),
                SimpleUploadedFile("two.png", image_bytes("PNG")),
            ]
        },
    )
    assert response["Location"].endswith("#launch-media")
    assert order(launch) == ["one.jpg", "two.png"]
    assert launch.media_mode == "images"
    assert LaunchMedia.objects.filter(launch=launch).count() == 2


def test_add_from_library_reorder_and_remove(logged_in_client, launch, user):
    first, second = library(user, name="first.jpg"), library(user, name="second.jpg")
    post(logged_in_client, launch, {"add": [str(first.pk), str(second.pk)]})
    assert order(launch) == ["first.jpg", "second.jpg"]
    ids = [str(first.pk), str(second.pk)]
    post(logged_in_client, launch, {"asset": ids, "move": f"{second.pk}:up"})
    assert order(launch) == ["second.jpg", "first.jpg"]
    post(logged_in_client, launch, {"asset": ids[::-1], "remove": str(second.pk)})
    assert order(launch) == ["first.jpg"]


def test_a_strangers_asset_cannot_be_added(logged_in_client, launch, stranger):
    theirs = library(stranger)
    response = post(logged_in_client, launch, {"add": [str(theirs.pk)]})
    assert response.status_code == 302
    assert order(launch) == []


def test_choose_platforms_and_see_each_layout(logged_in_client, launch, user):
    images = [library(user, name=f"{n}.jpg") for n in range(3)]
    post(
        logged_in_client,
        launch,
        {"add": [str(i.pk) for i in images], "attach": ["twitter", "instagram"]},
    )
    launch.refresh_from_db()
    assert launch.media_attach_platforms == ["twitter", "instagram"]
    html = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert 'data-platform="twitter" data-layout="grid"' in html
    assert 'data-platform="instagram" data-layout="carousel"' in html
    assert 'aria-label="3 slides"' in html
    assert 'TikTok <span class="muted">· no media</span>' in html


def test_a_video_previews_as_a_vertical_frame_on_tiktok(logged_in_client, launch, user):
    clip = media_services.ingest_base64(
        owner=user, data=base64.b64encode(video_bytes()).decode(), filename="demo.mp4"
    )
    post(logged_in_client, launch, {"add": [str(clip.pk)]})
    html = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert 'data-platform="tiktok" data-layout="vertical"' in html
    assert 'data-platform="twitter" data-layout="video"' in html


def test_post_it_yourself_offers_the_media_files(logged_in_client, launch, user):
    asset = library(user, name="hero.jpg")
    post(logged_in_client, launch, {"add": [str(asset.pk)]})
    html = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert 'id="kit-media"' in html
    assert f"/media/files/{asset.public_token}/hero.jpg?download=1" in html


def test_bad_uploads_are_named(logged_in_client, launch):
    response = post(
        logged_in_client, launch, {"files": [SimpleUploadedFile("x.jpg", b"not an image")]}
    )
    page = logged_in_client.get(response["Location"].split("#")[0]).content.decode()
    assert "x.jpg: unsupported media type" in page
    assert order(launch) == []
