"""Per-account pacing: a platform's 429 holds back that account's next posts, not the others'.

The hold lives in the cache, which every worker shares: Redis when REDIS_URL is set (every
process on every machine), the file cache of var/ in the embedded mode (every local process).
It is a deadline, not a counter, so a plain set is enough: two workers racing to set it both
write a time the platform gave them.
"""

import time

from django.core.cache import cache

KEY = "publishing:hold:{}"


def hold(connection_id, seconds: float) -> None:
    """The platform asked this account to wait ``seconds`` (a 429's retry-after / reset)."""
    if seconds and seconds > 0:
        until = time.time() + seconds
        if until > held_until(connection_id):
            cache.set(KEY.format(connection_id), until, timeout=int(seconds) + 1)


def held_until(connection_id) -> float:
    """Unix time before which this account must not be called (0 when it may be)."""
    return cache.get(KEY.format(connection_id)) or 0.0


def wait_left(connection_id) -> float:
    return max(held_until(connection_id) - time.time(), 0.0)
