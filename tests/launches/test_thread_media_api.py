"""Media per tweet on X threads (platform_contents.twitter.thread_media) and Instagram's mixed
carousel (platform_contents.instagram.mixed_carousel): validated on create and update, kept
in step with the launch's media, and checked again before scheduling."""

import datetime as dt

import pytest
from django.utils import timezone

from launches import services
from launches.models import Launch, PostingLog
from launches.publishing import content
from media import services as media_services
from tests.media.files import b64, image_bytes, video_bytes

THREAD = ["one", "two", "three"]


@pytest.fixture(autouse=True)
def _media_in_a_folder(media_folder):
    """Every test here stores media (tests/conftest.py)."""


@pytest.fixture
def assets(user):
    """Five images, then one video, in the person's library."""
    images = [
        media_services.ingest_base64(owner=user, data=b64(image_bytes("PNG", (20 + n, 20))))
        for n in range(5)
    ]
    video = media_services.ingest_base64(owner=user, data=b64(video_bytes()))
    return [str(a.pk) for a in images] + [str(video.pk)]


def body(assets, thread_media, **twitter) -> dict:
    return {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["twitter", "linkedin"],
        "platform_contents": {
            "twitter": {"thread": THREAD, "thread_media": thread_media, **twitter},
            "linkedin": {"content": "Acme is live"},
        },
        "media_assets": [{"id": i} for i in assets],
    }


def error(response) -> tuple[str, list[str]]:
    found = response.json()["error"]
    return found["code"], [f"{d['field']}: {d['message']}" for d in found.get("details", [])]


def test_each_tweet_gets_the_media_chosen_for_it(api, assets):
    chosen = [[assets[0], assets[1]], [], [assets[5]]]
    response = api.post("/v1/launches", body(assets, chosen), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]
    assert data["platform_contents"]["twitter"]["thread_media"] == chosen
    launch = Launch.objects.get(pk=data["id"])
    log = PostingLog(launch=launch, platform="twitter")
    request = content.post_request(launch, log, sandbox=True)
    # Exactly the chosen assets, whatever the launch-wide mode ("video" here) would pick.
    assert [m.content_type for m in request.media] == ["image/png", "image/png", "video/mp4"]
    assert request.thread_media == [[0, 1], [], [2]]


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (lambda a: [["not-attached"]], "thread_media.0: media not-attached is not one of"),
        (lambda a: [[a[0], a[5]]], "thread_media.0: tweet 1: X takes up to 4 images, or 1 video"),
        (lambda a: [[], [], [], [a[0]]], "thread_media.3: tweet 4 has media but the thread has 3"),
        (lambda a: [[a[0]], [a[0]]], "thread_media.1: media "),
        (lambda a: [a[:5]], "thread_media.0"),
        (lambda a: [["x"]] * 7, "thread_media"),
        (lambda a: "all of them", "thread_media"),
    ],
    ids=[
        "unknown-asset",
        "image-and-video",
        "past-the-thread",
        "on-two-tweets",
        "five-images",
        "seven-tweets",
        "not-a-list",
    ],
)
def test_a_choice_x_would_refuse_is_400_naming_the_tweet(api, assets, chosen, expected):
    response = api.post("/v1/launches", body(assets, chosen(assets)), format="json")
    assert response.status_code == 400
    code, details = error(response)
    assert code == "SERVER_002"
    assert any(expected in d for d in details), details
    assert not Launch.objects.exists()


def test_x_must_get_the_media_to_choose_tweets_for_it(api, assets):
    request = {**body(assets, [[assets[0]]]), "media_attach_platforms": ["linkedin"]}
    response = api.post("/v1/launches", request, format="json")
    assert error(response)[0] == "SERVER_002"
    assert "add twitter to media_attach_platforms" in response.json()["error"]["message"]


def test_patch_sets_prunes_and_clears_the_choice(api, assets):
    created = api.post("/v1/launches", body(assets[:2], [[assets[0]]]), format="json")
    launch_id = created.json()["data"]["id"]
    url = f"/v1/launches/{launch_id}"

    moved = {"platform_contents": {"twitter": {"thread_media": [[], [assets[0], assets[1]]]}}}
    response = api.patch(url, moved, format="json")
    assert response.status_code == 200, response.json()
    twitter = response.json()["data"]["platform_contents"]["twitter"]
    assert twitter["thread_media"] == [[], [assets[0], assets[1]]]
    assert twitter["thread"] == THREAD  # deep-merged: the tweets are kept

    bad = {"platform_contents": {"twitter": {"thread_media": [[assets[4]]]}}}
    assert error(api.patch(url, bad, format="json"))[0] == "SERVER_002"

    # An asset taken off the launch leaves its tweet.
    response = api.patch(url, {"media_assets": [{"id": assets[1]}]}, format="json")
    assert response.json()["data"]["platform_contents"]["twitter"]["thread_media"] == [
        [],
        [assets[1]],
    ]
    cleared = {"platform_contents": {"twitter": {"thread_media": []}}}
    response = api.patch(url, cleared, format="json")
    assert "thread_media" not in response.json()["data"]["platform_contents"]["twitter"]


def test_a_thread_shortened_after_the_choice_cannot_be_scheduled(
    api, assets, make_platform_connection
):
    request = body(assets[:1], [[], [], [assets[0]]])
    request["user_platform_accounts"] = {"twitter": str(make_platform_connection("twitter").pk)}
    created = api.post("/v1/launches", request, format="json")
    assert created.status_code == 201, created.json()
    url = f"/v1/launches/{created.json()['data']['id']}"
    shorter = {"platform_contents": {"twitter": {"thread": ["one", "two"]}}}
    assert api.patch(url, shorter, format="json").status_code == 200  # editing is not blocked
    later = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    response = api.patch(url, {"scheduled_date": later}, format="json")
    code, details = error(response)
    assert code == "LAUNCH_007"
    assert any("tweet 3 has media but the thread has 2" in d for d in details), details


# --- Instagram: images and the video in one carousel -----------------------------------------


def instagram_body(assets, make_platform_connection, **instagram) -> dict:
    return {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["instagram"],
        "platform_contents": {"instagram": {"content": "Acme is live", **instagram}},
        "user_platform_accounts": {"instagram": str(make_platform_connection("instagram").pk)},
        "media_assets": [{"id": i} for i in assets],
    }


def test_a_mixed_carousel_posts_the_images_and_the_video_in_order(
    api, assets, make_platform_connection
):
    chosen = [assets[5], assets[0], assets[1]]
    request = instagram_body(chosen, make_platform_connection, mixed_carousel=True)
    response = api.post("/v1/launches", request, format="json")
    assert response.status_code == 201, response.json()
    launch = Launch.objects.get(pk=response.json()["data"]["id"])
    assert launch.media_mode == "video"  # inferred; the carousel choice goes past it
    media = content.post_request(launch, PostingLog(launch=launch, platform="instagram")).media
    assert [m.content_type for m in media] == ["video/mp4", "image/png", "image/png"]


def test_a_mixed_carousel_needs_images_and_a_video(api, assets, make_platform_connection):
    request = instagram_body(assets[:2], make_platform_connection, mixed_carousel=True)
    code, details = error(api.post("/v1/launches", request, format="json"))
    assert code == "LAUNCH_007"
    assert details == [
        "platform_contents.instagram.mixed_carousel: an Instagram mixed carousel needs at least "
        "one image and the video"
    ]
    request["platform_contents"]["instagram"]["mixed_carousel"] = "maybe"
    assert error(api.post("/v1/launches", request, format="json"))[0] == "SERVER_002"


def test_rewriting_the_thread_keeps_the_media_choice(api, assets):
    created = api.post("/v1/launches", body(assets[:2], [[assets[0]], [assets[1]]]), format="json")
    launch = Launch.objects.get(pk=created.json()["data"]["id"])
    services.generate_content(launch=launch, platforms=["twitter"])
    launch.refresh_from_db()
    twitter = launch.platform_contents["twitter"]
    assert twitter["generated_by"] != "user"  # the writer wrote it
    assert twitter["thread_media"] == [[assets[0]], [assets[1]]]


def test_detaching_x_from_the_media_later_just_posts_x_without_media(api, assets):
    created = api.post("/v1/launches", body(assets[:1], [[assets[0]]]), format="json")
    launch_id = created.json()["data"]["id"]
    detach = {"media_attach_platforms": ["linkedin"]}
    assert api.patch(f"/v1/launches/{launch_id}", detach, format="json").status_code == 200
    launch = Launch.objects.get(pk=launch_id)
    request = content.post_request(launch, PostingLog(launch=launch, platform="twitter"))
    assert (request.media, request.thread_media) == ([], [[]])
