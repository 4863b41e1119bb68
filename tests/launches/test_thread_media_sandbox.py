"""Per-tweet media on an X thread and a mixed Instagram carousel, published through the real
adapters against the sandbox on a live server: each tweet carries the files chosen for it,
and the carousel has the images and the video as its items, in order."""

import base64

import pytest

from connections.sandbox.models import SandboxMedia, SandboxPost
from media.storage import media_storage
from tests.connections.test_end_to_end import connect
from tests.launches.test_media_publish_sandbox import digest, run_posts, sandboxed  # noqa: F401
from tests.media.files import image_bytes, video_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def stored(media: list[SandboxMedia]) -> list[str]:
    hashes = []
    for item in media:
        with media_storage().open(item.storage_name, "rb") as handle:
            hashes.append(digest(handle.read()))
    return hashes


def files_of(post: SandboxPost) -> list[str]:
    found = {m.media_id: m for m in SandboxMedia.objects.filter(media_id__in=post.media)}
    return stored([found[media_id] for media_id in post.media])


def test_thread_media_per_tweet_and_a_mixed_carousel(sandboxed, logged_in_client, api):  # noqa: F811
    twitter = connect(logged_in_client, "twitter").first()
    instagram = connect(logged_in_client, "instagram").first()
    files = {
        "one.jpg": image_bytes("JPEG", (120, 90)),
        "two.jpg": image_bytes("JPEG", (90, 120), (10, 200, 30)),
        "demo.mp4": video_bytes(seconds=2, size=(160, 120)),
    }
    body = {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["twitter", "instagram"],
        "user_platform_accounts": {"twitter": str(twitter.pk), "instagram": str(instagram.pk)},
        "platform_contents": {
            "twitter": {"thread": ["1/ Acme is live", "2/ the demo", "3/ thanks"]},
            "instagram": {"content": "Acme is live", "mixed_carousel": True},
        },
        "media": [
            {"source": "base64", "data": base64.b64encode(data).decode(), "filename": name}
            for name, data in files.items()
        ],
    }
    created = api.post("/v1/launches", body, format="json")
    assert created.status_code == 201, created.json()
    launch_id = created.json()["data"]["id"]
    one, two, video = (asset["id"] for asset in created.json()["data"]["media_assets"])
    chosen = {"platform_contents": {"twitter": {"thread_media": [[one, two], [video], []]}}}
    assert api.patch(f"/v1/launches/{launch_id}", chosen, format="json").status_code == 200

    assert api.post(f"/v1/launches/{launch_id}/publish").status_code == 202
    outcomes = run_posts(launch_id)
    assert outcomes == {"twitter": ("success", ""), "instagram": ("success", "")}, outcomes

    tweets = list(SandboxPost.objects.filter(account__platform="twitter").order_by("created_at"))
    assert [t.text for t in tweets] == ["1/ Acme is live", "2/ the demo", "3/ thanks"]
    assert [t.reply_to for t in tweets] == ["", tweets[0].post_id, tweets[1].post_id]
    sent = {name: digest(data) for name, data in files.items()}
    assert files_of(tweets[0]) == [sent["one.jpg"], sent["two.jpg"]]
    assert files_of(tweets[1]) == [sent["demo.mp4"]]
    assert files_of(tweets[2]) == []
    # Uploaded once each: three media on the X account, no more.
    assert SandboxMedia.objects.filter(account__platform="twitter").count() == 3

    carousel = SandboxPost.objects.get(account__platform="instagram")
    assert carousel.kind == "carousel"
    children = SandboxMedia.objects.filter(media_id__in=carousel.media)
    assert {c.state["media_type"] for c in children} == {"IMAGE", "VIDEO"}
    assert files_of(carousel) == [sent["one.jpg"], sent["two.jpg"], sent["demo.mp4"]]
