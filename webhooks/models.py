import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from dropspace.crypto import EncryptedTextField


def new_event_id() -> str:
    return f"evt_{uuid.uuid4().hex}"


class Event(models.Model):
    """The outbox: one row per domain event, written in the transaction of the change.

    ``record_event`` also writes one ``WebhookDelivery`` per subscribed endpoint in that same
    transaction, so an event is delivered if and only if the change it reports was committed.
    """

    id = models.CharField(primary_key=True, max_length=40, default=new_event_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_events"
    )
    type = models.CharField(max_length=64, db_index=True)
    # DjangoJSONEncoder: producers may pass UUIDs, datetimes and decimals as they are.
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
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


class WebhookEndpoint(models.Model):
    """A URL that receives the owner's events it subscribes to, signed with its secret."""

    class DisabledReason(models.TextChoices):
        NONE = "", "enabled"
        MANUAL = "manual", "disabled by you"
        GONE = "gone", "the endpoint answered 410 Gone"
        FAILING = "failing", "every delivery failed for 5 days"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=2048)
    events = models.JSONField(default=list)
    # Needed to sign, so encrypted rather than hashed; never shown after create / rotate.
    secret = EncryptedTextField(editable=False)
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(
        max_length=16, choices=DisabledReason.choices, default="", blank=True
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Start of the current unbroken run of failed attempts; cleared by any success.
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event_type: str) -> bool:
        return event_type in self.events

    @property
    def auto_disabled(self) -> bool:
        return not self.active and self.disabled_reason in (
            self.DisabledReason.GONE,
            self.DisabledReason.FAILING,
        )


class WebhookDelivery(models.Model):
    """One event to one endpoint: retried on its schedule until delivered or failed.

    Due work is found by ``next_attempt_at`` (a beat poller claims it), never by long Celery
    countdowns. ``locked_until`` is a lease: a row handed to a worker is not handed out again
    until the lease expires (which also recovers work lost with a crashed worker).
    """

    class Status(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # The endpoint's secret when the delivery was enqueued (rotation does not touch it);
    # cleared once the delivery is finished.
    signing_secret = EncryptedTextField(editable=False, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    schedule_step = models.PositiveSmallIntegerField(
        default=0, help_text="Attempts since the schedule (re)started; a redeliver resets it."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="unique_event_delivery")
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, with what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.response_status is not None and 200 <= self.response_status < 300
