"""The whole path against the sandbox on a live server: real redirects, real HTTP, real adapters."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from connections.models import Connection
from connections.platforms import adapter_for
from connections.platforms.base import (
    Media,
    PendingPublish,
    PostRequest,
    PublishResult,
    Subreddit,
)
from connections.sandbox.models import SandboxPost

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x01" * 3000


def connect(client, platform, username="olive", choose=None):
    """Click Connect, approve on the sandbox consent page, follow the redirect back."""
    response = client.post(f"/connections/{platform}/connect/")
    assert response.status_code == 302
    authorize = urlsplit(response["Location"])
    assert authorize.path.startswith(f"/sandbox/{platform}/auth/")
    page = client.get(f"{authorize.path}?{authorize.query}")
    assert b'class="sandbox-label"' in page.content
    params = dict(page.context["params"].items())
    params.update(username=username, decision="approve")
    back = client.post(authorize.path, params)
    callback = urlsplit(back["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    if choose is not None:
        assert done["Location"] == "/connections/choose/"
        done = client.post("/connections/choose/", {"accounts": choose(client)})
    assert done["Location"] == "/connections/"
    return Connection.objects.filter(platform=platform, is_active=True).order_by("-created_at")


def finish(adapter, connection, outcome, traveller):
    while isinstance(outcome, PendingPublish):
        traveller.shift(timedelta(seconds=outcome.check_after))
        outcome = adapter.check_pending(connection, PendingPublish.from_dict(outcome.to_dict()))
    assert isinstance(outcome, PublishResult)
    return outcome


def test_twitter_thread_image_and_video_through_the_sandbox(sandbox_server, logged_in_client):
    connection = connect(logged_in_client, "twitter").get()
    assert connection.is_sandbox
    assert connection.username == "@olive"
    adapter = adapter_for(connection)

    thread = adapter.publish(connection, PostRequest(text="one", thread=["two", "three"]))
    assert len(thread.items) == 3
    replies = SandboxPost.objects.filter(post_id__in=[i.post_id for i in thread.items])
    chain = {post.post_id: post.reply_to for post in replies}
    assert chain[thread.items[1].post_id] == thread.items[0].post_id
    assert chain[thread.items[2].post_id] == thread.items[1].post_id

    image = adapter.publish(
        connection, PostRequest(text="pic", media=[Media("image/png", data=PNG, filename="a.png")])
    )
    assert SandboxPost.objects.get(post_id=image.post_id).media

    with time_machine.travel(timezone.now(), tick=True) as traveller:
        pending = adapter.publish(
            connection, PostRequest(text="vid", media=[Media("video/mp4", data=MP4)])
        )
        assert isinstance(pending, PendingPublish)
        video = finish(adapter, connection, pending, traveller)
        metrics = adapter.metrics(connection, video.post_id)
        assert set(metrics) == {
            "likes",
            "retweets",
            "replies",
            "quotes",
            "bookmarks",
            "impressions",
            "urlClicks",
            "profileClicks",
        }
        traveller.shift(timedelta(hours=1))
        later = adapter.metrics(connection, video.post_id)
        assert later["impressions"] > metrics["impressions"]  # grows over time

    adapter.delete(connection, image.post_id)
    assert SandboxPost.objects.get(post_id=image.post_id).deleted_at is not None


def test_reddit_linkedin_facebook_instagram_tiktok_through_the_sandbox(
    sandbox_server, logged_in_client
):
    reddit = connect(logged_in_client, "reddit").get()
    result = adapter_for(reddit).publish(
        reddit,
        PostRequest(
            text="body",
            title="Launch",
            media=[Media("image/png", data=PNG)],
            subreddits=[Subreddit("SideProject"), Subreddit("startups", title="Other title")],
        ),
    )
    assert [item.target for item in result.items] == ["SideProject", "startups"]
    assert all(item.post_id for item in result.items)
    assert adapter_for(reddit).metrics(reddit, result.post_id)["upvotes"] >= 0
    adapter_for(reddit).delete(reddit, result.post_id)

    def all_accounts(client):
        return [
            a["entity_id"] for a in client.get("/connections/choose/").context["choice"]["accounts"]
        ]

    linkedin = connect(logged_in_client, "linkedin", choose=all_accounts)
    assert {c.account_type for c in linkedin} == {"personal", "organization"}
    for account in linkedin:
        adapter = adapter_for(account)
        pending = adapter.publish(
            account, PostRequest(text="Hello (world) #launch", media=[Media("image/png", data=PNG)])
        )
        posted = adapter.check_pending(account, pending)  # images are AVAILABLE at once
        assert posted.post_id.startswith("urn:li:share:")
        assert "impressions" in adapter.metrics(account, posted.post_id)
        adapter.delete(account, posted.post_id)

    pages = connect(logged_in_client, "facebook", choose=all_accounts)
    assert pages.count() == 2
    assert {p.account_type for p in pages} == {"page"}
    page = pages.first()
    posted = adapter_for(page).publish(page, PostRequest(text="hi", link="https://example.com"))
    assert set(adapter_for(page).metrics(page, posted.post_id)) == {
        "reactions",
        "comments",
        "shares",
    }
    adapter_for(page).delete(page, posted.post_id)

    with time_machine.travel(timezone.now(), tick=True) as traveller:
        insta = connect(logged_in_client, "instagram").get()
        adapter = adapter_for(insta)
        carousel = [Media("image/jpeg", url="https://cdn.example/1.jpg")] * 2
        pending = adapter.publish(insta, PostRequest(text="caption", media=carousel))
        assert isinstance(adapter.check_pending(insta, pending), PendingPublish)
        done = finish(adapter, insta, pending, traveller)
        assert done.post_url.startswith("https://www.instagram.com/p/")
        assert adapter.metrics(insta, done.post_id)["views"] >= 0

        tiktok = connect(logged_in_client, "tiktok").get()
        adapter = adapter_for(tiktok)
        pending = adapter.publish(
            tiktok, PostRequest(text="clip", media=[Media("video/mp4", data=MP4)])
        )
        video = finish(adapter, tiktok, pending, traveller)
        assert video.post_url.endswith(f"/video/{video.post_id}")
        assert adapter.metrics(tiktok, video.post_id)["views"] >= 0
