from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from developer.models import IdempotencyRecord


@shared_task
def purge_expired_idempotency_keys() -> int:
    """Forget Idempotency-Key records past their 24-hour lifetime."""
    cutoff = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
