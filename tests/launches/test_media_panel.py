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
def _media_in_a_folder(media_folder):
    """Every test here stores media (tests/conftest.py)."""


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


def thread_launch(launch, tweets=3):
    launch.platform_contents["twitter"] = {
        "platform": "twitter",
        "thread": [f"tweet {n}" for n in range(1, tweets + 1)],
    }
    launch.save()
    return launch


def test_choose_which_tweet_each_image_goes_on(logged_in_client, launch, user):
    thread_launch(launch)
    one, two, three = (library(user, name=f"{n}.jpg") for n in ("one", "two", "three"))
    ids = [str(one.pk), str(two.pk), str(three.pk)]
    post(logged_in_client, launch, {"add": ids})
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert f'name="tweet-{one.pk}"' in page
    assert '<option value="2">Tweet 2</option>' in page  # in the person's words
    # The default (everything on the first tweet) is not stored as a choice.
    post(logged_in_client, launch, {"asset": ids, **{f"tweet-{i}": "1" for i in ids}})
    launch.refresh_from_db()
    assert "thread_media" not in launch.platform_contents["twitter"]

    choice = {f"tweet-{one.pk}": "1", f"tweet-{two.pk}": "3", f"tweet-{three.pk}": "0"}
    post(logged_in_client, launch, {"asset": ids, **choice})
    launch.refresh_from_db()
    assert launch.platform_contents["twitter"]["thread_media"] == [[ids[0]], [], [ids[1]]]
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    tweets = page.split('class="preview-tweet"')[1:]
    assert len(tweets) == 3
    assert "Tweet 1" in tweets[0]
    assert 'alt="one.jpg"' in tweets[0]
    assert "Tweet 2" in tweets[1]
    assert "no media" in tweets[1]
    assert "Tweet 3" in tweets[2]
    assert 'alt="two.jpg"' in tweets[2]
    assert 'alt="three.jpg"' not in "".join(tweets)  # not on X
    assert '<option value="3" selected>Tweet 3</option>' in page


def test_a_tweet_choice_x_refuses_is_explained(logged_in_client, launch, user):
    thread_launch(launch, tweets=2)
    clip = media_services.ingest_base64(
        owner=user, data=base64.b64encode(video_bytes()).decode(), filename="demo.mp4"
    )
    image = library(user, name="one.jpg")
    ids = [str(clip.pk), str(image.pk)]
    post(logged_in_client, launch, {"add": ids})
    response = post(
        logged_in_client, launch, {"asset": ids, f"tweet-{clip.pk}": "1", f"tweet-{image.pk}": "1"}
    )
    page = logged_in_client.get(response["Location"].split("#")[0]).content.decode()
    assert "tweet 1: X takes up to 4 images, or 1 video or GIF, per tweet" in page
    launch.refresh_from_db()
    assert "thread_media" not in launch.platform_contents["twitter"]


def test_instagram_mixed_carousel_from_the_editor(logged_in_client, launch, user):
    clip = media_services.ingest_base64(
        owner=user, data=base64.b64encode(video_bytes()).decode(), filename="demo.mp4"
    )
    image = library(user, name="one.jpg")
    ids = [str(image.pk), str(clip.pk)]
    post(logged_in_client, launch, {"add": ids})
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert 'data-platform="instagram" data-layout="vertical"' in page  # the reel, by default
    assert "post the images and the video together in one carousel" in page
    post(
        logged_in_client,
        launch,
        {"asset": ids, "mixed_carousel_shown": "1", "mixed_carousel": "on"},
    )
    launch.refresh_from_db()
    assert launch.platform_contents["instagram"]["mixed_carousel"] is True
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert 'data-platform="instagram" data-layout="carousel"' in page
    assert 'aria-label="2 slides"' in page


def test_the_mixed_carousel_can_be_turned_off_after_the_video_is_removed(
    logged_in_client, launch, user
):
    clip = media_services.ingest_base64(
        owner=user, data=base64.b64encode(video_bytes()).decode(), filename="demo.mp4"
    )
    image = library(user, name="one.jpg")
    ids = [str(image.pk), str(clip.pk)]
    post(logged_in_client, launch, {"add": ids})
    on = {"mixed_carousel_shown": "1", "mixed_carousel": "on"}
    post(logged_in_client, launch, {"asset": ids, **on})
    post(logged_in_client, launch, {"asset": ids, "remove": str(clip.pk), **on})
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert "post the images and the video together in one carousel" in page  # still offered
    post(logged_in_client, launch, {"asset": [ids[0]], "mixed_carousel_shown": "1"})
    launch.refresh_from_db()
    assert launch.platform_contents["instagram"]["mixed_carousel"] is False


def test_a_tweet_choice_left_from_a_longer_thread_can_be_undone(logged_in_client, launch, user):
    thread_launch(launch, tweets=2)
    one, two = library(user, name="one.jpg"), library(user, name="two.jpg")
    ids = [str(one.pk), str(two.pk)]
    post(logged_in_client, launch, {"add": ids})
    post(logged_in_client, launch, {"asset": ids, f"tweet-{one.pk}": "1", f"tweet-{two.pk}": "2"})
    launch.refresh_from_db()
    launch.platform_contents["twitter"]["thread"] = ["just one tweet now"]
    launch.save()
    page = logged_in_client.get(reverse("launches:detail", args=[launch.pk])).content.decode()
    assert f'name="tweet-{two.pk}"' in page  # still offered, to move it back
    post(logged_in_client, launch, {"asset": ids, f"tweet-{one.pk}": "1", f"tweet-{two.pk}": "1"})
    launch.refresh_from_db()
    assert "thread_media" not in launch.platform_contents["twitter"]  # the default again
