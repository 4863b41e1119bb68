"""A person's subscription, their metered uses, and the Stripe events already applied."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class Subscription(models.Model):
    """The plan a person is on, and where it came from (an operator, or Stripe)."""

    class Status(models.TextChoices):
        # Stripe's subscription statuses, so a webhook's status is stored as it comes.
        ACTIVE = "active"
        TRIALING = "trialing"
        PAST_DUE = "past_due"
        UNPAID = "unpaid"
        INCOMPLETE = "incomplete"
        INCOMPLETE_EXPIRED = "incomplete_expired"
        CANCELED = "canceled"
        PAUSED = "paused"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.CharField(max_length=50)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    # When Stripe produced the state stored here: an older event never overwrites a newer one.
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    payment_failed_at = models.DateTimeField(null=True, blank=True)
    payment_failure_message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} on {self.plan} ({self.status})"


class Meter(models.TextChoices):
    """Monthly counters: one MeteredUse row per use."""

    LAUNCHES = "launches", "launches"
    AI_IMAGES = "ai_images", "AI images"
    AI_VIDEOS = "ai_videos", "AI videos"


class MeteredUse(models.Model):
    """One counted use (a launch created, an image generated). Deleting the thing keeps it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="metered_uses"
    )
    meter = models.CharField(max_length=20, choices=Meter.choices)
    object_id = models.CharField(max_length=64, blank=True, help_text="What was created.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "meter", "created_at"])]

    def __str__(self) -> str:
        return f"{self.meter} by {self.user_id} at {self.created_at:%Y-%m-%d %H:%M}"


class StripeEvent(models.Model):
    """A Stripe webhook event already applied (Stripe delivers at least once)."""

    id = models.CharField(primary_key=True, max_length=255)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.id} ({self.type})"
