"""Analytics across launches: totals per platform and period, the trend, best posts, failures.

Served from the stored metrics (``PostMetrics``, kept by every metrics fetch: the 15-minute
refresh and the per-launch reads), in a fixed number of queries whatever the number of
launches: every number is an SQL aggregate.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from launches.models import Platform, PostingLog

P = PostingLog.Status
PERIODS = {"7d": 7, "30d": 30, "90d": 90, "365d": 365, "all": None}
DEFAULT_PERIOD = "30d"
LABELS = dict(Platform.choices)
BEST_POSTS = 10


@dataclass(frozen=True)
class Filters:
    period: str = DEFAULT_PERIOD
    platform: str = ""
    persona_id: str = ""

    @property
    def since(self) -> datetime | None:
        days = PERIODS[self.period]
        return timezone.now() - timedelta(days=days) if days else None

    @property
    def bucket(self) -> str:
        """Days for a week or a month, weeks up to a quarter, months beyond."""
        days = PERIODS[self.period]
        return "day" if days and days <= 30 else "week" if days and days <= 90 else "month"


def published_posts(user, filters: Filters):
    """The person's posts that went out (a deleted one did, a guided one once marked)."""
    posts = PostingLog.objects.filter(launch__owner=user, posted_at__isnull=False).filter(
        Q(status__in=[P.SUCCESS, P.DELETED]) | Q(status=P.MANUAL, post_url__gt="")
    )
    if filters.since:
        posts = posts.filter(posted_at__gte=filters.since)
    return _narrowed(posts, filters)


def _narrowed(posts, filters: Filters):
    if filters.platform:
        posts = posts.filter(platform=filters.platform)
    if filters.persona_id:
        posts = posts.filter(launch__persona_id=filters.persona_id)
    return posts


NUMBERS = {
    "posts": Count("pk"),
    "impressions": Coalesce(Sum("metrics__impressions"), 0),
    "engagement": Coalesce(Sum("metrics__engagement"), 0),
}


def summary(user, filters: Filters) -> dict:
    """The page's and the API's body: four queries."""
    posts = published_posts(user, filters)
    by_platform = list(posts.values("platform").annotate(**NUMBERS).order_by("-posts"))
    totals = {name: sum(row[name] for row in by_platform) for name in NUMBERS}
    failures = _failures(user, filters)
    return {
        "period": filters.period,
        "since": filters.since,
        "bucket": filters.bucket,
        "totals": totals,
        "platforms": [{**row, "label": LABELS.get(row["platform"], "")} for row in by_platform],
        "trend": _trend(posts, filters),
        "best_posts": _best_posts(posts),
        "failures": failures,
        "failed_posts": sum(row["count"] for row in failures),
    }


def _trend(posts, filters: Filters) -> list[dict]:
    rows = (
        posts.annotate(
            start=Trunc("posted_at", filters.bucket, tzinfo=timezone.get_current_timezone())
        )
        .values("start")
        .annotate(**NUMBERS)
        .order_by("start")
    )
    found = {timezone.localtime(row["start"]).date(): row for row in rows}
    return [
        {"start": day, **{name: found.get(day, {}).get(name, 0) for name in NUMBERS}}
        for day in _buckets(filters, min(found, default=None))
    ]


def _buckets(filters: Filters, first):
    """Every bucket of the period, empty ones too, so the chart's x axis is honest time."""
    today = timezone.localdate()
    start = timezone.localtime(filters.since).date() if filters.since else first
    if start is None:
        return []
    current = _bucket_start(start, filters.bucket)
    while current <= today:
        yield current
        current = _next_bucket(current, filters.bucket)


def _bucket_start(day, bucket: str):
    if bucket == "week":
        return day - timedelta(days=day.weekday())
    if bucket == "month":
        return day.replace(day=1)
    return day


def _next_bucket(day, bucket: str):
    if bucket == "week":
        return day + timedelta(days=7)
    if bucket == "month":
        return (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return day + timedelta(days=1)


def _best_posts(posts) -> list[dict]:
    best = (
        posts.filter(metrics__isnull=False)
        .select_related("launch", "metrics")
        .order_by("-metrics__engagement", "-metrics__impressions")[:BEST_POSTS]
    )
    return [
        {
            "launch_id": post.launch_id,
            "launch_name": post.launch.name,
            "platform": post.platform,
            "post_url": post.post_url or None,
            "posted_at": post.posted_at,
            "impressions": post.metrics.impressions,
            "engagement": post.metrics.engagement,
        }
        for post in best
    ]


def _failures(user, filters: Filters) -> list[dict]:
    failed = PostingLog.objects.filter(launch__owner=user, status=P.FAILED)
    if filters.since:
        failed = failed.filter(updated_at__gte=filters.since)
    rows = (
        _narrowed(failed, filters)
        .values("platform", "error_code")
        .annotate(count=Count("pk"), example=Max("error_message"), last_at=Max("updated_at"))
        .order_by("-count", "platform")
    )
    return [
        {**row, "reason": row["error_code"] or "unclassified", "label": LABELS[row["platform"]]}
        for row in rows
    ]
