"""Platform limits held by every worker at once: in-flight caps and per-account/app windows.

The races run in a fresh interpreter that forks 4 processes of 4 threads each, on the embedded
stack (flock'd files) and, when REDIS_URL is set as in CI, on Redis: the limiter's guarantees
are about separate processes, so that is what is tested. Counts only, never timings.
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import responses
import time_machine
from django.utils import timezone

from launches.publishing import limits, posting, services
from tests.launches.factories import LaunchFactory
from tests.launches.test_publishing import TWEETS, P, mocked, real_platforms, tweet_ok

__all__ = ["mocked", "real_platforms"]

ROOT = Path(__file__).resolve().parents[2]

RACE = """
import json, multiprocessing, sys, time, uuid
from concurrent.futures import ThreadPoolExecutor
import django
django.setup()
from launches.publishing import limits

PROCESSES, THREADS = 4, 4
context = multiprocessing.get_context("fork")
start = context.Barrier(PROCESSES * THREADS)
guard = context.Lock()
holding, peak = context.Value("i", 0), context.Value("i", 0)
results = context.Queue()
account = str(uuid.uuid4())


def hold_slots(_):
    start.wait()
    taken = 0
    for _ in range(5):
        with limits.slot("twitter", wait=60) as free:
            if not free:
                continue
            taken += 1
            with guard:  # what the platform would see: calls in flight at this instant
                holding.value += 1
                peak.value = max(peak.value, holding.value)
            time.sleep(0.02)
            with guard:
                holding.value -= 1
    return taken


def reserve(_):
    start.wait()
    one_account = limits.reserve("tiktok", account)  # account:5/60
    own_account = limits.reserve("linkedin", str(uuid.uuid4()))  # app:7/60
    return [one_account == 0, own_account == 0]


def process(job):
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results.put(list(pool.map(job, range(THREADS))))


job = {"slots": hold_slots, "windows": reserve}[sys.argv[1]]
processes = [context.Process(target=process, args=(job,)) for _ in range(PROCESSES)]
for child in processes:
    child.start()
outcomes = [outcome for _ in processes for outcome in results.get(timeout=120)]
for child in processes:
    child.join()
print(json.dumps({"outcomes": outcomes, "peak": peak.value}))
"""

STACKS = [
    "embedded",
    pytest.param(
        "redis",
        marks=pytest.mark.skipif(
            not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as CI provides"
        ),
    ),
]


def race(stack: str, job: str, tmp_path) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dropspace.settings",
        "DJANGO_READ_DOT_ENV_FILE": "0",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "LOG_LEVEL": "WARNING",
        "PUBLISH_LIMITS_DIR": str(tmp_path / "limits"),
        "PUBLISH_IN_FLIGHT_TWITTER": "3",
        "PUBLISH_WINDOWS_TIKTOK": "account:5/60",
        "PUBLISH_WINDOWS_LINKEDIN": "app:7/60",
    }
    if stack == "redis":
        env["REDIS_URL"] = os.environ["REDIS_URL"]
        env["CACHE_KEY_PREFIX"] = f"test-limits-{uuid.uuid4().hex}"
    result = subprocess.run(
        [sys.executable, "-c", RACE, job],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize("stack", STACKS)
def test_the_in_flight_cap_holds_across_processes_and_threads(stack, tmp_path):
    # 16 contenders in 4 processes, each taking a slot 5 times, with a cap of 3.
    result = race(stack, "slots", tmp_path)
    assert sum(result["outcomes"]) == 16 * 5  # everyone got their turns
    assert result["peak"] == 3  # never more than the cap at once, and the cap is used


@pytest.mark.parametrize("stack", STACKS)
def test_windows_count_exactly_across_processes_and_threads(stack, tmp_path):
    # 16 contenders at once: one account with 5 posts a minute, an app with 7 a minute.
    result = race(stack, "windows", tmp_path)
    one_account = [outcome[0] for outcome in result["outcomes"]]
    app = [outcome[1] for outcome in result["outcomes"]]
    assert one_account.count(True) == 5
    assert app.count(True) == 7


# --- in the engine -----------------------------------------------------------------------------


@pytest.fixture
def accounts(make_platform_connection):
    return [
        make_platform_connection("twitter", entity_id=name, extra={"handle": name})
        for name in ("olive", "pablo")
    ]


@pytest.fixture
def twitter_limits(settings):
    def apply(*, in_flight=32, windows=()):
        settings.PUBLISH_PLATFORM_LIMITS = {
            **settings.PUBLISH_PLATFORM_LIMITS,
            "twitter": {"in_flight": in_flight, "windows": list(windows)},
        }

    return apply


def queued(user, connection, contents=None):
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": contents or {"platform": "twitter", "content": "Acme"}},
        user_platform_accounts={"twitter": str(connection.pk)},
    )
    services.publish_launch(launch=launch)
    return launch.posting_logs.get()


def test_an_account_is_paced_before_the_platform_has_to_say_429(
    user, accounts, mocked, twitter_limits
):
    twitter_limits(windows=[("account", 2, 900)])
    olive, pablo = accounts
    posts = [queued(user, olive) for _ in range(3)] + [queued(user, pablo)]
    for n in range(3):
        tweet_ok(mocked, str(n))
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for entry in posts:
            posting.publish_post(log_id=entry.pk)
        for entry in posts:
            entry.refresh_from_db()
        # olive's third post never reached X; pablo's account has its own window.
        assert len(mocked.calls) == 3
        assert [entry.status for entry in posts] == [P.SUCCESS, P.SUCCESS, P.PENDING, P.SUCCESS]
        held = posts[2]
        assert held.attempt_count == 0  # held back, not a failed attempt
        wait = held.next_attempt_at - timezone.now()
        assert timedelta(seconds=880) <= wait <= timedelta(seconds=916)

        traveller.shift(wait)
        tweet_ok(mocked, "3")
        posting.publish_post(log_id=held.pk)
        held.refresh_from_db()
        assert held.status == P.SUCCESS


def test_each_tweet_of_a_thread_counts_against_the_window(user, accounts, mocked, twitter_limits):
    twitter_limits(windows=[("account", 3, 900)])
    olive = accounts[0]
    thread = queued(user, olive, {"platform": "twitter", "thread": ["one", "two", "three"]})
    single = queued(user, olive)
    for n in range(4):
        tweet_ok(mocked, str(n))
    posting.publish_post(log_id=thread.pk)
    posting.publish_post(log_id=single.pk)
    thread.refresh_from_db()
    single.refresh_from_db()
    assert thread.status == P.SUCCESS
    assert len(thread.thread_post_ids) == 3
    assert single.status == P.PENDING  # the window is full with the thread's 3 tweets
    assert len(mocked.calls) == 3


def test_a_full_in_flight_cap_puts_the_post_back_uncounted(
    user, accounts, mocked, twitter_limits, settings
):
    twitter_limits(in_flight=1)
    settings.PUBLISH_SLOT_WAIT_SECONDS = 0
    entry = queued(user, accounts[0])
    tweet_ok(mocked)
    with limits.slot("twitter"):  # another worker is calling X right now
        assert limits.in_flight("twitter") == 1
        posting.publish_post(log_id=entry.pk)
    entry.refresh_from_db()
    assert not mocked.calls
    assert entry.status == P.PENDING
    assert entry.attempt_count == 0
    assert entry.next_attempt_at - timezone.now() <= timedelta(seconds=2)

    with time_machine.travel(timezone.now() + timedelta(seconds=2)):
        posting.publish_post(log_id=entry.pk)  # the slot is free again
    entry.refresh_from_db()
    assert entry.status == P.SUCCESS
    assert limits.in_flight("twitter") == 0  # given back after the call


def test_a_429_still_slows_only_that_account(user, accounts, mocked, twitter_limits):
    twitter_limits(windows=[("account", 100, 900)])
    olive, pablo = accounts
    first, other = queued(user, olive), queued(user, pablo)
    mocked.add(responses.POST, TWEETS, status=429, headers={"retry-after": "60"})
    tweet_ok(mocked)
    posting.publish_post(log_id=first.pk)
    posting.publish_post(log_id=other.pk)
    first.refresh_from_db()
    other.refresh_from_db()
    assert (first.status, other.status) == (P.PENDING, P.SUCCESS)


def test_limits_that_cannot_be_checked_put_the_post_back_unsent(user, accounts, mocked, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there: Redis is down
    entry = queued(user, accounts[0])
    tweet_ok(mocked)
    posting.publish_post(log_id=entry.pk)
    entry.refresh_from_db()
    assert not mocked.calls
    assert (entry.status, entry.attempt_count) == (P.PENDING, 0)
    assert entry.next_attempt_at - timezone.now() >= timedelta(seconds=25)
