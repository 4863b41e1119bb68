"""Platform limits held by every worker at once: posts in flight per platform, posts per window.

Two kinds of limit, both read from settings.PUBLISH_PLATFORM_LIMITS (the platforms' own
posting limits, ``../shared/reference/platform-apis.md``):

- **in flight**: at most ``in_flight`` calls to one platform at the same time, whatever the
  number of worker processes, threads or machines. A post takes a slot before it calls the
  platform and gives it back right after the answer.
- **windows**: at most ``posts`` posts per ``seconds``, per account (``account``) or per app
  (``app``: every account of the install on that platform). A post is counted before it is
  sent (a thread of three tweets counts three), so an account is paced *before* the platform
  has to answer 429 (the 429 hold of launches.publishing.pacing stays for what we cannot
  know: other apps posting for the same account, unpublished limits).

Where the state lives, so every worker sees the same:

- REDIS_URL set: Redis, each step one Lua script (atomic across every process and machine).
  A slot is a sorted-set member with an expiry, so a killed worker's slot comes back after
  PUBLISH_LEASE_SECONDS at the latest; a window is a sorted set of send times (exact).
- embedded: files under PUBLISH_LIMITS_DIR, locked with ``flock`` (atomic across the local
  processes and their threads, which is what the embedded mode runs: its broker is a local
  folder too). A slot is an exclusive lock on one of ``in_flight`` slot files: the kernel drops
  it when its process dies, even by SIGKILL. A window is a small JSON file of per-bucket counts
  rewritten under the file's lock; a bucket counts until its end leaves the window, so the
  count errs on the safe side by at most one bucket (1/60 of the window).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import json
import logging
import math
import os
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import redis
from django.conf import settings
from django.core.cache import cache

log = logging.getLogger(__name__)

BUCKETS_PER_WINDOW = 60


@dataclass(frozen=True)
class Window:
    scope: str  # "account" or "app"
    posts: int
    seconds: int


@dataclass(frozen=True)
class PlatformLimits:
    in_flight: int  # 0: no cap
    windows: tuple[Window, ...]


def limits_for(platform: str) -> PlatformLimits:
    conf = settings.PUBLISH_PLATFORM_LIMITS.get(platform, {})
    windows = tuple(Window(*window) for window in conf.get("windows", ()))
    return PlatformLimits(in_flight=int(conf.get("in_flight", 0)), windows=windows)


def app_key(platform: str, *, sandbox: bool) -> str:
    """Sandbox accounts belong to another app than the real platform's: their own limits."""
    return f"sandbox-{platform}" if sandbox else platform


# --- in flight --------------------------------------------------------------------------------


class Slot:
    """One in-flight call to a platform; ``release()`` (or leaving ``with``) gives it back."""

    def __init__(self, key: str, held=None):
        self.key, self.held = key, held

    def release(self) -> None:
        held, self.held = self.held, None
        if held is None:
            return
        # Never lose the platform's answer over this: a slot Redis did not take back expires
        # after its lease anyway.
        try:
            _backend().release(self.key, held)
        except Exception:
            log.warning("giving back a %s in-flight slot failed", self.key, exc_info=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def take_slot(platform: str, *, sandbox: bool = False, wait: float | None = None):
    """One of the platform's in-flight slots, or None when none came free within ``wait``
    seconds (PUBLISH_SLOT_WAIT_SECONDS): the caller puts the post back."""
    key = app_key(platform, sandbox=sandbox)
    cap = limits_for(platform).in_flight
    if not cap:
        return Slot(key)
    wait = settings.PUBLISH_SLOT_WAIT_SECONDS if wait is None else wait
    held = _acquire(key, cap, wait)
    return None if held is None else Slot(key, held)


@contextlib.contextmanager
def slot(platform: str, *, sandbox: bool = False, wait: float | None = None):
    """``take_slot`` for a block: yields whether a slot came free, gives it back after."""
    taken = take_slot(platform, sandbox=sandbox, wait=wait)
    try:
        yield taken is not None
    finally:
        if taken is not None:
            taken.release()


def _acquire(key: str, cap: int, wait: float):
    deadline = time.monotonic() + wait
    backend = _backend()
    while True:
        held = backend.acquire(key, cap)
        if held is not None or time.monotonic() >= deadline:
            return held
        # Polling with jitter: waiters spread out instead of retrying in lockstep.
        time.sleep(0.02 + random.random() * 0.03)  # noqa: S311 - timing, not a secret


def in_flight(platform: str, *, sandbox: bool = False) -> int:
    """How many slots of the platform are held right now (every process)."""
    key = app_key(platform, sandbox=sandbox)
    return _backend().in_flight(key, limits_for(platform).in_flight)


# --- windows ----------------------------------------------------------------------------------


def reserve(platform: str, account_id, *, sandbox: bool = False, posts: int = 1) -> float:
    """Count ``posts`` for the account in every window of its platform, atomically: all or none.

    Returns 0 when counted (send now), else the seconds until every window has room again
    (nothing counted: put the post back for that long).
    """
    windows = limits_for(platform).windows
    if not windows:
        return 0.0
    posts = min(posts, *(window.posts for window in windows))  # a thread longer than a window
    app = app_key(platform, sandbox=sandbox)
    keyed = [
        (f"{app}:{window.scope}:{account_id if window.scope == 'account' else ''}", window)
        for window in windows
    ]
    return _backend().reserve(keyed, posts, time.time())


def clear(platform: str, *, sandbox: bool = False, account_ids=()) -> None:
    """Forget the platform's app window (and these accounts'): benchmarks start afresh."""
    app = app_key(platform, sandbox=sandbox)
    keys = [f"{app}:{window.scope}:" for window in limits_for(platform).windows]
    keys += [f"{app}:account:{account}" for account in account_ids]
    _backend().clear([(key, window) for key in keys for window in limits_for(platform).windows])


# --- Redis ------------------------------------------------------------------------------------

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return 1
"""

# KEYS: one sorted set per window; ARGV: now, posts, token, then (limit, seconds) per key.
_RESERVE = """
local now, posts, token = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local wait = 0
for i, key in ipairs(KEYS) do
  local limit, seconds = tonumber(ARGV[2 + 2 * i]), tonumber(ARGV[3 + 2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - seconds)
  local over = redis.call('ZCARD', key) + posts - limit
  if over > 0 then
    local oldest = redis.call('ZRANGE', key, over - 1, over - 1, 'WITHSCORES')
    local free_at = (oldest[2] and tonumber(oldest[2]) or now) + seconds
    wait = math.max(wait, free_at - now, 0.001)
  end
end
if wait > 0 then return tostring(wait) end
for i, key in ipairs(KEYS) do
  for n = 1, posts do redis.call('ZADD', key, now, token .. ':' .. n) end
  redis.call('EXPIRE', key, math.ceil(tonumber(ARGV[3 + 2 * i])) + 1)
end
return '0'
"""


class RedisLimits:
    def __init__(self, client: redis.Redis):
        self.client = client
        self.acquire_script = client.register_script(_ACQUIRE)
        self.reserve_script = client.register_script(_RESERVE)

    @staticmethod
    def _key(name: str) -> str:
        return cache.make_key(f"publishing:{name}")  # the install's cache prefix

    def acquire(self, key: str, cap: int):
        token = uuid.uuid4().hex
        now = time.time()
        lease = settings.PUBLISH_LEASE_SECONDS
        args = [now, cap, now + lease, token, lease + 1]
        taken = self.acquire_script(keys=[self._key(f"in-flight:{key}")], args=args)
        return token if taken else None

    def release(self, key: str, token) -> None:
        self.client.zrem(self._key(f"in-flight:{key}"), token)

    def in_flight(self, key: str, cap: int) -> int:
        return self.client.zcount(self._key(f"in-flight:{key}"), time.time(), "+inf")

    def reserve(self, keyed, posts: int, now: float) -> float:
        keys = [self._key(f"window:{key}:{window.seconds}") for key, window in keyed]
        args = [now, posts, uuid.uuid4().hex]
        for _, window in keyed:
            args += [window.posts, window.seconds]
        return float(self.reserve_script(keys=keys, args=args))

    def clear(self, keyed) -> None:
        keys = [self._key(f"window:{key}:{window.seconds}") for key, window in keyed]
        if keys:
            self.client.delete(*keys)


# --- files (embedded) -------------------------------------------------------------------------


class FileLimits:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _path(self, name: str) -> Path:
        return self.folder / name.replace(":", "~").replace("/", "_")

    def acquire(self, key: str, cap: int):
        for index in random.sample(range(cap), cap):  # spread the processes over the slots
            handle = open(self._path(f"in-flight~{key}~{index}"), "a")  # noqa: SIM115 - held
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            return handle
        return None

    def release(self, key: str, handle) -> None:
        handle.close()  # closing the file drops its lock

    def in_flight(self, key: str, cap: int) -> int:
        held = 0
        for index in range(cap):
            with open(self._path(f"in-flight~{key}~{index}"), "a") as probe:
                try:
                    fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    held += 1
        return held

    def reserve(self, keyed, posts: int, now: float) -> float:
        paths = sorted({self._path(f"window~{key}~{window.seconds}") for key, window in keyed})
        with contextlib.ExitStack() as stack:
            files = {}
            for path in paths:  # always in the same order: two reservations never deadlock
                handle = stack.enter_context(open(path, "a+"))
                fcntl.flock(handle, fcntl.LOCK_EX)
                files[path] = handle
            counts = {path: _read_buckets(handle) for path, handle in files.items()}
            wait = 0.0
            for key, window in keyed:
                path = self._path(f"window~{key}~{window.seconds}")
                wait = max(wait, _bucket_wait(counts[path], window, posts, now))
            if wait > 0:
                return wait
            for key, window in keyed:
                path = self._path(f"window~{key}~{window.seconds}")
                bucket = str(math.floor(now / _width(window)))
                counts[path][bucket] = counts[path].get(bucket, 0) + posts
            for path, handle in files.items():
                handle.seek(0)
                handle.truncate()
                handle.write(json.dumps(counts[path]))
                handle.flush()
        return 0.0

    def clear(self, keyed) -> None:
        for key, window in keyed:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._path(f"window~{key}~{window.seconds}"))


def _width(window: Window) -> float:
    return window.seconds / BUCKETS_PER_WINDOW


def _read_buckets(handle) -> dict[str, int]:
    handle.seek(0)
    text = handle.read()
    return json.loads(text) if text else {}


def _bucket_wait(buckets: dict[str, int], window: Window, posts: int, now: float) -> float:
    """Drop buckets that left the window; the wait until ``posts`` more fit (0: they fit)."""
    width = _width(window)
    for bucket in [b for b in buckets if (int(b) + 1) * width <= now - window.seconds]:
        del buckets[bucket]
    over = sum(buckets.values()) + posts - window.posts
    if over <= 0:
        return 0.0
    freed = 0
    for bucket in sorted(buckets, key=int):  # oldest first: when enough of them have left
        freed += buckets[bucket]
        if freed >= over:
            return max((int(bucket) + 1) * width + window.seconds - now, 0.001)
    return float(window.seconds)  # asking for more than the window ever holds


@functools.cache
def _redis_backend(url: str) -> RedisLimits:
    return RedisLimits(redis.Redis.from_url(url))


@functools.cache
def _file_backend(folder: str) -> FileLimits:
    return FileLimits(Path(folder))


def _backend():
    if settings.REDIS_URL:
        return _redis_backend(settings.REDIS_URL)
    return _file_backend(str(settings.PUBLISH_LIMITS_DIR))
