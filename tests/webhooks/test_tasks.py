"""Beat tasks: the due-delivery poller (SKIP LOCKED on PostgreSQL) and the retention purge."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from webhooks import services, tasks
from webhooks.models import Event, WebhookDelivery


def _due_deliveries(user, count):
    for _ in range(count):
        services.record_event(owner=user, type="launch.completed", data={})
    WebhookDelivery.objects.update(locked_until=None)
    return list(WebhookDelivery.objects.order_by("next_attempt_at").values_list("pk", flat=True))


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED exists on PostgreSQL only"
)
@pytest.mark.django_db(transaction=True)
def test_the_poller_skips_rows_another_poller_holds(user, make_endpoint, sent):
    make_endpoint(user)
    ids = _due_deliveries(user, 4)
    sent.clear()  # without a test transaction, creation already handed them out once
    held, release = threading.Event(), threading.Event()

    def other_poller():
        # Another poller's transaction holds two rows while this one runs.
        with transaction.atomic():
            list(WebhookDelivery.objects.select_for_update().filter(pk__in=ids[:2]))
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_poller)
    thread.start()
    held.wait(10)
    try:
        assert tasks.dispatch_due_deliveries() == 2
    finally:
        release.set()
        thread.join()
    assert sorted(sent) == sorted(str(pk) for pk in ids[2:])


def test_the_poller_task_dispatches_due_rows(user, make_endpoint, sent):
    make_endpoint(user)
    _due_deliveries(user, 3)

    assert tasks.dispatch_due_deliveries() == 3


def test_purge_deletes_old_events_but_keeps_pending_ones(user, make_endpoint, settings):
    settings.WEBHOOKS_RETENTION_DAYS = 30
    make_endpoint(user)
    with time_machine.travel(timezone.now() - timedelta(days=31)):
        old = services.record_event(owner=user, type="launch.completed", data={})
        still_pending = services.record_event(owner=user, type="launch.completed", data={})
    recent = services.record_event(owner=user, type="launch.completed", data={})
    WebhookDelivery.objects.exclude(event=still_pending).update(status="delivered")

    tasks.purge_old_events()

    assert set(Event.objects.values_list("pk", flat=True)) == {still_pending.pk, recent.pk}
    assert not WebhookDelivery.objects.filter(event_id=old.pk).exists()
