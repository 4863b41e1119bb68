"""Celery entry points of analytics (registered through CELERY_IMPORTS: launches/tasks.py
belongs to the publishing engine)."""

import logging

from celery import shared_task

from launches import analytics

logger = logging.getLogger(__name__)


@shared_task
def refresh_recent_metrics() -> int:
    """Beat: split the recent posts into batches, one task each (every few minutes)."""
    batches = analytics.recent_post_batches()
    for log_ids in batches:
        refresh_metrics_batch.delay(log_ids)
    return len(batches)


@shared_task(soft_time_limit=240)
def refresh_metrics_batch(log_ids: list[str]) -> dict:
    counts = analytics.refresh_metrics(log_ids=log_ids)
    logger.info("metrics refresh: %s", counts)
    return counts
