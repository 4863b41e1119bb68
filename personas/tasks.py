"""Celery entry points for personas: ids in, one service call."""

from celery import shared_task


@shared_task(acks_late=True)
def analyze_persona(persona_id: str, platforms: list[str], include_custom_samples: bool) -> None:
    """Build the analysis started by ``services.analyze_persona`` (a finished build is skipped)."""
    from personas import services  # services imports this module to enqueue

    services.build_persona_analysis(
        persona_id=persona_id, platforms=platforms, include_custom_samples=include_custom_samples
    )


@shared_task
def fail_stale_builds() -> int:
    """Fail persona builds whose worker was lost, so their owners can analyse again."""
    from personas import services

    return services.fail_stale_builds()
