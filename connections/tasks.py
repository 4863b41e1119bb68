from celery import shared_task

from connections import services


@shared_task
def refresh_expiring_connections() -> int:
    """Beat: refresh tokens that expire within CONNECTION_REFRESH_AHEAD_MINUTES."""
    return services.refresh_expiring_connections()
