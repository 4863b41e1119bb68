"""Webhook events: record them in the outbox with the change they report."""

from django.db import transaction

from webhooks.models import Event


def record_event(*, owner, type: str, data: dict) -> Event:
    """Record ``type`` for ``owner`` in the caller's transaction; delivery happens after commit.

    Call it inside the service's ``transaction.atomic()`` block so the event exists if and
    only if the change it reports was committed.
    """
    event = Event.objects.create(owner=owner, type=type, data=data)
    transaction.on_commit(lambda: _fan_out(event.pk))
    return event


def _fan_out(event_id: str) -> None:
    """Hand the event to delivery (replaced by the webhooks work with real fan-out)."""
