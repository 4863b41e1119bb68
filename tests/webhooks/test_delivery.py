"""Sending deliveries: signatures, the retry schedule, final states, disabling, rotation."""

import json
import uuid
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.core import mail
from django.utils import timezone
from standardwebhooks import Webhook

from webhooks import services
from webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

URL = "https://hooks.example.com/dropspace"
START = "2026-11-28 12:00:00Z"
Status = WebhookDelivery.Status


@pytest.fixture
def endpoint(user, make_endpoint):
    return make_endpoint(user, url=URL)


@pytest.fixture
def mocked():
    with responses.RequestsMock() as mock:
        yield mock


def record(user, type="launch.completed", data=None):
    event = services.record_event(owner=user, type=type, data=data or {"launch_id": "l-1"})
    return WebhookDelivery.objects.get(event=event)


def attempt(delivery):
    services.attempt_delivery(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


@time_machine.travel(START, tick=False)
def test_a_2xx_delivers_and_records_the_attempt(user, endpoint, mocked):
    mocked.post(URL, status=204, body="")
    delivery = attempt(record(user))

    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.response_status == 204
    assert delivery.delivered_at == timezone.now()
    assert delivery.next_attempt_at is None
    assert delivery.signing_secret == ""  # not kept once finished
    (logged,) = delivery.attempt_log.all()
    assert (logged.number, logged.response_status, logged.error) == (1, 204, "")


@time_machine.travel(START, tick=False)
def test_the_request_is_signed_both_ways_and_carries_the_envelope(user, endpoint, mocked):
    mocked.post(URL, status=200)
    delivery = attempt(record(user))

    request = mocked.calls[0].request
    payload = Webhook(endpoint.secret).verify(request.body, dict(request.headers))
    assert payload == {
        "id": delivery.event_id,
        "type": "launch.completed",
        "created_at": "2026-11-28T12:00:00Z",
        "data": {"launch_id": "l-1"},
    }
    assert request.headers["webhook-id"] == delivery.event_id
    assert request.headers["X-Webhook-Event"] == "launch.completed"
    assert request.headers["X-Webhook-Delivery"] == str(delivery.pk)
    assert request.headers["X-Webhook-Signature"] == services.signing.hex_signature(
        endpoint.secret, request.body
    )


def test_the_response_excerpt_is_capped(user, endpoint, mocked):
    mocked.post(URL, status=500, body="x" * 5000)
    delivery = attempt(record(user))

    logged = delivery.attempt_log.get()
    assert len(logged.response_excerpt) == services.EXCERPT_CHARS
    assert logged.response_status == 500


def test_retries_follow_the_schedule_with_jitter_then_fail(user, endpoint, mocked):
    mocked.post(URL, status=503)
    expected = [5, 300, 1800, 7200, 18000, 36000, 36000]
    with time_machine.travel(START, tick=False) as clock:
        delivery = record(user)
        for attempt_number, delay in enumerate(expected, start=1):
            delivery = attempt(delivery)
            assert delivery.status == Status.PENDING
            assert delivery.attempts == attempt_number
            wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
            assert delay * 0.9 <= wait <= delay * 1.1
            assert attempt(delivery).attempts == attempt_number  # not due yet: no-op
            clock.move_to(delivery.next_attempt_at)
        delivery = attempt(delivery)

    assert delivery.status == Status.FAILED
    assert delivery.attempts == services.MAX_ATTEMPTS == 8
    assert delivery.next_attempt_at is None
    assert WebhookAttempt.objects.filter(delivery=delivery).count() == 8
    delivery_ids = {call.request.headers["X-Webhook-Delivery"] for call in mocked.calls}
    timestamps = {call.request.headers["webhook-timestamp"] for call in mocked.calls}
    assert delivery_ids == {str(delivery.pk)}  # stable across retries
    assert len(timestamps) == 8  # each attempt is signed at its own time


@pytest.mark.parametrize(
    ("status", "final_state"),
    [
        (400, Status.FAILED),
        (401, Status.FAILED),
        (404, Status.FAILED),
        (422, Status.FAILED),
        (301, Status.PENDING),
        (408, Status.PENDING),
        (429, Status.PENDING),
        (500, Status.PENDING),
        (502, Status.PENDING),
    ],
)
def test_which_answers_are_retried(user, endpoint, mocked, status, final_state):
    mocked.post(URL, status=status, headers={"Location": "https://elsewhere.example.com/"})
    delivery = attempt(record(user))

    assert delivery.status == final_state
    assert delivery.response_status == status
    assert (delivery.next_attempt_at is not None) == (final_state == Status.PENDING)


@pytest.mark.parametrize(
    "error", [requests.ConnectionError("refused"), requests.ReadTimeout("slow")]
)
def test_network_errors_and_timeouts_are_retried(user, endpoint, mocked, error):
    mocked.post(URL, body=error)
    delivery = attempt(record(user))

    assert delivery.status == Status.PENDING
    assert delivery.response_status is None
    assert delivery.attempt_log.get().error


@time_machine.travel(START, tick=False)
def test_retry_after_on_429_is_honoured(user, endpoint, mocked):
    mocked.post(URL, status=429, headers={"Retry-After": "900"})
    delivery = attempt(record(user))

    assert delivery.next_attempt_at >= timezone.now() + timedelta(seconds=900)


def test_410_disables_the_endpoint_and_tells_the_owner(
    user, endpoint, mocked, django_capture_on_commit_callbacks
):
    mocked.post(URL, status=410)
    queued = record(user)
    later = record(user, type="launch.failed")
    with django_capture_on_commit_callbacks(execute=True):
        delivery = attempt(queued)

    endpoint.refresh_from_db()
    assert delivery.status == Status.FAILED
    assert not endpoint.active
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.GONE
    assert endpoint.auto_disabled
    assert mail.outbox[0].to == [user.email]
    assert URL in mail.outbox[0].body
    # What was queued for the endpoint fails without another request.
    assert attempt(later).status == Status.FAILED
    assert later.last_error == "endpoint disabled"
    assert len(mocked.calls) == 1


def test_an_endpoint_failing_everything_for_5_days_is_disabled(user, endpoint, mocked):
    mocked.post(URL, status=500)
    with time_machine.travel(START, tick=False) as clock:
        attempt(record(user))
        clock.shift(timedelta(days=4, hours=23))
        attempt(record(user))
        endpoint.refresh_from_db()
        assert endpoint.active
        clock.shift(timedelta(hours=1))
        attempt(record(user))

    endpoint.refresh_from_db()
    assert not endpoint.active
    assert endpoint.disabled_reason == WebhookEndpoint.DisabledReason.FAILING


def test_one_success_restarts_the_5_day_clock(user, endpoint, mocked):
    mocked.post(URL, status=500)
    with time_machine.travel(START, tick=False) as clock:
        attempt(record(user))
        clock.shift(timedelta(days=3))
        mocked.replace(responses.POST, URL, status=200)
        attempt(record(user))
        clock.shift(timedelta(days=3))
        mocked.replace(responses.POST, URL, status=500)
        attempt(record(user))

    endpoint.refresh_from_db()
    assert endpoint.active
    assert endpoint.failing_since is not None


def test_rotation_keeps_the_enqueue_time_secret_for_in_flight_deliveries(user, endpoint, mocked):
    mocked.post(URL, status=200)
    old_secret = endpoint.secret
    in_flight = record(user)
    new_secret = services.rotate_endpoint_secret(endpoint=endpoint).secret
    after = record(user)

    attempt(in_flight)
    attempt(after)

    first, second = (call.request for call in mocked.calls)
    assert new_secret != old_secret
    assert Webhook(old_secret).verify(first.body, dict(first.headers))
    assert Webhook(new_secret).verify(second.body, dict(second.headers))
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(new_secret).verify(first.body, dict(first.headers))


def test_redeliver_signs_with_the_current_secret_and_restarts_the_schedule(user, endpoint, mocked):
    mocked.post(URL, status=400)
    delivery = attempt(record(user))
    assert delivery.status == Status.FAILED
    services.rotate_endpoint_secret(endpoint=endpoint)
    mocked.replace(responses.POST, URL, status=200)

    services.redeliver_delivery(delivery=delivery)
    delivery = attempt(delivery)

    request = mocked.calls[1].request
    assert delivery.status == Status.DELIVERED
    assert delivery.attempts == 2
    assert request.headers["X-Webhook-Delivery"] == str(delivery.pk)
    assert Webhook(endpoint.secret).verify(request.body, dict(request.headers))


def test_dispatch_hands_out_due_unleased_deliveries_once(
    user, endpoint, sent, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False) as clock:
        fresh = record(user)  # leased at creation: its own task is on the way
        retry = record(user)
        WebhookDelivery.objects.filter(pk=retry.pk).update(locked_until=None)
        future = record(user)
        WebhookDelivery.objects.filter(pk=future.pk).update(
            next_attempt_at=timezone.now() + timedelta(hours=1), locked_until=None
        )
        sent.clear()

        with django_capture_on_commit_callbacks(execute=True):
            assert services.dispatch_due_deliveries() == 1
            assert services.dispatch_due_deliveries() == 0  # leased now
        assert sent == [str(retry.pk)]

        clock.shift(services.LEASE + timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.dispatch_due_deliveries() == 2
        # The first send of ``fresh`` was lost (never ran): it comes back after its lease.
        assert set(sent[1:]) == {str(fresh.pk), str(retry.pk)}


def test_a_second_worker_holding_the_same_id_does_not_send_again(user, endpoint, mocked):
    mocked.post(URL, status=200)
    delivery = record(user)
    services.attempt_delivery(delivery_id=delivery.pk)
    services.attempt_delivery(delivery_id=delivery.pk)

    assert len(mocked.calls) == 1


def test_an_endpoint_deleted_during_an_attempt_leaves_nothing_behind(user, endpoint):
    delivery = record(user)

    def answer_after_deletion(request):
        WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()
        return (200, {}, "")

    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.POST, URL, callback=answer_after_deletion)
        services.attempt_delivery(delivery_id=delivery.pk)

    assert not WebhookDelivery.objects.exists()
    assert not WebhookAttempt.objects.exists()


def test_event_data_may_hold_uuids_and_datetimes(user, endpoint, mocked):
    mocked.post(URL, status=200)
    launch_id = uuid.uuid4()
    delivery = record(user, data={"launch_id": launch_id, "at": timezone.now()})
    attempt(delivery)

    sent = json.loads(mocked.calls[0].request.body)
    assert sent["data"]["launch_id"] == str(launch_id)


@time_machine.travel(START, tick=False)
def test_the_5_second_retry_is_a_short_countdown_kept_off_the_poller(
    user, endpoint, mocked, monkeypatch, sent, django_capture_on_commit_callbacks
):
    mocked.post(URL, status=500)
    scheduled = []
    monkeypatch.setattr(
        services.tasks.send_delivery,
        "apply_async",
        lambda args, countdown: scheduled.append((args, countdown)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = attempt(record(user))

    ((args, countdown),) = scheduled
    assert args == (str(delivery.pk),)
    assert 4.5 <= countdown <= 5.5
    assert delivery.locked_until == delivery.next_attempt_at + services.LEASE
    assert services.dispatch_due_deliveries() == 0
