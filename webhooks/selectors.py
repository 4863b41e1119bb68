"""Reads shared by the API and the dashboard; the one place webhook tenant scoping lives."""

from django.db.models import Prefetch

from dropspace.api.errors import ApiError, Code
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


def endpoints_visible_to(user):
    return WebhookEndpoint.objects.filter(owner=user)


def get_endpoint_for_user(user, endpoint_id) -> WebhookEndpoint:
    """The user's endpoint, or 404 SERVER_003 (also for a stranger's endpoint)."""
    endpoint = endpoints_visible_to(user).filter(pk=endpoint_id).first()
    if endpoint is None:
        raise ApiError(Code.SERVER_003, "webhook not found")
    return endpoint


def endpoints_subscribed_to(owner, event_type: str) -> list[WebhookEndpoint]:
    """The owner's active endpoints that receive ``event_type`` (at most 10: filter here)."""
    endpoints = endpoints_visible_to(owner).filter(active=True)
    return [endpoint for endpoint in endpoints if endpoint.subscribes_to(event_type)]


def deliveries_of(endpoint: WebhookEndpoint):
    """The endpoint's delivery log, newest first."""
    return (
        WebhookDelivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .order_by("-created_at", "-pk")
    )


def deliveries_with_attempts(endpoint: WebhookEndpoint):
    """The delivery log with every attempt, for the dashboard."""
    attempts = Prefetch("attempt_log", queryset=WebhookAttempt.objects.order_by("number"))
    return deliveries_of(endpoint).prefetch_related(attempts)


def get_delivery_for_user(user, endpoint_id, delivery_id) -> WebhookDelivery:
    endpoint = get_endpoint_for_user(user, endpoint_id)
    delivery = deliveries_of(endpoint).select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        raise ApiError(Code.SERVER_003, "delivery not found")
    return delivery
