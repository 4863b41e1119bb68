"""The media library pages: grid, upload, add from a link, details, delete when unused."""

import base64
import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from launches.models import Launch
from media import services
from media.models import LaunchMedia, MediaAsset, MediaFetch
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


def test_add_from_a_link_is_fetched_in_the_background(
    logged_in_client, user, no_real_http, django_capture_on_commit_callbacks
):
    body = image_bytes("WEBP")
    no_real_http.get(
        "https://cdn.example.com/p.webp", body=body, headers={"Content-Length": str(len(body))}
    )
    with django_capture_on_commit_callbacks() as queued:
        response = logged_in_client.post(
            reverse("media:fetch"), {"url": "https://cdn.example.com/p.webp"}
        )
    assert response["Location"] == reverse("media:list")  # the request did not fetch it
    assert not MediaAsset.objects.exists()
    assert len(queued) == 1  # the worker's task, sent once the row is committed
    fetch = MediaFetch.objects.get()
    page = logged_in_client.get(reverse("media:list")).content.decode()
    assert f'hx-get="{reverse("media:fetch-status", args=[fetch.pk])}"' in page  # polls
    assert "Fetching… waiting for the server" in page

    services.run_fetch(fetch.pk)  # what the worker does
    services.run_fetch(fetch.pk)  # a redelivered message: nothing more
    asset = MediaAsset.objects.get()
    fetch.refresh_from_db()
    assert (fetch.status, fetch.asset, asset.source) == ("completed", asset, "url")
    assert fetch.total_bytes == fetch.received_bytes == len(body)  # progress was recorded
    row = logged_in_client.get(reverse("media:fetch-status", args=[fetch.pk])).content.decode()
    assert "hx-get" not in row  # done: no more polling
    assert f'href="{reverse("media:detail", args=[asset.pk])}"' in row
    assert "to your library" in row
    assert "hx-swap-oob" not in row  # a plain GET: just the row
    polled = logged_in_client.get(
        reverse("media:fetch-status", args=[fetch.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert '<section class="stack" id="media-library"' in polled
    assert 'hx-swap-oob="true"' in polled  # the grid, with the new file, swapped in too
    assert f'href="{reverse("media:detail", args=[asset.pk])}" class="media-thumb"' in polled


def test_a_link_that_fails_says_why(logged_in_client, user, no_real_http):
    no_real_http.get("https://cdn.example.com/gone.mp4", status=404)
    headers = {"HTTP_HX_REQUEST": "true"}
    row = logged_in_client.post(
        reverse("media:fetch"), {"url": "https://cdn.example.com/gone.mp4"}, **headers
    ).content.decode()
    assert row.strip().startswith("<li")  # the row htmx puts at the top of the list
    assert 'hx-trigger="every 1s"' in row
    fetch = MediaFetch.objects.get()
    services.run_fetch(fetch.pk)
    row = logged_in_client.get(reverse("media:fetch-status", args=[fetch.pk])).content.decode()
    assert "It did not work: https://cdn.example.com/gone.mp4 answered HTTP 404" in row
    assert not MediaAsset.objects.exists()
    bad = logged_in_client.post(reverse("media:fetch"), {"url": "not a link"}, **headers)
    assert "Enter the full link" in bad.content.decode()


def test_progress_shows_while_a_large_file_arrives(logged_in_client, user):
    fetch = MediaFetch.objects.create(
        owner=user,
        url="https://cdn.example.com/big.mp4",
        received_bytes=150 * 1024 * 1024,
        total_bytes=300 * 1024 * 1024,
        started_at=timezone.now(),
    )
    row = logged_in_client.get(reverse("media:fetch-status", args=[fetch.pk])).content.decode()
    assert '<progress max="100" value="50"' in row
    assert "Fetching… 150.0\xa0MB of 300.0\xa0MB" in row


def test_a_stalled_fetch_is_reported_and_a_strangers_is_404(
    logged_in_client, user, stranger, time_machine
):
    fetch = MediaFetch.objects.create(owner=user, url="https://cdn.example.com/big.mp4")
    theirs = MediaFetch.objects.create(owner=stranger, url="https://cdn.example.com/x.mp4")
    url = reverse("media:fetch-status", args=[theirs.pk])
    assert logged_in_client.get(url).status_code == 404
    time_machine.move_to(
        timezone.now() + dt.timedelta(minutes=10)
    )  # past MEDIA_FETCH_TIMEOUT_SECONDS + 1 minute
    row = logged_in_client.get(reverse("media:fetch-status", args=[fetch.pk])).content.decode()
    assert "the fetch stopped before it finished; try again" in row


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
