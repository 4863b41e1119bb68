"""The media library pages: grid, upload, add from a link, details, delete when unused."""

import base64

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from launches.models import Launch
from media import services
from media.models import LaunchMedia, MediaAsset
from tests.media.files import image_bytes, video_bytes


def own(user, data=None, **kwargs):
    data = data or image_bytes()
    return services.ingest_base64(owner=user, data=base64.b64encode(data).decode(), **kwargs)


def test_media_needs_login(client, db):
    assert client.get(reverse("media:list")).status_code == 302


def test_empty_library_says_what_to_do(logged_in_client):
    html = logged_in_client.get(reverse("media:list")).content.decode()
    assert "No media yet" in html
    assert "data-dropzone" in html
    assert 'aria-current="page"' in html


def test_the_grid_shows_only_my_media_with_thumbnails(logged_in_client, user, stranger):
    mine = own(user, image_bytes("PNG"), filename="hero.png")
    clip = own(user, video_bytes(), filename="demo.mp4")
    theirs = own(stranger, filename="secret.png")
    html = logged_in_client.get(reverse("media:list")).content.decode()
    assert "hero.png" in html
    assert f"/media/posters/{clip.public_token}.jpg" in html
    assert "▶ 1s" in html
    assert theirs.filename not in html
    assert reverse("media:detail", args=[mine.pk]) in html


def test_upload_stores_good_files_and_names_the_bad_ones(logged_in_client, user):
    files = [
        SimpleUploadedFile("a.jpg", image_bytes("JPEG")),
        SimpleUploadedFile("notes.jpg", b"just some text"),
    ]
    response = logged_in_client.post(reverse("media:upload"), {"files": files}, follow=True)
    html = response.content.decode()
    assert "Uploaded 1 file." in html
    assert "notes.jpg: unsupported media type" in html
    assert list(MediaAsset.objects.values_list("filename", flat=True)) == ["a.jpg"]


def test_add_from_a_link(logged_in_client, user, no_real_http):
    no_real_http.get("https://cdn.example.com/p.webp", body=image_bytes("WEBP"))
    response = logged_in_client.post(
        reverse("media:fetch"), {"url": "https://cdn.example.com/p.webp"}
    )
    asset = MediaAsset.objects.get()
    assert response["Location"] == reverse("media:detail", args=[asset.pk])
    assert asset.source == "url"


def test_details_of_a_strangers_asset_are_404(logged_in_client, stranger):
    theirs = own(stranger)
    assert logged_in_client.get(reverse("media:detail", args=[theirs.pk])).status_code == 404
    response = logged_in_client.post(reverse("media:delete", args=[theirs.pk]))
    assert response.status_code == 404
    assert MediaAsset.objects.filter(pk=theirs.pk).exists()


def test_delete_only_when_no_launch_uses_it(logged_in_client, user):
    asset = own(user)
    launch = Launch.objects.create(owner=user, name="Acme", platforms=["twitter"])
    LaunchMedia.objects.create(launch=launch, asset=asset)
    html = logged_in_client.get(reverse("media:detail", args=[asset.pk])).content.decode()
    assert "Acme" in html
    assert "disabled" in html
    logged_in_client.post(reverse("media:delete", args=[asset.pk]))
    assert MediaAsset.objects.filter(pk=asset.pk).exists()
    launch.delete()
    response = logged_in_client.post(reverse("media:delete", args=[asset.pk]))
    assert response["Location"] == reverse("media:list")
    assert not MediaAsset.objects.exists()


def test_file_downloads_as_an_attachment_on_request(client, user):
    asset = own(user, filename="hero.png")
    response = client.get(
        reverse("media:file", args=[asset.public_token, asset.filename]) + "?download=1"
    )
    assert response["Content-Disposition"].startswith("attachment")
