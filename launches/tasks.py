"""Celery entry points for publishing: ids in, one service call.

Post tasks run on their platform's queue (settings.PUBLISH_QUEUES) with acks_late and
reject_on_worker_lost: a killed worker's message is delivered again, and the claim in
launches.publishing.posting makes that second run a no-op once the first one started posting.
"""

from celery import shared_task

from launches.publishing import posting, services

POST_TASK = {"acks_late": True, "reject_on_worker_lost": True, "ignore_result": True}


@shared_task(**POST_TASK)
def publish_post(log_id: str) -> None:
    posting.publish_post(log_id=log_id)


@shared_task(**POST_TASK)
def check_pending_post(log_id: str) -> None:
    """A short look at platform-side processing (Instagram container, TikTok, X video)."""
    posting.check_pending_post(log_id=log_id)


@shared_task(ignore_result=True)
def start_due_launches() -> int:
    """Beat, every second: start scheduled launches that are due (no Celery ETA)."""
    return services.start_due_launches()


@shared_task(ignore_result=True)
def sweep_publishing() -> dict:
    """Beat, every minute: posts stuck in flight, lost messages, unfinished launches."""
    return services.sweep_publishing()
