"""Publishing: the API, the services and one post's work, run synchronously against
`responses`-mocked platform APIs (the real worker is in test_publishing_integration.py)."""

import json
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.utils import timezone

from connections.models import Connection
from launches.models import Launch, PostingLog
from launches.publishing import posting, selectors, services
from tests.launches.factories import LaunchFactory, PostingLogFactory
from tests.media.files import b64, video_bytes
from webhooks.models import Event

TWEETS = "https://api.x.com/2/tweets"
LINKEDIN_POSTS = "https://api.linkedin.com/rest/posts"
P = PostingLog.Status


@pytest.fixture(autouse=True)
def real_platforms(settings):
    """Adapters talk to the real hosts (mocked with `responses`), never the sandbox."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": f"{name}-client", "client_secret": f"{name}-secret"}
        for name in ["twitter", "linkedin", "facebook", "instagram", "tiktok", "reddit"]
    }
    settings.SANDBOX_ENABLED = False
    settings.PUBLISH_MAX_ATTEMPTS = 3
    settings.PUBLISH_RETRY_BASE_SECONDS = 10.0


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


@pytest.fixture
def twitter(make_platform_connection):
    return make_platform_connection("twitter", extra={"handle": "acme"}, refresh_token="")


@pytest.fixture
def ready(user, twitter):
    """A trigger launch posting to X (own account) with a Product Hunt guided step."""
    return LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter", "producthunt"],
        platform_contents={
            "twitter": {"platform": "twitter", "content": "Acme is live"},
            "producthunt": {"platform": "producthunt", "content": "Acme", "title": "Acme"},
        },
        user_platform_accounts={"twitter": str(twitter.pk)},
    )


def tweet_ok(rsps, tweet_id="100"):
    rsps.add(responses.POST, TWEETS, json={"data": {"id": tweet_id, "text": "x"}}, status=201)


def run_due(launch):
    """What the workers would do: run every post task that is due now."""
    for log_id in launch.posting_logs.filter(status=P.PENDING).values_list("pk", flat=True):
        posting.publish_post(log_id=log_id)
    launch.refresh_from_db()
    return launch


def event_types(user):
    return list(
        Event.objects.filter(owner=user).order_by("created_at").values_list("type", flat=True)
    )


# --- the API ----------------------------------------------------------------------------------


def test_publish_queues_one_post_per_target_and_guided_steps(api, ready):
    response = api.post(f"/v1/launches/{ready.pk}/publish")
    assert response.status_code == 202
    assert response.json() == {"data": {"message": "publish queued"}}
    ready.refresh_from_db()
    assert ready.status == "running"
    assert ready.started_at
    logs = {log.platform: log for log in ready.posting_logs.all()}
    assert logs["twitter"].status == P.PENDING
    assert logs["twitter"].target_key == "twitter"
    assert logs["producthunt"].status == P.MANUAL

    status = api.get(f"/v1/launches/{ready.pk}/status").json()["data"]
    assert status["launch_status"] == "running"
    first = status["posting_logs"][0]
    assert set(first) >= {
        "id",
        "platform",
        "status",
        "post_url",
        "post_id",
        "error_message",
        "error_code",
        "attempt_count",
        "posted_at",
        "created_at",
    }
    detail = api.get(f"/v1/launches/{ready.pk}").json()["data"]
    assert detail["posting_status"]["twitter"] == {"status": "pending"}
    assert detail["posting_status"]["producthunt"] == {"status": "manual"}


def test_publish_twice_is_409_launch_004(api, ready):
    assert api.post(f"/v1/launches/{ready.pk}/publish").status_code == 202
    response = api.post(f"/v1/launches/{ready.pk}/publish")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "LAUNCH_004"
    assert PostingLog.objects.filter(launch=ready).count() == 2


def test_completed_launch_is_not_publishable(api, ready):
    Launch.objects.filter(pk=ready.pk).update(status="completed")
    assert api.post(f"/v1/launches/{ready.pk}/publish").json()["error"]["code"] == "LAUNCH_004"


def test_publish_without_accounts_is_422(api, user):
    launch = LaunchFactory(owner=user, status="manual")
    response = api.post(f"/v1/launches/{launch.pk}/publish")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "LAUNCH_007"


def test_publish_lists_every_problem(api, user, make_platform_connection):
    reddit = make_platform_connection("reddit")
    tiktok = make_platform_connection("tiktok")
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["reddit", "tiktok", "linkedin"],
        platform_contents={
            "reddit": {"platform": "reddit", "content": "body"},
            "tiktok": {"platform": "tiktok", "content": "caption"},
        },
        user_platform_accounts={"reddit": str(reddit.pk), "tiktok": str(tiktok.pk)},
    )
    response = api.post(f"/v1/launches/{launch.pk}/publish")
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "LAUNCH_007"
    fields = {item["field"] for item in body["details"]}
    assert fields == {
        "platform_contents.reddit.subreddits",
        "platform_contents.reddit.title",
        "platform_contents.tiktok.tiktok_settings.privacy_level",
        "media_assets",
        "platform_contents.linkedin",
    }
    launch.refresh_from_db()
    assert launch.status == "trigger"


def test_publish_with_an_unhealthy_connection_asks_to_reconnect(api, ready, twitter):
    Connection.objects.filter(pk=twitter.pk).update(health="needs_reauth")
    body = api.post(f"/v1/launches/{ready.pk}/publish").json()["error"]
    assert body["code"] == "LAUNCH_007"
    assert "Reconnect" in body["details"][0]["message"]


def test_plan_restriction_is_403_auth_002(api, ready, settings):
    settings.BILLING_PLANS = {"starter": {"can_connect_own_accounts": False}}
    response = api.post(f"/v1/launches/{ready.pk}/publish")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"


@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "publish"), ("post", "retry"), ("get", "status")],
)
def test_strangers_get_404(stranger_api, ready, method, path):
    response = getattr(stranger_api, method)(f"/v1/launches/{ready.pk}/{path}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "LAUNCH_001"


@pytest.mark.parametrize(
    ("method", "path", "scopes"),
    [("post", "publish", ["read"]), ("post", "retry", ["read"]), ("get", "status", ["write"])],
)
def test_scopes_are_enforced(make_api_client, user, ready, method, path, scopes):
    client = make_api_client(user, scopes=scopes)
    response = getattr(client, method)(f"/v1/launches/{ready.pk}/{path}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"


@pytest.mark.parametrize("path", ["publish", "retry"])
def test_a_body_field_is_400_server_002(api, ready, path):
    response = api.post(f"/v1/launches/{ready.pk}/{path}", {"platforms": ["x"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"
    ready.refresh_from_db()
    assert ready.status == "trigger"


def test_a_malformed_launch_id_is_not_found(api):
    assert api.post("/v1/launches/not-a-uuid/publish").status_code == 404


# --- posting ----------------------------------------------------------------------------------


def test_a_post_goes_out_and_the_launch_completes_with_events(api, user, ready, mocked):
    tweet_ok(mocked, "42")
    services.publish_launch(launch=ready)
    launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert log.status == P.SUCCESS
    assert log.post_id == "42"
    assert log.post_url == "https://x.com/acme/status/42"
    assert log.attempt_count == 1
    assert log.posted_at
    assert launch.status == "completed"
    assert launch.completed_at
    assert event_types(user) == ["post.published", "launch.completed"]
    completed = Event.objects.get(type="launch.completed").data
    assert completed["posts"] == [
        {"platform": "twitter", "status": "published", "post_url": log.post_url, "error": None}
    ]


def test_a_duplicate_task_never_posts_twice(ready, mocked):
    tweet_ok(mocked)
    services.publish_launch(launch=ready)
    log = ready.posting_logs.get(platform="twitter")
    posting.publish_post(log_id=log.pk)
    posting.publish_post(log_id=log.pk)  # redelivered message
    assert len(mocked.calls) == 1


def test_500_then_success_is_retried_with_backoff(ready, mocked):
    mocked.add(responses.POST, TWEETS, json={"title": "oops"}, status=500)
    tweet_ok(mocked, "7")
    services.publish_launch(launch=ready)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(ready)
        log = ready.posting_logs.get(platform="twitter")
        assert log.status == P.PENDING
        assert log.attempt_count == 1
        assert "retrying" in log.error_message
        wait = log.next_attempt_at - timezone.now()
        assert timedelta(seconds=5) <= wait <= timedelta(seconds=10)
        posting.publish_post(log_id=log.pk)  # too early: the row says not yet
        assert len(mocked.calls) == 1
        traveller.shift(wait)
        launch = run_due(ready)
    log.refresh_from_db()
    assert log.status == P.SUCCESS
    assert log.attempt_count == 2
    assert log.post_id == "7"
    assert log.error_message == ""
    assert launch.status == "completed"


def test_429_honours_retry_after(ready, mocked):
    services.publish_launch(launch=ready)
    with time_machine.travel(timezone.now(), tick=False):
        # X says when its window resets (epoch seconds): 120 s from now.
        reset = str(int(timezone.now().timestamp()) + 120)
        mocked.add(responses.POST, TWEETS, status=429, headers={"x-rate-limit-reset": reset})
        run_due(ready)
        log = ready.posting_logs.get(platform="twitter")
        assert log.status == P.PENDING
        assert log.next_attempt_at - timezone.now() >= timedelta(seconds=119)


def test_retryable_errors_give_up_after_the_configured_attempts(ready, mocked, settings):
    settings.PUBLISH_MAX_ATTEMPTS = 2
    mocked.add(responses.POST, TWEETS, status=503)
    services.publish_launch(launch=ready)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(ready)
        traveller.shift(timedelta(minutes=5))
        launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert log.status == P.FAILED
    assert log.attempt_count == 2
    assert log.error_message.startswith("gave up after 2 attempts")
    assert launch.status == "failed"


def test_permanent_error_keeps_the_platforms_reason(user, ready, mocked):
    mocked.add(
        responses.POST,
        TWEETS,
        json={"detail": "You are not allowed to create a Tweet with duplicate content."},
        status=403,
    )
    services.publish_launch(launch=ready)
    launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert log.status == P.FAILED
    assert "duplicate content" in log.error_message
    assert log.error_code
    assert launch.status == "failed"
    assert event_types(user) == ["post.failed", "launch.failed"]


def test_revoked_token_fails_the_post_and_asks_to_reconnect(user, ready, twitter, mocked):
    mocked.add(responses.POST, TWEETS, json={"title": "Unauthorized"}, status=401)
    services.publish_launch(launch=ready)
    launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert log.status == P.FAILED
    assert log.error_code == "needs_reauth"
    assert "Reconnect the account" in log.error_message
    twitter.refresh_from_db()
    assert twitter.health == "needs_reauth"
    assert "connection.needs_reauth" in event_types(user)
    reauth = Event.objects.get(type="connection.needs_reauth").data
    assert reauth == {
        "connection_id": str(twitter.pk),
        "platform": "twitter",
        "account_name": twitter.account_name,
    }


def test_a_timeout_connecting_is_retried_as_nothing_was_sent(ready, mocked):
    mocked.add(responses.POST, TWEETS, body=requests.ConnectTimeout("no route"))
    services.publish_launch(launch=ready)
    run_due(ready)
    log = ready.posting_logs.get(platform="twitter")
    assert log.status == P.PENDING
    assert log.attempt_count == 1


def test_timeout_is_unconfirmed_and_never_retried_by_itself(ready, mocked):
    mocked.add(responses.POST, TWEETS, body=requests.ReadTimeout("slow"))
    services.publish_launch(launch=ready)
    launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert log.status == P.UNCONFIRMED
    assert "check the platform before retrying" in log.error_message
    posting.publish_post(log_id=log.pk)
    assert len(mocked.calls) == 1
    assert launch.status == "failed"


def thread_launch(user, twitter):
    return LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", "thread": ["one", "two", "three"]}},
        user_platform_accounts={"twitter": str(twitter.pk)},
    )


def test_a_thread_failing_at_tweet_3_resumes_at_tweet_3(user, twitter, mocked):
    launch = thread_launch(user, twitter)
    tweet_ok(mocked, "1")
    tweet_ok(mocked, "2")
    mocked.add(responses.POST, TWEETS, status=503)
    tweet_ok(mocked, "3")
    services.publish_launch(launch=launch)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(launch)
        log = launch.posting_logs.get()
        assert log.thread_post_ids == ["1", "2"]
        assert log.published_items[1] == {
            "post_id": "2",
            "post_url": "https://x.com/acme/status/2",
            "target": "",
        }
        traveller.shift(timedelta(minutes=1))
        run_due(launch)
    log.refresh_from_db()
    bodies = [json.loads(call.request.body) for call in mocked.calls]
    assert [body["text"] for body in bodies] == ["one", "two", "three", "three"]
    assert bodies[3]["reply"] == {"in_reply_to_tweet_id": "2"}
    assert log.status == P.SUCCESS
    assert log.thread_post_ids == ["1", "2", "3"]
    assert log.post_url == "https://x.com/acme/status/1"  # the head, posted by the 1st attempt


def test_retry_after_a_permanent_failure_resumes_the_thread(api, user, twitter, mocked):
    launch = thread_launch(user, twitter)
    tweet_ok(mocked, "1")
    mocked.add(responses.POST, TWEETS, json={"detail": "nope"}, status=403)
    services.publish_launch(launch=launch)
    run_due(launch)
    assert launch.status == "failed"
    mocked.replace(responses.POST, TWEETS, json={"data": {"id": "9"}}, status=201)
    response = api.post(f"/v1/launches/{launch.pk}/retry")
    assert response.status_code == 202
    assert response.json() == {"data": {"message": "retry queued", "platforms": ["twitter"]}}
    launch = run_due(launch)
    bodies = [json.loads(call.request.body) for call in mocked.calls]
    assert [body["text"] for body in bodies] == ["one", "two", "two", "three"]
    assert bodies[2]["reply"] == {"in_reply_to_tweet_id": "1"}
    assert launch.status == "completed"


def test_retry_repairs_only_the_failed_platform(api, user, twitter, make_platform_connection):
    linkedin = make_platform_connection("linkedin", extra={"author": "urn:li:person:1"})
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        user_platform_accounts={"twitter": str(twitter.pk), "linkedin:personal": str(linkedin.pk)},
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        tweet_ok(rsps)
        rsps.add(responses.POST, LINKEDIN_POSTS, status=422, json={"message": "bad"})
        services.publish_launch(launch=launch)
        launch = run_due(launch)
        assert launch.status == "partial"
        assert event_types(user)[-1] == "launch.partial"
        rsps.replace(
            responses.POST, LINKEDIN_POSTS, status=201, headers={"x-restli-id": "urn:li:share:5"}
        )
        assert services.retry_launch(launch=launch) == ["linkedin"]
        launch = run_due(launch)
        tweets = [call for call in rsps.calls if call.request.url == TWEETS]
    assert len(tweets) == 1
    assert launch.status == "completed"


def test_retry_needs_a_failed_post_and_a_settled_launch(api, ready, mocked):
    tweet_ok(mocked)
    services.publish_launch(launch=ready)
    response = api.post(f"/v1/launches/{ready.pk}/retry")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "LAUNCH_004"
    run_due(ready)
    response = api.post(f"/v1/launches/{ready.pk}/retry")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "LAUNCH_003"


def test_the_last_settle_finishes_the_launch_exactly_once(user, ready, mocked):
    tweet_ok(mocked)
    services.publish_launch(launch=ready)
    launch = run_due(ready)
    log = launch.posting_logs.get(platform="twitter")
    assert not services.settle_post(log.pk, status=P.FAILED, error_message="late")
    assert services.finish_if_settled(launch) is None
    assert event_types(user).count("launch.completed") == 1


def test_a_cancelled_launch_does_not_send_its_pending_posts(user, ready, mocked):
    services.publish_launch(launch=ready)
    Launch.objects.filter(pk=ready.pk).update(status="cancelled")
    run_due(ready)
    assert not mocked.calls
    log = ready.posting_logs.get(platform="twitter")
    assert log.status == P.FAILED
    assert log.error_code == "cancelled"


# --- pending platform work --------------------------------------------------------------------


def test_instagram_container_is_checked_by_follow_up_tasks(user, make_platform_connection, mocked):
    ig = make_platform_connection("instagram", entity_id="1789")
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["instagram"],
        platform_contents={"instagram": {"platform": "instagram", "content": "caption"}},
        media_assets=[{"url": "https://cdn.example/a.jpg", "type": "image"}],
        user_platform_accounts={"instagram": str(ig.pk)},
    )
    graph = "https://graph.facebook.com/v25.0"
    mocked.add(responses.POST, f"{graph}/1789/media", json={"id": "c1"})
    mocked.add(responses.GET, f"{graph}/c1", json={"status_code": "IN_PROGRESS"})
    mocked.add(responses.GET, f"{graph}/c1", json={"status_code": "FINISHED"})
    mocked.add(responses.POST, f"{graph}/1789/media_publish", json={"id": "m1"})
    mocked.add(responses.GET, f"{graph}/m1", json={"permalink": "https://instagr.am/p/m1"})
    services.publish_launch(launch=launch)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(launch)
        log = launch.posting_logs.get()
        assert log.status == P.PUBLISHING
        assert log.pending_publish["pending"]["handle"] == "c1"
        for _ in range(2):
            traveller.shift(timedelta(seconds=10))
            posting.check_pending_post(log_id=log.pk)
            posting.check_pending_post(log_id=log.pk)  # a duplicate check does nothing
    log.refresh_from_db()
    launch.refresh_from_db()
    assert log.status == P.SUCCESS
    assert log.post_url == "https://instagr.am/p/m1"
    assert len([c for c in mocked.calls if c.request.url.endswith("media_publish")]) == 1
    assert launch.status == "completed"


def waiting_post(user, connection, platform: str, handle: str) -> PostingLog:
    """A post whose platform-side processing a follow-up check is due to look at."""
    launch = LaunchFactory(owner=user, status="running", platforms=[platform])
    return PostingLogFactory(
        launch=launch,
        platform=platform,
        target_key=platform,
        connection_id=connection.pk,
        status=P.PUBLISHING,
        pending_publish={"pending": {"platform": platform, "handle": handle}, "checks": 0},
        next_attempt_at=timezone.now(),
    )


def test_a_check_that_times_out_creating_the_post_is_unconfirmed_not_repeated(
    user, make_platform_connection, mocked
):
    ig = make_platform_connection("instagram", entity_id="1789")
    log = waiting_post(user, ig, "instagram", "c1")
    graph = "https://graph.facebook.com/v25.0"
    mocked.add(responses.GET, f"{graph}/c1", json={"status_code": "FINISHED"})
    mocked.add(responses.POST, f"{graph}/1789/media_publish", body=requests.ReadTimeout("slow"))
    posting.check_pending_post(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == P.UNCONFIRMED  # it may be on Instagram: never published a second time
    assert log.pending_publish is None
    assert len([c for c in mocked.calls if c.request.url.endswith("media_publish")]) == 1


@pytest.mark.parametrize(
    ("platform", "method", "url"),
    [
        ("instagram", responses.GET, "https://graph.facebook.com/v25.0/c1"),
        # TikTok's status fetch is a POST that only reads.
        ("tiktok", responses.POST, "https://open.tiktokapis.com/v2/post/publish/status/fetch/"),
    ],
)
def test_a_check_that_times_out_only_reading_looks_again(
    user, make_platform_connection, mocked, platform, method, url
):
    log = waiting_post(user, make_platform_connection(platform), platform, "c1")
    mocked.add(method, url, body=requests.ReadTimeout("slow"))
    posting.check_pending_post(log_id=log.pk)
    log.refresh_from_db()
    assert log.status == P.PUBLISHING
    assert log.pending_publish["checks"] == 1
    assert log.next_attempt_at > timezone.now()


# --- lost workers and the sweeper -------------------------------------------------------------


def test_worker_killed_mid_post_is_not_posted_twice_and_becomes_unconfirmed(user, ready, mocked):
    tweet_ok(mocked)
    services.publish_launch(launch=ready)
    log = ready.posting_logs.get(platform="twitter")
    # The worker claims the post and dies before recording the answer (SIGKILL mid-request).
    assert posting._claim(log.pk) is not None
    posting.publish_post(log_id=log.pk)  # the redelivered message (reject_on_worker_lost)
    assert not mocked.calls
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        report = services.sweep_publishing()
    assert report["unconfirmed"] == 1
    log.refresh_from_db()
    ready.refresh_from_db()
    assert log.status == P.UNCONFIRMED
    assert log.error_code == "worker_lost"
    assert ready.status == "failed"
    assert event_types(user) == ["post.failed", "launch.failed"]


@pytest.fixture
def eager_celery():
    from dropspace.celery import app

    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = False


def test_sweeper_re_enqueues_a_post_whose_message_was_lost(ready, mocked, eager_celery):
    tweet_ok(mocked)
    services.publish_launch(launch=ready)  # the on_commit enqueue never happens in this test
    assert services.sweep_publishing()["requeued"] == 0  # inside the lease: maybe just queued
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        assert services.sweep_publishing()["requeued"] == 1
    ready.refresh_from_db()
    assert ready.status == "completed"
    assert len(mocked.calls) == 1


def test_sweeper_finishes_a_launch_whose_posts_all_settled(ready):
    services.publish_launch(launch=ready)
    PostingLog.objects.filter(launch=ready, platform="twitter").update(status=P.SUCCESS)
    assert services.sweep_publishing()["finished"] == 1
    ready.refresh_from_db()
    assert ready.status == "completed"


# --- scheduling -------------------------------------------------------------------------------


def scheduled(user, accounts, *, platforms=("twitter",), due=True):
    when = timezone.now() + (timedelta(minutes=-1) if due else timedelta(hours=1))
    contents = {p: {"platform": p, "content": f"{p} post"} for p in platforms}
    return LaunchFactory(
        owner=user,
        status="scheduled",
        scheduled_date=when,
        platforms=list(platforms),
        platform_contents=contents,
        user_platform_accounts=accounts,
    )


def test_scheduler_starts_due_launches_only(user, twitter):
    due = scheduled(user, {"twitter": str(twitter.pk)})
    later = scheduled(user, {"twitter": str(twitter.pk)}, due=False)
    assert services.start_due_launches() == 1
    assert services.start_due_launches() == 0
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == ("running", "scheduled")
    assert due.posting_logs.get().status == P.PENDING


def test_a_batch_that_cannot_start_together_starts_one_by_one(user, twitter):
    # What the batch's row locks prevent in production: one launch cancelled between the
    # scheduler's read and its write. The shared write is undone; the others still start.
    launches = [scheduled(user, {"twitter": str(twitter.pk)}) for _ in range(3)]
    batch = list(Launch.objects.filter(pk__in=[launch.pk for launch in launches]))
    Launch.objects.filter(pk=launches[0].pk).update(status="cancelled")
    assert services._start_batch(batch) == 2
    statuses = {launch.pk: launch.status for launch in Launch.objects.filter(owner=user)}
    assert statuses == {
        launches[0].pk: "cancelled",
        launches[1].pk: "running",
        launches[2].pk: "running",
    }
    assert PostingLog.objects.filter(launch=launches[0]).count() == 0
    assert PostingLog.objects.filter(status=P.PENDING).count() == 2


def test_unhealthy_connection_at_start_fails_only_its_platform(
    user, twitter, make_platform_connection, mocked
):
    linkedin = make_platform_connection("linkedin", health="needs_reauth")
    launch = scheduled(
        user,
        {"twitter": str(twitter.pk), "linkedin:personal": str(linkedin.pk)},
        platforms=("twitter", "linkedin"),
    )
    tweet_ok(mocked)
    services.start_due_launches()
    logs = {log.platform: log for log in launch.posting_logs.all()}
    assert logs["linkedin"].status == P.FAILED
    assert "Reconnect the account" in logs["linkedin"].error_message
    assert logs["twitter"].status == P.PENDING
    launch = run_due(launch)
    assert launch.status == "partial"


def test_schedule_and_cancel_record_events(api, user):
    body = {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["linkedin"],
        "platform_contents": {"linkedin": {"content": "Acme is live"}},
        "scheduled_date": (timezone.now() + timedelta(hours=2)).isoformat(),
    }
    launch_id = api.post("/v1/launches", body, format="json").json()["data"]["id"]
    api.patch(f"/v1/launches/{launch_id}", {"status": "cancelled"}, format="json")
    assert event_types(user) == ["launch.scheduled", "launch.cancelled"]
    scheduled_event = Event.objects.get(type="launch.scheduled").data
    assert scheduled_event["launch_id"] == launch_id
    assert scheduled_event["scheduled_date"]


# --- guided steps -----------------------------------------------------------------------------


def test_mark_manual_posted_records_the_url(ready):
    services.publish_launch(launch=ready)
    log = ready.posting_logs.get(platform="producthunt")
    log = services.mark_manual_posted(log=log, url="https://www.producthunt.com/posts/acme")
    assert log.status == P.MANUAL
    assert log.post_url == "https://www.producthunt.com/posts/acme"
    assert log.posted_at


@pytest.mark.parametrize("url", ["", "ftp://x", "not a url"])
def test_mark_manual_posted_needs_an_http_url(ready, url):
    from dropspace.api.errors import ApiError

    log = PostingLogFactory(launch=ready, platform="hackernews", target_key="", status="manual")
    with pytest.raises(ApiError) as caught:
        services.mark_manual_posted(log=log, url=url)
    assert caught.value.code.name == "SERVER_002"


def test_several_accounts_on_one_platform_each_get_a_post(user, make_platform_connection):
    personal = make_platform_connection("linkedin")
    org = make_platform_connection(
        "linkedin", account_type="organization", entity_id="urn:li:organization:9"
    )
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["linkedin"],
        platform_contents={"linkedin": {"platform": "linkedin", "content": "hi"}},
        user_platform_accounts={
            "linkedin:personal": str(personal.pk),
            "linkedin:organization:9": str(org.pk),
        },
    )
    services.publish_launch(launch=launch)
    keys = sorted(launch.posting_logs.values_list("target_key", flat=True))
    assert keys == ["linkedin:organization:9", "linkedin:personal"]
    PostingLog.objects.filter(launch=launch, target_key="linkedin:personal").update(
        status=P.SUCCESS, post_url="https://www.linkedin.com/feed/update/1"
    )
    status = selectors.launch_posting_status(launch)["linkedin"]
    assert status["status"] == "pending"
    accounts = {account["target_key"]: account["status"] for account in status["accounts"]}
    assert accounts == {"linkedin:personal": "success", "linkedin:organization:9": "pending"}


def test_a_content_problem_at_scheduled_start_fails_only_that_platform(
    user, twitter, make_platform_connection, mocked
):
    reddit = make_platform_connection("reddit")
    launch = scheduled(
        user,
        {"twitter": str(twitter.pk), "reddit": str(reddit.pk)},
        platforms=("twitter", "reddit"),
    )  # the reddit post has no title and no subreddit
    services.start_due_launches()
    logs = {log.platform: log for log in launch.posting_logs.all()}
    assert logs["reddit"].status == P.FAILED
    assert "subreddit" in logs["reddit"].error_message
    assert logs["twitter"].status == P.PENDING


def test_a_plan_restriction_at_scheduled_start_fails_every_post(user, twitter, settings):
    settings.BILLING_PLANS = {"starter": {"can_connect_own_accounts": False}}
    launch = scheduled(user, {"twitter": str(twitter.pk)})
    services.start_due_launches()
    launch.refresh_from_db()
    assert launch.status == "failed"
    assert "plan" in launch.posting_logs.get().error_message


def test_sweeper_re_enqueues_an_overdue_platform_check(user, make_platform_connection, mocked):
    ig = make_platform_connection("instagram", entity_id="1789")
    launch = LaunchFactory(owner=user, status="running", platforms=["instagram"])
    log = PostingLogFactory(
        launch=launch,
        platform="instagram",
        target_key="instagram",
        connection_id=ig.pk,
        status=P.PUBLISHING,
        pending_publish={"pending": {"platform": "instagram", "handle": "c1"}, "checks": 3},
        next_attempt_at=timezone.now() - timedelta(hours=1),  # its check was lost
    )
    graph = "https://graph.facebook.com/v25.0"
    mocked.add(responses.GET, f"{graph}/c1", json={"status_code": "IN_PROGRESS"})
    from dropspace.celery import app

    app.conf.task_always_eager = True
    try:
        assert services.sweep_publishing()["checks"] == 1
    finally:
        app.conf.task_always_eager = False
    log.refresh_from_db()
    assert log.status == P.PUBLISHING
    assert log.pending_publish["checks"] == 4
    assert log.next_attempt_at > timezone.now()


def test_a_check_after_the_account_was_disconnected_is_unconfirmed(user, make_platform_connection):
    ig = make_platform_connection("instagram", is_active=False)
    launch = LaunchFactory(owner=user, status="running", platforms=["instagram"])
    log = PostingLogFactory(
        launch=launch,
        platform="instagram",
        target_key="instagram",
        connection_id=ig.pk,
        status=P.PUBLISHING,
        pending_publish={"pending": {"platform": "instagram", "handle": "c1"}, "checks": 0},
        next_attempt_at=timezone.now(),
    )
    posting.check_pending_post(log_id=log.pk)
    log.refresh_from_db()
    launch.refresh_from_db()
    assert log.status == P.UNCONFIRMED
    assert launch.status == "failed"


def test_publishing_a_failed_launch_again_never_reposts_what_went_out(user, twitter, mocked):
    launch = thread_launch(user, twitter)
    tweet_ok(mocked, "1")
    mocked.add(responses.POST, TWEETS, json={"detail": "nope"}, status=403)
    services.publish_launch(launch=launch)
    launch = run_due(launch)
    assert launch.status == "failed"
    mocked.replace(responses.POST, TWEETS, json={"data": {"id": "9"}}, status=201)
    services.publish_launch(launch=launch)
    launch = run_due(launch)
    texts = [json.loads(call.request.body)["text"] for call in mocked.calls]
    assert texts == ["one", "two", "two", "three"]
    assert launch.status == "completed"
    assert launch.posting_logs.count() == 1


def test_reddit_resumes_after_the_subreddits_already_posted(
    user, make_platform_connection, mocked, settings
):
    reddit = make_platform_connection("reddit", extra={"name": "olive"})
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["reddit"],
        platform_contents={
            "reddit": {
                "platform": "reddit",
                "content": "We built Acme",
                "title": "Acme",
                "subreddits": [{"name": "SideProject"}, {"name": "startups"}],
            }
        },
        user_platform_accounts={"reddit": str(reddit.pk)},
    )
    submit = "https://oauth.reddit.com/api/submit"
    url = "https://www.reddit.com/r/SideProject/comments/a1/acme/"
    mocked.add(
        responses.POST, submit, json={"json": {"errors": [], "data": {"id": "a1", "url": url}}}
    )
    mocked.add(responses.POST, submit, status=503)
    mocked.add(
        responses.POST, submit, json={"json": {"errors": [], "data": {"id": "b2", "url": "u"}}}
    )
    services.publish_launch(launch=launch)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(launch)
        log = launch.posting_logs.get()
        assert log.published_items == [{"post_id": "a1", "post_url": url, "target": "SideProject"}]
        traveller.shift(timedelta(minutes=1))
        launch = run_due(launch)
    subreddits = [call.request.body for call in mocked.calls]
    assert ["sr=startups" in body for body in subreddits] == [False, True, True]
    log.refresh_from_db()
    assert log.thread_post_ids == ["a1", "b2"]
    assert launch.status == "completed"


def test_retry_skips_an_account_that_still_needs_reconnecting(user, ready, twitter, mocked):
    mocked.add(responses.POST, TWEETS, json={"title": "Unauthorized"}, status=401)
    services.publish_launch(launch=ready)
    run_due(ready)
    from dropspace.api.errors import ApiError

    with pytest.raises(ApiError) as caught:
        services.retry_launch(launch=ready)
    assert caught.value.code.name == "LAUNCH_003"
    assert "Reconnect the account" in caught.value.message
    assert len(mocked.calls) == 1
    Connection.objects.filter(pk=twitter.pk).update(health="healthy")  # reconnected
    mocked.replace(responses.POST, TWEETS, json={"data": {"id": "5"}}, status=201)
    assert services.retry_launch(launch=ready) == ["twitter"]
    assert run_due(ready).status == "completed"


def test_a_launch_starts_on_the_first_tick_of_its_second(user, twitter):
    """Beat ticks every second; a tick at the scheduled instant (not a second later) starts it."""
    from dropspace.celery import app
    from launches import tasks

    entry = app.conf.beat_schedule["launches-start-due-launches"]
    assert entry["schedule"] <= 1.0
    assert entry["options"]["expires"] <= entry["schedule"]  # ticks never pile up
    launch = scheduled(user, {"twitter": str(twitter.pk)}, due=False)
    with time_machine.travel(launch.scheduled_date - timedelta(milliseconds=500), tick=False):
        assert tasks.start_due_launches() == 0
    with time_machine.travel(launch.scheduled_date, tick=False):
        assert tasks.start_due_launches() == 1
    launch.refresh_from_db()
    assert launch.status == "running"


MEDIA_UPLOAD = "https://api.x.com/2/media/upload"


def video_thread_launch(api, twitter) -> Launch:
    """A two-tweet thread whose second tweet carries a stored video."""
    body = {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["twitter"],
        "user_platform_accounts": {"twitter": str(twitter.pk)},
        "platform_contents": {"twitter": {"thread": ["one", "two"]}},
        "media": [{"source": "base64", "data": b64(video_bytes()), "filename": "demo.mp4"}],
    }
    created = api.post("/v1/launches", body, format="json")
    assert created.status_code == 201, created.json()
    launch_id = created.json()["data"]["id"]
    video = created.json()["data"]["media_assets"][0]["id"]
    chosen = {"platform_contents": {"twitter": {"thread_media": [[], [video]]}}}
    assert api.patch(f"/v1/launches/{launch_id}", chosen, format="json").status_code == 200
    return Launch.objects.get(pk=launch_id)


def test_a_thread_retried_after_a_429_posts_the_rest_with_the_video_it_uploaded(
    api, twitter, mocked, media_folder
):
    launch = video_thread_launch(api, twitter)
    answer = {"id": "v1", "media_key": "7_v1", "expires_after_secs": 86400}
    mocked.add(responses.POST, f"{MEDIA_UPLOAD}/initialize", json={"data": answer})
    mocked.add(responses.POST, f"{MEDIA_UPLOAD}/v1/append", json={"data": {}})
    processing = {"state": "pending", "check_after_secs": 1}
    finalized = {**answer, "processing_info": processing}
    mocked.add(responses.POST, f"{MEDIA_UPLOAD}/v1/finalize", json={"data": finalized})
    ready = {"data": {"id": "v1", "processing_info": {"state": "succeeded"}}}
    mocked.add(responses.GET, MEDIA_UPLOAD, json=ready)
    tweet_ok(mocked, "1")
    mocked.add(responses.POST, TWEETS, status=429, json={"title": "Too Many Requests"})
    tweet_ok(mocked, "2")
    services.publish_launch(launch=launch)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        run_due(launch)
        log = launch.posting_logs.get()
        traveller.shift(timedelta(seconds=5))
        posting.check_pending_post(log_id=log.pk)  # processed: tweet 1 out, tweet 2 is a 429
        log.refresh_from_db()
        assert (log.status, log.thread_post_ids) == (P.PENDING, ["1"])
        first_attempt = len(mocked.calls)
        traveller.shift(timedelta(minutes=5))
        run_due(launch)
    log.refresh_from_db()
    assert log.status == P.SUCCESS
    assert log.thread_post_ids == ["1", "2"]
    retry = [call.request for call in mocked.calls][first_attempt:]
    assert [request.url for request in retry] == [TWEETS]  # no INIT, APPEND, FINALIZE
    assert json.loads(retry[0].body) == {
        "text": "two",
        "media": {"media_ids": ["v1"]},
        "reply": {"in_reply_to_tweet_id": "1"},
    }
    uploads = [call for call in mocked.calls if call.request.url.startswith(MEDIA_UPLOAD)]
    assert len(uploads) == 4  # INIT, APPEND, FINALIZE and one STATUS, all by the first attempt
