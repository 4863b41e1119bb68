"""Celery entry points for webhook delivery: ids in, one service call."""

from celery import shared_task

from webhooks import services


@shared_task(ignore_result=True)
def send_delivery(delivery_id: str) -> None:
    # Safe to run twice: the service claims the attempt with a compare-and-set.
    services.attempt_delivery(delivery_id=delivery_id)


@shared_task(ignore_result=True)
def dispatch_due_deliveries() -> int:
    """Beat: hand due retries (and deliveries whose first enqueue was lost) to workers."""
    return services.dispatch_due_deliveries()


@shared_task(ignore_result=True)
def purge_old_events() -> int:
    """Beat: keep the outbox and the delivery logs to the retention period."""
    return services.purge_old_events()
