"""Per-key rate limits: headers on every response, 429 RATE_001 with Retry-After beyond."""

import json
import os
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.test import override_settings

from developer import ratelimit
from developer.models import RateLimitCounter

pytestmark = pytest.mark.django_db


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 3}})
def test_headers_count_down_then_429_with_retry_after(api):
    with time_machine.travel("2026-11-28 12:00:10Z", tick=False):
        remaining = []
        for _ in range(3):
            response = api.get("/v1/keys/me")
            assert response.status_code == 200
            remaining.append(int(response["X-RateLimit-Remaining"]))
        assert remaining == [2, 1, 0]
        assert response["X-RateLimit-Limit"] == "3"
        assert response["RateLimit-Policy"] == '"default";q=3;w=60'
        assert response["RateLimit"] == '"default";r=0;t=50'

        limited = api.get("/v1/keys/me")
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "RATE_001"
        assert limited["Retry-After"] == "50"
        assert limited["X-RateLimit-Remaining"] == "0"
        assert int(limited["X-RateLimit-Reset"]) == 1795867260  # 12:01:00Z

    with time_machine.travel("2026-11-28 12:01:00Z", tick=False):
        assert api.get("/v1/keys/me").status_code == 200


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 1}})
def test_limits_are_per_key(api, make_api_client, user):
    other = make_api_client(user, scopes=["read"])
    with time_machine.travel("2026-11-28 12:00:00Z", tick=False):
        assert api.get("/v1/keys/me").status_code == 200
        assert api.get("/v1/keys/me").status_code == 429
        assert other.get("/v1/keys/me").status_code == 200


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 1}})
def test_error_responses_carry_the_headers_and_count(api):
    with time_machine.travel("2026-11-28 12:00:00Z", tick=False):
        not_found = api.get("/v1/no-such-thing")
        assert not_found.status_code == 404
        assert not_found["X-RateLimit-Remaining"] == "0"
        assert api.get("/v1/keys/me").status_code == 429


# --- exact under concurrency ------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")
needs_postgres_and_redis = pytest.mark.skipif(
    not (POSTGRES and os.environ.get("REDIS_URL")),
    reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL), as CI provides",
)


def concurrent_verdicts(identity: str, limit: int, threads: int) -> list[bool]:
    """Whether each of ``threads`` simultaneous requests on ``identity`` was let through."""
    barrier = threading.Barrier(threads)

    def one_request():
        barrier.wait()
        try:
            return ratelimit.consume(identity, limit).allowed
        finally:
            connection.close()  # each thread has its own database connection

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda _: one_request(), range(threads)))


EMBEDDED_RACE = """
import json, multiprocessing, threading, django
django.setup()
from django.db import connection, connections
from developer.models import RateLimitCounter
from tests.developer.test_rate_limits import concurrent_verdicts
with connection.schema_editor() as editor:
    editor.create_model(RateLimitCounter)
connections.close_all()
context = multiprocessing.get_context("fork")
verdicts = context.Queue()
def web_process():
    verdicts.put(concurrent_verdicts("key:fresh", 5, threads=10))
processes = [context.Process(target=web_process) for _ in range(3)]
for process in processes:
    process.start()
print(json.dumps([verdict for _ in processes for verdict in verdicts.get(timeout=60)]))
"""


def test_concurrent_requests_on_the_embedded_stack_let_exactly_the_limit_through(tmp_path):
    # The embedded settings themselves (SQLite file in WAL mode, no Redis), in a fresh process:
    # 3 processes x 10 threads, all released at once on a fresh key with a limit of 5.
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "dropspace.settings",
        "DJANGO_READ_DOT_ENV_FILE": "0",
        "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", EMBEDDED_RACE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    verdicts = json.loads(result.stdout)
    assert len(verdicts) == 30
    assert verdicts.count(True) == 5


@needs_postgres_and_redis
def test_concurrent_requests_counted_in_redis_let_exactly_the_limit_through(settings):
    assert settings.REDIS_URL
    assert concurrent_verdicts(f"key:{uuid.uuid4()}", 5, threads=30).count(True) == 5


@needs_postgres_and_redis
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_counted_in_postgres_let_exactly_the_limit_through(settings):
    settings.REDIS_URL = ""  # PostgreSQL without Redis counts in the database
    assert concurrent_verdicts(f"key:{uuid.uuid4()}", 5, threads=30).count(True) == 5


def test_thirty_requests_in_a_row_count_exactly():
    identity = f"key:{uuid.uuid4()}"
    states = [ratelimit.consume(identity, 5, now=1_795_867_210.0) for _ in range(30)]
    assert [state.allowed for state in states].count(True) == 5
    assert [state.remaining for state in states[:6]] == [4, 3, 2, 1, 0, 0]


def test_past_windows_are_deleted_as_new_ones_begin(settings):
    settings.REDIS_URL = ""  # Redis expires its keys; the database table is cleaned here
    start = 1_795_867_200  # 12:00:00Z, a window boundary
    for minute in range(5):
        ratelimit.consume("key:a", 5, now=start + 60 * minute + 1)
        ratelimit.consume("key:b", 5, now=start + 60 * minute + 2)

    windows = RateLimitCounter.objects.values_list("window_start", flat=True).distinct()
    assert sorted(windows) == [start + 180, start + 240]  # the current and the previous window
    assert RateLimitCounter.objects.count() == 4
