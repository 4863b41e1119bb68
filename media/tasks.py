"""Celery entry points for media: AI jobs (ids in, one service step, come back later if told)
and the library's background fetches by link."""

from celery import shared_task


@shared_task(acks_late=True)
def advance_job(job_id: str) -> None:
    """One step of a job; a job still waiting on fal is asked again after a short countdown."""
    from media import generation  # generation imports this module to enqueue

    delay = generation.advance_job(job_id)
    if delay is not None:
        advance_job.apply_async((job_id,), countdown=delay)


@shared_task
def resume_stalled_jobs() -> int:
    """Pick up jobs whose worker or message was lost; fail the ones past the time bound."""
    from media import generation

    return generation.resume_stalled_jobs()


@shared_task(acks_late=True)
def fetch_url(fetch_id: str) -> None:
    """Fetch one "add from a link" into the library (a redelivered message does nothing)."""
    from media import services

    services.run_fetch(fetch_id)
