"""The whole pipeline with real processes: a Celery worker subprocess consuming the Redis
broker, PostgreSQL, and the sandbox platforms served by the live server.

Runs when DATABASE_URL (PostgreSQL) and REDIS_URL are set, as in CI.
"""

import base64
import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection as db
from django.utils import timezone
from redis import Redis
from standardwebhooks import Webhook

from connections.models import Connection
from connections.sandbox import services as sandbox
from connections.sandbox.models import SandboxAccount, SandboxPost
from dropspace.celery import app
from dropspace.testing import Receiver
from launches import services as launch_services
from launches.models import Launch, PostingLog
from launches.publishing import services
from tests.launches.factories import LaunchFactory, due_twitter_launches
from tests.media.files import image_bytes
from webhooks import services as webhook_services
from webhooks.models import Event

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not (POSTGRES and os.environ.get("REDIS_URL")),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as CI provides",
    ),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(__file__).resolve().parents[2]
PLATFORMS = ["twitter", "linkedin", "facebook", "reddit", "instagram", "tiktok"]


@pytest.fixture
def no_real_http():
    """This module talks HTTP for real: to the sandbox on the live server."""
    return None


def database_url() -> str:
    """The test database this process uses, for the worker subprocess."""
    conf = db.settings_dict
    auth = conf["USER"] + (f":{conf['PASSWORD']}" if conf["PASSWORD"] else "")
    return f"postgres://{auth}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


@pytest.fixture
def shared_media(settings, tmp_path):
    """Media in files both this process (the live server) and the worker subprocess read."""
    root = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
    }
    return root


@pytest.fixture
def sandbox_server(settings, live_server, shared_media):
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in PLATFORMS
    }
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    return live_server


@pytest.fixture
def redis_broker():
    """This process enqueues on the Redis broker the worker consumes (tests default to memory),
    under keys of this test only: pytest-xdist runs tests side by side on one Redis database,
    and a worker taking another test's task finds no such post in its own test database."""
    previous = app.conf.broker_url, app.conf.broker_transport_options
    prefix = f"test-{uuid.uuid4().hex}:"
    use_broker(settings.REDIS_URL, {**previous[1], "global_keyprefix": prefix})
    yield prefix
    use_broker(*previous)
    redis = Redis.from_url(settings.REDIS_URL)
    keys = list(redis.scan_iter(match=f"{prefix}*"))
    if keys:
        redis.delete(*keys)


def use_broker(url: str, transport_options: dict) -> None:
    # Celery caches its connection and producer pools: drop them so the next send reconnects.
    app.conf.broker_url = url
    app.conf.broker_transport_options = transport_options
    app._pool = None
    app.amqp._producer_pool = None


class Worker:
    """`celery -A dropspace worker` with the pool the project ships (PUBLISH_WORKER_POOL:
    threads), 8 threads on every publishing queue, in its own process."""

    def __init__(self, env: dict, log_path: Path):
        queues = ",".join(sorted({"celery", *settings.PUBLISH_QUEUES.values()}))
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "dropspace",
                "worker",
                f"--pool={settings.PUBLISH_WORKER_POOL}",
                "--concurrency=8",
                f"--queues={queues}",
                f"--hostname={log_path.stem}@%h",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.process.pid

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost machine would: no shutdown, nothing acked."""
        for pid in [*pool_processes(self.pid), self.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def stop(self) -> None:
        children = pool_processes(self.pid)
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        for child in children:  # never leave a pool process holding the test database
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        self.log.close()
        print(self.log_path.read_text()[-4000:])


@pytest.fixture
def start_worker(sandbox_server, redis_broker, tmp_path):
    """``start_worker(**env)`` -> a new worker process on this test's broker and database."""
    base = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dropspace.settings",
        "DATABASE_URL": database_url(),
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_KEY_PREFIX": redis_broker,
        "CACHE_KEY_PREFIX": redis_broker,  # this test's own holds and limits
        "SANDBOX_ENABLED": "true",
        "SANDBOX_BASE_URL": settings.SANDBOX_BASE_URL,
        "SITE_URL": sandbox_server.url,  # media URLs the sandbox pulls point at the live server
        "MEDIA_ROOT": str(settings.STORAGES["media"]["OPTIONS"]["location"]),
        "TOKEN_ENCRYPTION_KEYS": ",".join(settings.TOKEN_ENCRYPTION_KEYS),
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "x"),
        "PUBLISH_PENDING_CHECK_MAX_SECONDS": "1",
        "PUBLISH_RETRY_BASE_SECONDS": "1",
        "PLATFORM_HTTP_TIMEOUT_SECONDS": "5",
        "WEBHOOKS_ALLOW_LOOPBACK": "true",  # the receiver below is plain http
    }
    started: list[Worker] = []

    def start(**env) -> Worker:
        worker = Worker({**base, **env}, tmp_path / f"worker{len(started) + 1}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()  # a killed one: just its log


@pytest.fixture
def worker(start_worker):
    return start_worker()


def wait_until_settled(launch: Launch, timeout: float = 60.0) -> Launch:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        launch.refresh_from_db()
        if launch.status != "running":
            return launch
        time.sleep(0.3)
    raise AssertionError(f"launch still running: {list(launch.posting_logs.values())}")


def connect(client, platform):
    """Click Connect, approve on the sandbox consent page, choose every account offered."""
    authorize = urlsplit(client.post(f"/connections/{platform}/connect/")["Location"])
    page = client.get(f"{authorize.path}?{authorize.query}")
    params = {**dict(page.context["params"].items()), "username": "olive", "decision": "approve"}
    callback = urlsplit(client.post(authorize.path, params)["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    if done["Location"] == "/connections/choose/":
        choice = client.get("/connections/choose/").context["choice"]
        ids = [account["entity_id"] for account in choice["accounts"]]
        done = client.post("/connections/choose/", {"accounts": ids})
    assert done["Location"] == "/connections/"
    assert Connection.objects.filter(platform=platform).exists()


@pytest.fixture
def accounts(sandbox_server, logged_in_client):
    """Six connected sandbox accounts of the user, through the real connect flow."""

    for platform in PLATFORMS:
        connect(logged_in_client, platform)
    mine = Connection.objects.filter(is_active=True)
    return {
        "twitter": mine.get(platform="twitter"),
        "reddit": mine.get(platform="reddit"),
        "instagram": mine.get(platform="instagram"),
        "tiktok": mine.get(platform="tiktok"),
        "linkedin:personal": mine.get(platform="linkedin", account_type="personal"),
        f"facebook:page:{(page := mine.filter(platform='facebook').first()).entity_id}": page,
    }


def six_platform_launch(user, accounts) -> Launch:
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=PLATFORMS,
        platform_contents={
            "twitter": {"platform": "twitter", "thread": ["Acme is live", "It pays invoices"]},
            "linkedin": {"platform": "linkedin", "content": "Acme is live"},
            "facebook": {"platform": "facebook", "content": "Acme is live"},
            "reddit": {
                "platform": "reddit",
                "content": "We built Acme",
                "title": "Acme: invoices paid in one click",
                "subreddits": [{"name": "SideProject"}],
            },
            "instagram": {"platform": "instagram", "content": "Acme is live"},
            "tiktok": {
                "platform": "tiktok",
                "content": "Acme is live",
                "tiktok_settings": {"privacy_level": "SELF_ONLY"},
            },
        },
        user_platform_accounts={key: str(c.pk) for key, c in accounts.items()},
    )
    image = base64.b64encode(image_bytes("JPEG", size=(320, 320))).decode()
    return launch_services.update_launch(
        launch=launch,
        by=user,
        changes={
            "media": [{"source": "base64", "data": image, "filename": "launch.jpg"}],
            "media_attach_platforms": ["instagram", "tiktok"],
        },
    )


def sandbox_account(connection: Connection) -> SandboxAccount:
    entity = connection.entity_id.rsplit(":", 1)[-1]
    return SandboxAccount.objects.filter(
        platform=connection.platform, entity_id__endswith=entity
    ).get()


def test_six_platforms_complete_one_failure_is_partial_and_retry_repairs_it(user, accounts, worker):
    launch = six_platform_launch(user, accounts)
    services.publish_launch(launch=launch)
    launch = wait_until_settled(launch)
    logs = {log.platform: log for log in launch.posting_logs.all()}
    assert {p: log.status for p, log in logs.items()} == dict.fromkeys(PLATFORMS, "success")
    assert launch.status == "completed"
    assert len(logs["twitter"].thread_post_ids) == 2
    assert Event.objects.filter(type="post.published").count() == 6
    assert Event.objects.filter(type="launch.completed").count() == 1

    # The same launch again with LinkedIn refusing the post: partial.
    second = six_platform_launch(user, accounts)
    sandbox.inject_fault(account=sandbox_account(accounts["linkedin:personal"]), kind="rejected")
    services.publish_launch(launch=second)
    second = wait_until_settled(second)
    assert second.status == "partial"
    failed = second.posting_logs.get(status="failed")
    assert failed.platform == "linkedin"
    assert failed.error_message
    posts_before = SandboxPost.objects.count()

    assert services.retry_launch(launch=second) == ["linkedin"]
    second = wait_until_settled(second)
    assert second.status == "completed"
    assert SandboxPost.objects.count() == posts_before + 1  # only LinkedIn posted again
    assert PostingLog.objects.filter(launch=second, status="success").count() == 6


def test_a_worker_killed_mid_post_never_posts_twice(user, accounts, start_worker, settings):
    """SIGKILL the worker (its threads die with it) while a post waits on the platform: the
    unacked message goes to the next worker (acks_late; Redis gives it back after the
    visibility timeout), the claim stops that second run, the sweeper marks the post
    unconfirmed, and the person's retry posts it once."""
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 8  # the sandbox's "timeout" fault sleeps this long
    first = start_worker(PLATFORM_HTTP_TIMEOUT_SECONDS="20")
    twitter = accounts["twitter"]
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", "content": "Acme is live"}},
        user_platform_accounts={"twitter": str(twitter.pk)},
    )
    sandbox.inject_fault(account=sandbox_account(twitter), kind="timeout")
    services.publish_launch(launch=launch)
    log = launch.posting_logs.get()
    wait_for(lambda: PostingLog.objects.get(pk=log.pk).status == "publishing")
    wait_for(lambda: sandbox.calls_in_flight.now["twitter"] == 1)  # the call is on X now
    (task_id,) = received_tasks(first.log_path)
    first.kill()

    second = start_worker(CELERY_BROKER_VISIBILITY_TIMEOUT="3")
    wait_for(lambda: task_id in received_tasks(second.log_path), timeout=60)
    wait_for(lambda: f"publish_post[{task_id}] succeeded" in second.log_path.read_text())
    log.refresh_from_db()
    assert log.status == "publishing"  # the redelivered task found the post claimed
    assert log.attempt_count == 1
    posts = SandboxPost.objects.filter(account=sandbox_account(twitter))
    assert posts.count() == 0  # the faulted request never created it

    later = timezone.now() + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS + 1)
    assert services.sweep_publishing(now=later)["unconfirmed"] == 1
    launch.refresh_from_db()
    assert launch.status == "failed"
    assert "check the platform before retrying" in launch.posting_logs.get().error_message

    assert services.retry_launch(launch=launch) == ["twitter"]
    launch = wait_until_settled(launch)
    assert launch.status == "completed"
    assert posts.count() == 1


def received_tasks(log_path: Path) -> list[str]:
    """The publish_post task ids a worker's log shows it received."""
    return re.findall(r"publish_post\[([0-9a-f-]+)\] received", log_path.read_text())


def pool_processes(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(line) for line in out.split()]


def wait_for(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.1)


# --- the engine's faults, through the worker pool we ship -------------------------------------


def x_launch(user, twitter, **content) -> Launch:
    content = content or {"content": "Acme is live"}
    return LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", **content}},
        user_platform_accounts={"twitter": str(twitter.pk)},
    )


def test_a_500_then_success_is_retried_and_posted_once(user, accounts, worker):
    twitter = accounts["twitter"]
    sandbox.inject_fault(account=sandbox_account(twitter), kind="server_error")
    launch = x_launch(user, twitter)
    services.publish_launch(launch=launch)
    assert wait_until_settled(launch).status == "completed"
    log = launch.posting_logs.get()
    assert (log.status, log.attempt_count) == ("success", 2)
    assert SandboxPost.objects.filter(account=sandbox_account(twitter)).count() == 1


def test_a_429_waits_its_retry_after_then_posts_once(user, accounts, worker):
    twitter = accounts["twitter"]
    sandbox.inject_fault(account=sandbox_account(twitter), kind="rate_limit", retry_after=3)
    launch = x_launch(user, twitter)
    services.publish_launch(launch=launch)
    wait_for(lambda: PostingLog.objects.filter(launch=launch, error_code="429").exists())
    waiting = launch.posting_logs.get()
    assert waiting.status == "pending"
    # X's reset is a whole epoch second: 3 s from now is at least 2 s from the answer.
    assert waiting.next_attempt_at - waiting.updated_at >= timedelta(seconds=2)
    assert wait_until_settled(launch).status == "completed"
    assert launch.posting_logs.get().attempt_count == 2
    assert SandboxPost.objects.filter(account=sandbox_account(twitter)).count() == 1


def test_a_timeout_is_unconfirmed_and_never_sent_again_by_itself(user, accounts, worker, settings):
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 5  # the sandbox answers after the worker's 5 s
    twitter = accounts["twitter"]
    sandbox.inject_fault(account=sandbox_account(twitter), kind="timeout")
    launch = x_launch(user, twitter)
    services.publish_launch(launch=launch)
    assert wait_until_settled(launch).status == "failed"
    log = launch.posting_logs.get()
    assert (log.status, log.attempt_count) == ("unconfirmed", 1)
    assert "check the platform before retrying" in log.error_message


def test_a_thread_cut_by_the_platforms_limit_resumes_after_the_tweets_that_went_out(
    user, accounts, worker, settings
):
    # X allows this account 2 posts per 3 s: tweet 3 gets X's 429, waits for the reset and
    # goes out as the reply to tweet 2; tweets 1 and 2 are never sent again.
    settings.SANDBOX_ACCOUNT_POST_LIMIT = 2
    settings.SANDBOX_ACCOUNT_POST_WINDOW_SECONDS = 3
    twitter = accounts["twitter"]
    launch = x_launch(user, twitter, thread=["one", "two", "three"])
    services.publish_launch(launch=launch)
    assert wait_until_settled(launch).status == "completed"
    log = launch.posting_logs.get()
    assert log.attempt_count >= 2  # one more for each 429 (X's reset is a whole second)
    tweets = SandboxPost.objects.filter(account=sandbox_account(twitter)).order_by("created_at")
    assert [tweet.text for tweet in tweets] == ["one", "two", "three"]
    assert log.thread_post_ids == [tweet.post_id for tweet in tweets]
    assert tweets[2].reply_to == tweets[1].post_id


def test_the_in_flight_cap_holds_across_the_worker_pools_threads(
    user, accounts, start_worker, settings
):
    # Two workers of 8 threads each and an X cap of 2 calls at once: the sandbox, which counts
    # the calls it is answering, never sees more than 2, and every launch posts once.
    settings.SANDBOX_LATENCY_MS = 150
    sandbox.calls_in_flight.reset()
    for _ in range(2):
        start_worker(PUBLISH_IN_FLIGHT_TWITTER="2")
    launches = [x_launch(user, accounts["twitter"], content=f"post {n}") for n in range(12)]
    for launch in launches:
        services.publish_launch(launch=launch)
    for launch in launches:
        assert wait_until_settled(launch).status == "completed"
    assert sandbox.calls_in_flight.peak["twitter"] == 2
    assert SandboxPost.objects.filter(account=sandbox_account(accounts["twitter"])).count() == 12


def test_two_schedulers_racing_over_1000_due_launches_start_each_exactly_once(
    user, make_platform_connection, settings
):
    settings.PUBLISH_SCHEDULER_BATCH = 50
    twitter = make_platform_connection("twitter")
    due = timezone.now() - timedelta(seconds=5)
    due_twitter_launches(owner=user, twitter=twitter, count=1000, due=due)
    started: list[int] = []
    barrier = threading.Barrier(2)

    def scheduler():
        barrier.wait()
        try:
            started.append(services.start_due_launches())
        finally:
            db.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(started) == 1000
    assert all(count > 0 for count in started)  # both schedulers took a share
    assert Launch.objects.filter(status="running").count() == 1000
    assert PostingLog.objects.count() == 1000  # one post each: no launch started twice


def test_two_concurrent_publish_calls_exactly_one_wins(user, make_platform_connection):
    from dropspace.api.errors import ApiError

    twitter = make_platform_connection("twitter")
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", "content": "Acme is live"}},
        user_platform_accounts={"twitter": str(twitter.pk)},
    )
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def publish():
        barrier.wait()
        try:
            services.publish_launch(launch=Launch.objects.get(pk=launch.pk))
            outcomes.append("won")
        except ApiError as exc:
            outcomes.append(exc.code.name)
        finally:
            db.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["LAUNCH_004", "won"]
    assert PostingLog.objects.filter(launch=launch).count() == 1


def test_a_sandbox_publish_sends_a_signed_launch_completed_webhook(
    user, accounts, worker, settings
):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    receiver = Receiver()
    receiver.start()
    try:
        endpoint = webhook_services.create_endpoint(
            owner=user, url=receiver.url, events=["launch.completed"]
        )
        launch = six_platform_launch(user, accounts)
        services.publish_launch(launch=launch)
        assert wait_until_settled(launch).status == "completed"

        assert receiver.got_request.wait(timeout=30), "no webhook reached the receiver"
        (request,) = receiver.requests
        payload = Webhook(endpoint.secret).verify(request["body"], request["headers"])
        assert payload["type"] == "launch.completed"
        assert payload["data"]["launch_id"] == str(launch.pk)
        assert payload["data"]["status"] == "completed"
    finally:
        receiver.stop()
