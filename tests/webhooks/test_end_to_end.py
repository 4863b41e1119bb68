"""A real receiver on 127.0.0.1 gets a real signed event recorded through record_event."""

import json

import pytest
from django.db import transaction
from standardwebhooks import Webhook

from dropspace.celery import app
from webhooks import services
from webhooks.models import WebhookDelivery


@pytest.fixture
def eager_celery():
    """Run tasks in-process, as a worker would (the broker is not running in tests)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_a_local_plain_http_receiver_gets_a_signed_launch_completed(
    api, user, receiver, eager_celery, django_capture_on_commit_callbacks
):
    created = api.post(
        "/v1/webhooks", {"url": receiver.url, "events": ["launch.completed"]}, format="json"
    )
    assert created.status_code == 201, created.json()
    secret = created.json()["data"]["secret"]
    data = {"launch_id": "5b0c8a52", "name": "v2", "status": "completed", "platforms": []}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = services.record_event(owner=user, type="launch.completed", data=data)

    (request,) = receiver.requests
    payload = Webhook(secret).verify(request["body"], request["headers"])
    assert payload["id"] == event.pk
    assert payload["type"] == "launch.completed"
    assert payload["data"] == data
    assert json.loads(request["body"]) == payload
    assert request["headers"]["X-Webhook-Event"] == "launch.completed"
    delivery = WebhookDelivery.objects.get(event=event)
    assert delivery.status == WebhookDelivery.Status.DELIVERED
    assert delivery.attempt_log.get().response_excerpt == '{"ok": true}'
    listed = api.get(f"/v1/webhooks/{created.json()['data']['id']}/deliveries").json()["data"]
    assert (listed[0]["status"], listed[0]["response_status"]) == ("delivered", 200)


def test_the_test_button_reaches_the_receiver(
    api, receiver, eager_celery, django_capture_on_commit_callbacks
):
    created = api.post(
        "/v1/webhooks", {"url": receiver.url, "events": ["launch.failed"]}, format="json"
    ).json()["data"]

    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/v1/webhooks/{created['id']}/test")

    assert response.status_code == 202
    (request,) = receiver.requests
    payload = Webhook(created["secret"]).verify(request["body"], request["headers"])
    assert payload["type"] == "webhook.test"
    assert payload["data"]["webhook_id"] == created["id"]
