"""Keep each post's latest metrics in the database, as the per-post fetches find them.

``launches.analytics`` fetches metrics (the 15-minute refresh and live reads) and answers the
per-launch pages from the cache; it hands every fresh reading here, so that analytics across
launches sum stored numbers in SQL instead of reading thousands of cache entries.
"""

from planning.models import PostMetrics

# Which of the spec's metric fields count as impressions (seen) and as engagement (acted on).
IMPRESSION_FIELDS = {
    "twitter": ["impressions"],
    "linkedin": ["impressions"],
    "instagram": ["views"],
    "tiktok": ["views"],
}
ENGAGEMENT_FIELDS = {
    "twitter": ["likes", "retweets", "replies", "quotes", "bookmarks"],
    "linkedin": ["likes", "comments", "shares", "clicks"],
    "facebook": ["reactions", "comments", "shares"],
    "instagram": ["likes", "comments", "shares", "saved"],
    "reddit": ["upvotes", "comments"],
    "tiktok": ["likes", "comments", "shares"],
}


def total(platform: str, metrics: dict, fields: dict[str, list[str]]) -> int:
    return sum(int(metrics.get(name) or 0) for name in fields.get(platform, []))


def keep_post_metrics(readings) -> int:
    """Upsert the latest numbers of these ``PostMetrics``-like readings (log, metrics,
    fetched_at); one query whatever their number."""
    rows = [
        PostMetrics(
            log_id=reading.log.pk,
            impressions=total(reading.log.platform, reading.metrics, IMPRESSION_FIELDS),
            engagement=total(reading.log.platform, reading.metrics, ENGAGEMENT_FIELDS),
            metrics={k: v for k, v in reading.metrics.items() if k != "fetched_at"},
            fetched_at=reading.fetched_at,
        )
        for reading in readings
        if reading.metrics
    ]
    if rows:
        PostMetrics.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["log"],
            update_fields=["impressions", "engagement", "metrics", "fetched_at"],
        )
    return len(rows)
