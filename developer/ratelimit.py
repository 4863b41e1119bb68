"""Fixed-window request counting per API key, exact under concurrency.

Every request is counted with one atomic operation, so N concurrent requests on a fresh key
let exactly ``limit`` through: Redis ``SET NX EX`` + ``INCR`` in one MULTI when REDIS_URL is set
(every web process shares it), otherwise an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
on the database (SQLite >= 3.35 and PostgreSQL both run it). A file cache cannot do this: its
increment is a read and a write, and 30 concurrent requests with a limit of 5 let 12 through.
"""

import functools
import math
import time
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from billing import selectors as billing_selectors
from billing.plans import WALLET_PLAN, get_plan
from developer.models import RateLimitCounter

WINDOW_SECONDS = 60
POLICY_NAME = "default"


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset_after: int  # seconds until the window resets
    reset_at: int  # Unix time at which the window resets
    allowed: bool

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
            "RateLimit-Policy": f'"{POLICY_NAME}";q={self.limit};w={WINDOW_SECONDS}',
            "RateLimit": f'"{POLICY_NAME}";r={self.remaining};t={self.reset_after}',
        }


def limit_for(api_key) -> int:
    """Requests per minute allowed for this key: its owner's plan decides."""
    return billing_selectors.api_requests_per_minute(api_key.owner)


def wallet_limit() -> int:
    """Requests per minute allowed for each x402 wallet: the wallet plan decides."""
    return get_plan(WALLET_PLAN).api_requests_per_minute


def consume(identity: str, limit: int, now: float | None = None) -> RateLimitState:
    """Count one request for ``identity`` and say whether it is within ``limit``."""
    now = time.time() if now is None else now
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    count = count_request(identity, window_start)
    reset_at = window_start + WINDOW_SECONDS
    return RateLimitState(
        limit=limit,
        remaining=max(0, limit - count),
        reset_after=max(1, math.ceil(reset_at - now)),
        reset_at=reset_at,
        allowed=count <= limit,
    )


def count_request(identity: str, window_start: int) -> int:
    """Add one request to the identity's window atomically; the window's count so far."""
    if settings.REDIS_URL:
        return _count_in_redis(identity, window_start)
    return _count_in_database(identity, window_start)


def _count_in_redis(identity: str, window_start: int) -> int:
    key = cache.make_key(f"ratelimit:{identity}:{window_start}")  # the cache's prefix
    pipeline = _redis().pipeline(transaction=True)
    pipeline.set(key, 0, ex=WINDOW_SECONDS + 5, nx=True)  # the expiry is set once, atomically
    pipeline.incr(key)
    return pipeline.execute()[1]


@functools.cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


# One statement, atomic on SQLite (>= 3.35) and PostgreSQL alike.
_UPSERT = (
    "INSERT INTO developer_ratelimitcounter (identity, window_start, requests) "
    "VALUES (%s, %s, 1) ON CONFLICT (identity, window_start) "
    "DO UPDATE SET requests = developer_ratelimitcounter.requests + 1 RETURNING requests"
)


def _count_in_database(identity: str, window_start: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [identity, window_start])
        (count,) = cursor.fetchone()
    if count == 1:  # a window begins: forget the ones before the previous window
        RateLimitCounter.objects.filter(window_start__lt=window_start - WINDOW_SECONDS).delete()
    return count
