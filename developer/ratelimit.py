"""Fixed-window request counting per API key, kept in the shared cache.

With Redis (production) ``incr`` is atomic. The embedded file cache increments with a read and a
write, so two processes racing in the same millisecond may both count once: acceptable for a
single-machine development setup, never relied on for billing.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import cache

from billing import selectors as billing_selectors

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


def consume(identity: str, limit: int, now: float | None = None) -> RateLimitState:
    """Count one request for ``identity`` and say whether it is within ``limit``."""
    now = time.time() if now is None else now
    window_start = int(now // WINDOW_SECONDS) * WINDOW_SECONDS
    key = f"ratelimit:{identity}:{window_start}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    reset_at = window_start + WINDOW_SECONDS
    return RateLimitState(
        limit=limit,
        remaining=max(0, limit - count),
        reset_after=max(1, math.ceil(reset_at - now)),
        reset_at=reset_at,
        allowed=count <= limit,
    )
