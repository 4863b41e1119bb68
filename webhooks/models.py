import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class Event(models.Model):
    """The outbox: one row per domain event, written in the transaction of the change.

    Delivery to webhook endpoints happens after commit (the webhooks work builds on this).
    """

    id = models.CharField(primary_key=True, max_length=40, default=new_event_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_events"
    )
    type = models.CharField(max_length=64, db_index=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.type} ({self.id})"

    def envelope(self) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "data": self.data,
        }
