"""GET /v1/launches/:id/analytics and the metrics refresh, against mocked platforms."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from developer.models import Scope
from launches import analytics
from launches.analytics_tasks import refresh_metrics_batch, refresh_recent_metrics
from launches.models import PostingLog
from tests.launches.factories import LaunchFactory
from tests.launches.published import (
    GRAPH,
    POST_IDS,
    REDDIT_API,
    X_API,
    launch_with_posts,
    published,
)
from webhooks.models import Event

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0)


def tweet(likes, impressions=100):
    public = {
        "like_count": likes,
        "retweet_count": 2,
        "reply_count": 1,
        "quote_count": 0,
        "bookmark_count": 3,
        "impression_count": impressions,
    }
    private = {"url_link_clicks": 4, "user_profile_clicks": 5}
    return {"data": {"id": "1", "public_metrics": public, "non_public_metrics": private}}


TWEET_URL = f"{X_API}/{POST_IDS['twitter']}"


@pytest.fixture
def rsps(no_real_http):
    return no_real_http


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def get(api, launch):
    response = api.get(f"/v1/launches/{launch.pk}/analytics")
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_refreshed_then_fresh_then_refreshed_again(
    api, user, make_platform_connection, rsps, clock
):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.get(TWEET_URL, json=tweet(likes=42))
    data = get(api, launch)
    [twitter] = data["platforms"]
    assert twitter["cache_status"] == "refreshed"
    assert twitter["metrics"] == {
        "likes": 42,
        "retweets": 2,
        "replies": 1,
        "quotes": 0,
        "bookmarks": 3,
        "impressions": 100,
        "urlClicks": 4,
        "profileClicks": 5,
        "fetched_at": START.isoformat().replace("+00:00", "Z"),
    }
    assert (twitter["post_id"], twitter["post_url"]) == (log.post_id, log.post_url)
    assert data["fetched_at"] == twitter["metrics"]["fetched_at"]
    assert data["next_refresh_at"] == (START + timedelta(minutes=5)).isoformat().replace(
        "+00:00", "Z"
    )

    clock.shift(timedelta(minutes=4))
    [twitter] = get(api, launch)["platforms"]
    assert (twitter["cache_status"], twitter["metrics"]["likes"]) == ("fresh", 42)
    assert len(rsps.calls) == 1  # from the cache

    clock.shift(timedelta(minutes=2))
    rsps.replace("GET", TWEET_URL, json=tweet(likes=50))
    data = get(api, launch)
    [twitter] = data["platforms"]
    assert (twitter["cache_status"], twitter["metrics"]["likes"]) == ("refreshed", 50)
    assert data["fetched_at"] == (START + timedelta(minutes=6)).isoformat().replace("+00:00", "Z")


def test_rate_limited_platform_answers_stale_numbers(
    api, user, make_platform_connection, rsps, clock
):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.get(TWEET_URL, json=tweet(likes=42))
    get(api, launch)
    clock.shift(timedelta(minutes=10))
    reset = str(int((START + timedelta(minutes=25)).timestamp()))
    rsps.replace("GET", TWEET_URL, status=429, headers={"x-rate-limit-reset": reset})
    data = get(api, launch)
    [twitter] = data["platforms"]
    assert (twitter["cache_status"], twitter["metrics"]["likes"]) == ("stale", 42)
    assert data["fetched_at"] == START.isoformat().replace("+00:00", "Z")
    calls = len(rsps.calls)
    clock.shift(timedelta(minutes=5))  # still inside the platform's retry-after
    assert get(api, launch)["platforms"][0]["cache_status"] == "stale"
    assert len(rsps.calls) == calls  # not asked again before its reset


def test_an_account_that_says_later_is_not_asked_again_in_the_same_read(
    api, user, make_platform_connection, rsps, clock
):
    launch = LaunchFactory(owner=user, status="completed", platforms=["twitter"])
    connection = make_platform_connection("twitter")
    for n in range(3):
        published(launch, "twitter", connection, target_key=f"t{n}", post_id=str(n))
    rsps.get(f"{X_API}/0", status=503)
    data = get(api, launch)
    assert [p["cache_status"] for p in data["platforms"]] == ["unavailable"] * 3
    assert len(rsps.calls) == 1


def test_no_data_is_unavailable(api, user, make_platform_connection, rsps, clock):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    published(launch, "reddit", status="failed", post_id="", post_url="", error_message="banned")
    rsps.get(TWEET_URL, status=429)
    data = get(api, launch)
    assert [(p["platform"], p["cache_status"], p["metrics"]) for p in data["platforms"]] == [
        ("twitter", "unavailable", None),
        ("reddit", "unavailable", None),
    ]
    assert data["fetched_at"] is None
    assert data["next_refresh_at"] is None


def test_a_connection_needing_reauth_answers_stale_without_asking(
    api, user, make_platform_connection, rsps, clock
):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.get(TWEET_URL, json=tweet(likes=7))
    get(api, launch)
    clock.shift(timedelta(minutes=6))
    from connections.models import Connection

    Connection.objects.filter(pk=log.connection_id).update(health="needs_reauth")
    [twitter] = get(api, launch)["platforms"]
    assert (twitter["cache_status"], twitter["metrics"]["likes"]) == ("stale", 7)
    assert len(rsps.calls) == 1


def test_each_platform_answers_exactly_its_documented_fields(
    api, user, make_platform_connection, rsps, clock
):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter", "facebook", "reddit"])
    rsps.get(TWEET_URL, json=tweet(likes=1))
    rsps.get(
        f"{GRAPH}/{POST_IDS['facebook']}",
        json={
            "reactions": {"summary": {"total_count": 9}},
            "comments": {"summary": {"total_count": 2}},
            "shares": {"count": 1},
            "extra": 5,
        },
    )
    post = {"score": 156, "ups": 200, "upvote_ratio": 0.78, "num_comments": 34, "gilded": 1}
    rsps.get(f"{REDDIT_API}/api/info", json={"data": {"children": [{"data": post}]}})
    platforms = {p["platform"]: p for p in get(api, launch)["platforms"]}
    for name, entry in platforms.items():
        assert list(entry["metrics"]) == [*analytics.METRIC_FIELDS[name], "fetched_at"]
    assert platforms["facebook"]["metrics"]["reactions"] == 9
    assert platforms["reddit"]["metrics"]["upvoteRatio"] == 0.78


def test_summary_counts_every_post(api, user, make_platform_connection, rsps, clock):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    published(launch, "linkedin", status="failed", post_id="")
    published(launch, "reddit", status="pending", post_id="")
    published(launch, "producthunt", status="manual", post_id="", post_url="")
    published(
        launch,
        "hackernews",
        status="manual",
        post_id="",
        post_url="https://news.ycombinator.com/item?id=1",
    )
    rsps.get(TWEET_URL, json=tweet(likes=1))
    data = get(api, launch)
    assert data["summary"] == {"total": 5, "successful": 2, "failed": 1, "pending": 2}
    assert (data["launch_id"], data["launch_name"], data["launch_status"]) == (
        str(launch.pk),
        launch.name,
        "completed",
    )


def test_a_launch_without_posts(api, user):
    launch = LaunchFactory(owner=user)
    data = get(api, launch)
    assert data["platforms"] == []
    assert data["summary"] == {"total": 0, "successful": 0, "failed": 0, "pending": 0}


def test_query_count_does_not_grow_with_posts(api, user, make_platform_connection, rsps, clock):
    def queries_for(count):
        launch = LaunchFactory(owner=user, status="completed")
        connection = make_platform_connection("twitter", entity_id=f"x-{count}")
        logs = [
            published(launch, "twitter", connection, target_key=f"t{i}", post_id=str(i))
            for i in range(count)
        ]
        # Warm the cache so that only the database is measured.
        from django.core.cache import cache

        cache.set_many(
            {
                analytics.cache_key(log.pk): {
                    "metrics": analytics.shape_metrics("twitter", {}),
                    "fetched_at": START,
                    "retry_at": None,
                }
                for log in logs
            }
        )
        with CaptureQueriesContext(db_connection) as captured:
            assert all(p["cache_status"] == "fresh" for p in get(api, launch)["platforms"])
        return len(captured)

    queries_for(1)  # the key's first use records last_used_at once
    assert queries_for(2) == queries_for(12) <= 5


def test_a_strangers_launch_is_404(stranger_api, user, make_platform_connection):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    response = stranger_api.get(f"/v1/launches/{launch.pk}/analytics")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "LAUNCH_001")
    assert stranger_api.get("/v1/launches/not-a-uuid/analytics").status_code == 404


def test_the_read_scope_is_required(make_api_client, user):
    launch = LaunchFactory(owner=user)
    client = make_api_client(user, scopes=[str(Scope.PUBLISH)])
    response = client.get(f"/v1/launches/{launch.pk}/analytics")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "AUTH_003")


def test_a_strangers_connection_is_never_used(api, user, stranger, make_platform_connection, rsps):
    launch = LaunchFactory(owner=user, status="completed")
    theirs = make_platform_connection("twitter", owner=stranger)
    published(launch, "twitter", theirs)
    [twitter] = get(api, launch)["platforms"]
    assert twitter["cache_status"] == "unavailable"
    assert not rsps.calls


# --- the periodic refresh ---------------------------------------------------------------------


def test_refresh_warms_the_cache_for_recent_posts(api, user, make_platform_connection, rsps, clock):
    launch, [recent] = launch_with_posts(user, make_platform_connection, ["twitter"])
    old = published(
        launch, "reddit", make_platform_connection("reddit"), posted_at=START - timedelta(days=8)
    )
    assert analytics.recent_post_batches() == [[str(recent.pk)]]
    rsps.get(TWEET_URL, json=tweet(likes=12))
    counts = refresh_metrics_batch([str(recent.pk), str(old.pk)])
    assert counts == {"posts": 2, "refreshed": 1, "removed": 0}  # reddit: no mock, stays stale
    clock.shift(timedelta(minutes=1))
    [twitter, _reddit] = get(api, launch)["platforms"]
    assert (twitter["cache_status"], twitter["metrics"]["likes"]) == ("fresh", 12)


def test_the_beat_task_refreshes_through_one_task_per_batch(
    user, make_platform_connection, rsps, clock
):
    from django.core.cache import cache

    from dropspace.celery import app

    _, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.get(TWEET_URL, json=tweet(likes=3))
    app.conf.task_always_eager = True  # the batch task runs inline
    try:
        assert refresh_recent_metrics() == 1
    finally:
        app.conf.task_always_eager = False
    assert cache.get(analytics.cache_key(log.pk))["metrics"]["likes"] == 3


@pytest.mark.parametrize(
    ("platform", "gone"),
    [
        ("twitter", {"status": 404, "json": {"title": "Not Found Error", "detail": "gone"}}),
        (
            "twitter",  # X's lookup of a deleted tweet: HTTP 200 with errors and no data
            {"json": {"errors": [{"title": "Not Found Error", "detail": "Could not find tweet"}]}},
        ),
        ("reddit", {"json": {"kind": "Listing", "data": {"children": []}}}),
        (
            "facebook",
            {
                "status": 400,
                "json": {
                    "error": {"message": "Object does not exist", "code": 100, "error_subcode": 33}
                },
            },
        ),
    ],
)
def test_refresh_marks_a_post_removed_on_the_platform(
    user, make_platform_connection, rsps, clock, platform, gone
):
    launch, [log] = launch_with_posts(user, make_platform_connection, [platform])
    url = {
        "twitter": TWEET_URL,
        "facebook": f"{GRAPH}/{POST_IDS['facebook']}",
        "reddit": f"{REDDIT_API}/api/info",
    }[platform]
    rsps.get(url, **gone)
    counts = refresh_metrics_batch([str(log.pk)])
    assert counts["removed"] == 1
    log.refresh_from_db()
    assert log.status == PostingLog.Status.DELETED
    assert log.error_message.startswith("removed on the platform")
    event = Event.objects.get(type="post.deleted")
    assert event.data == {
        "launch_id": str(launch.pk),
        "post_id": str(log.pk),
        "platform": platform,
        "reason": "removed_on_platform",
    }
    # The next refresh no longer looks at it.
    assert analytics.recent_post_batches() == []


def test_refresh_leaves_a_post_alone_on_a_refusal_that_is_not_gone(
    user, make_platform_connection, rsps, clock
):
    _, [log] = launch_with_posts(user, make_platform_connection, ["facebook"])
    error = {"error": {"message": "(#100) Tried accessing nonexisting field", "code": 100}}
    rsps.get(f"{GRAPH}/{POST_IDS['facebook']}", status=400, json=error)
    assert refresh_metrics_batch([str(log.pk)])["removed"] == 0
    log.refresh_from_db()
    assert log.status == PostingLog.Status.SUCCESS


def test_refresh_leaves_a_post_alone_on_a_rate_limit(user, make_platform_connection, rsps, clock):
    _, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.get(TWEET_URL, status=429)
    assert refresh_metrics_batch([str(log.pk)])["removed"] == 0
    log.refresh_from_db()
    assert log.status == PostingLog.Status.SUCCESS
