"""Engagement metrics of a launch's posts, fetched through the platform adapters.

Each post's last numbers live in the shared cache, one entry per posting log:
``{"metrics": {...}, "fetched_at": datetime, "retry_at": datetime | None}``. They count as
fresh for ``ANALYTICS_FRESH_SECONDS`` (5 minutes); a read after that asks the platform again.
Entries are kept for ``ANALYTICS_KEEP_DAYS`` so that a platform which cannot be asked (rate
limit, expired token, outage) still answers its last known numbers as ``stale`` instead of
failing the whole response. ``retry_at`` remembers a platform's retry-after so reads do not
hammer a rate-limited API.

The periodic refresh (``refresh_recent_metrics``) warms the same entries for recent posts and
notices posts removed on the platform.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from connections.platforms import REGISTRY, adapter_for
from connections.platforms.base import PlatformError, PostGoneError, RetryableError
from launches import selectors
from launches.models import Launch, PostingLog
from planning.metrics import keep_post_metrics

logger = logging.getLogger(__name__)

# The spec's metric fields per platform, in its order. Nothing else is answered.
METRIC_FIELDS = {
    "twitter": [
        "likes",
        "retweets",
        "replies",
        "quotes",
        "bookmarks",
        "impressions",
        "urlClicks",
        "profileClicks",
    ],
    "linkedin": [
        "impressions",
        "uniqueImpressions",
        "likes",
        "comments",
        "shares",
        "clicks",
        "engagement",
    ],
    "facebook": ["reactions", "comments", "shares"],
    "instagram": ["views", "engagement", "saved", "likes", "comments", "shares"],
    "reddit": ["score", "upvotes", "upvoteRatio", "comments"],
    "tiktok": ["views", "likes", "comments", "shares"],
}

FRESH, REFRESHED, STALE, UNAVAILABLE = "fresh", "refreshed", "stale", "unavailable"
CACHE_STATUSES = [FRESH, REFRESHED, STALE, UNAVAILABLE]

# How long to leave a platform alone after a rate limit that named no retry-after.
DEFAULT_BACKOFF = timedelta(minutes=1)


@dataclass
class PostMetrics:
    """One post's numbers as a read found them."""

    log: PostingLog
    cache_status: str
    metrics: dict | None = None  # the spec's fields + "fetched_at"
    fetched_at: datetime | None = None
    gone: str = ""  # the platform's words when it says the post no longer exists
    asked_to_wait: bool = False  # rate limit or outage: do not ask this account again now


def fresh_for() -> timedelta:
    return timedelta(seconds=settings.ANALYTICS_FRESH_SECONDS)


def cache_key(log_id) -> str:
    return f"analytics:post:{log_id}"


def is_measurable(log: PostingLog) -> bool:
    """Only a published post with an id on an API platform has metrics."""
    return (
        log.status == PostingLog.Status.SUCCESS and bool(log.post_id) and log.platform in REGISTRY
    )


# --- reading ----------------------------------------------------------------------------------


def launch_analytics(*, launch: Launch) -> dict:
    """The /analytics body of a launch whose posting logs are prefetched."""
    logs = list(launch.posting_logs.all())
    measured = {item.log.pk: item for item in measure_posts(logs)}
    platforms = [_platform_entry(log, measured.get(log.pk)) for log in logs]
    fetched_at = max(
        (item.fetched_at for item in measured.values() if item.fetched_at), default=None
    )
    return {
        "launch_id": launch.pk,
        "launch_name": launch.name,
        "launch_status": launch.status,
        "summary": summarize(logs),
        "fetched_at": fetched_at,
        "next_refresh_at": fetched_at + fresh_for() if fetched_at else None,
        "platforms": platforms,
    }


def summarize(logs: list[PostingLog]) -> dict:
    """Counts of the launch's posts (``total`` = successful + failed + pending)."""
    counts = {"total": len(logs), "successful": 0, "failed": 0, "pending": 0}
    for log in logs:
        counts[_summary_bucket(log)] += 1
    return counts


def _summary_bucket(log: PostingLog) -> str:
    S = PostingLog.Status
    if log.status == S.FAILED:
        return "failed"
    # A post deleted afterwards was published; a guided post counts once its URL is recorded.
    if log.status in (S.SUCCESS, S.DELETED) or (log.status == S.MANUAL and log.post_url):
        return "successful"
    return "pending"  # pending, publishing, unconfirmed, a guided post not marked yet


def _platform_entry(log: PostingLog, measured: PostMetrics | None) -> dict:
    return {
        "platform": log.platform,
        "status": log.status,
        "post_url": log.post_url or None,
        "post_id": log.post_id or None,
        "posted_at": log.posted_at,
        "cache_status": measured.cache_status if measured else UNAVAILABLE,
        "metrics": measured.metrics if measured else None,
    }


def measure_posts(logs: list[PostingLog], *, force: bool = False) -> list[PostMetrics]:
    """Each measurable post's metrics: from the cache when fresh, else from the platform.

    Two cache round trips and one query (the posting connections) whatever the number of
    posts; ``force`` refetches even fresh entries (the periodic refresh).
    """
    logs = [log for log in logs if is_measurable(log)]
    if not logs:
        return []
    entries = cache.get_many([cache_key(log.pk) for log in logs])
    connections = selectors.posting_connections(logs)
    now = timezone.now()
    results, updates, waiting = [], {}, set()
    for log in logs:
        key = cache_key(log.pk)
        # An account that just said "later" is not asked again in this run (its other posts
        # answer stale): one slow or rate-limited platform cannot stall the whole read.
        connection = None if log.connection_id in waiting else connections.get(log.connection_id)
        item, entry = _measure(log, entries.get(key), connection, now, force)
        if item.asked_to_wait:
            waiting.add(log.connection_id)
        if entry is not None:
            updates[key] = entry
        results.append(item)
    if updates:
        cache.set_many(updates, timeout=settings.ANALYTICS_KEEP_DAYS * 86400)
    # The cache answers per-launch reads; planning keeps the numbers for good, across launches.
    keep_post_metrics(item for item in results if item.cache_status == REFRESHED)
    return results


def _measure(log, entry, connection, now, force) -> tuple[PostMetrics, dict | None]:
    """One post: (what to answer, the cache entry to store or None)."""
    if entry and not force and now - entry["fetched_at"] < fresh_for():
        return _from_entry(log, entry, FRESH), None
    if entry and entry.get("retry_at") and entry["retry_at"] > now:
        return _from_entry(log, entry, STALE), None  # the platform asked us to wait
    if connection is None or not connection.is_usable:
        return _from_entry(log, entry, STALE), None
    try:
        raw = adapter_for(connection).metrics(connection, log.post_id)
    except RetryableError as exc:
        wait = timedelta(seconds=exc.retry_after) if exc.retry_after else DEFAULT_BACKOFF
        backoff = {**entry, "retry_at": now + wait} if entry else None
        item = _from_entry(log, entry, STALE)
        item.asked_to_wait = True
        return item, backoff
    except PostGoneError as exc:  # the platform says the post no longer exists
        item = _from_entry(log, entry, STALE)
        item.gone = exc.message
        return item, None
    except PlatformError as exc:  # reauth (the connection is marked), refusal: answer what we have
        logger.info("metrics of %s unavailable: %s", log.pk, exc.message)
        return _from_entry(log, entry, STALE), None
    entry = {"metrics": shape_metrics(log.platform, raw), "fetched_at": now, "retry_at": None}
    return _from_entry(log, entry, REFRESHED), entry


def _from_entry(log: PostingLog, entry: dict | None, status: str) -> PostMetrics:
    if not entry:
        return PostMetrics(log, UNAVAILABLE)
    metrics = {**entry["metrics"], "fetched_at": entry["fetched_at"]}
    return PostMetrics(log, status, metrics, entry["fetched_at"])


def shape_metrics(platform: str, raw: dict) -> dict:
    """Exactly the spec's fields for ``platform``, 0 where the platform gave no number."""
    return {name: raw.get(name) or 0 for name in METRIC_FIELDS[platform]}


# --- the periodic refresh ---------------------------------------------------------------------


def recent_post_batches(*, batch_size: int = 50) -> list[list[str]]:
    """Ids of posts published in the last ``ANALYTICS_REFRESH_DAYS``, in batches for tasks."""
    since = timezone.now() - timedelta(days=settings.ANALYTICS_REFRESH_DAYS)
    ids = [
        str(pk) for pk in selectors.recent_published_posts(since=since).values_list("pk", flat=True)
    ]
    return [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]


def refresh_metrics(*, log_ids: list[str]) -> dict:
    """Refetch these posts' metrics (warming the cache the dashboard and the API read) and
    mark posts the platform says are gone as deleted, with a ``post.deleted`` event.

    Returns counts for the task's log line.
    """
    from launches import deletion  # deletion imports selectors like us; resolve at call time

    logs = list(selectors.recent_published_posts(since=None).filter(pk__in=log_ids))
    counts = {"posts": len(logs), "refreshed": 0, "removed": 0}
    for item in measure_posts(logs, force=True):
        counts["refreshed"] += item.cache_status == REFRESHED
        if item.gone and deletion.mark_removed_on_platform(log=item.log, reason=item.gone):
            counts["removed"] += 1
    return counts
