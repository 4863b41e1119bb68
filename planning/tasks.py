"""Celery entry points of planning."""

from celery import shared_task

from planning import services


@shared_task(acks_late=True)
def run_import(job_id: str) -> int:
    """A large import in the background; a redelivered task resumes (rows are claimed once)."""
    return services.run_import(job_id=job_id).processed
