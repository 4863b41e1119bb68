import pytest
from django.db import transaction

from webhooks import catalog, services
from webhooks.models import Event, WebhookDelivery


def test_catalog_documents_every_event_type_of_the_spec():
    assert set(catalog.EVENT_NAMES) == {
        "launch.completed",
        "launch.partial",
        "launch.failed",
        "launch.scheduled",
        "launch.cancelled",
        "post.published",
        "post.failed",
        "post.deleted",
        "media.ready",
        "media.failed",
        "persona.analyzed",
        "connection.needs_reauth",
        "webhook.test",
    }
    for event in catalog.EVENT_TYPES.values():
        assert event.description
        assert {field.name for field in event.fields} <= set(event.example) | {"posts"}


def test_record_event_rejects_an_unknown_type(user):
    with pytest.raises(ValueError, match=r"launch\.published"):
        services.record_event(owner=user, type="launch.published", data={})
    assert not Event.objects.exists()


def test_record_event_writes_the_envelope(user):
    event = services.record_event(owner=user, type="launch.completed", data={"launch_id": "x"})

    envelope = event.envelope()
    assert envelope["id"].startswith("evt_")
    assert envelope["type"] == "launch.completed"
    assert envelope["created_at"].endswith("Z")
    assert envelope["data"] == {"launch_id": "x"}


def test_record_event_creates_one_delivery_per_subscribed_active_endpoint(
    user, stranger, make_endpoint, sent, django_capture_on_commit_callbacks
):
    wanted = make_endpoint(user, events=["launch.completed"])
    make_endpoint(user, events=["launch.failed"])
    make_endpoint(user, events=["launch.completed"], active=False)
    make_endpoint(stranger, events=["launch.completed"])

    with django_capture_on_commit_callbacks(execute=True):
        event = services.record_event(owner=user, type="launch.completed", data={})

    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.endpoint) == (event, wanted)
    assert delivery.signing_secret == wanted.secret
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert sent == [str(delivery.pk)]


def test_nothing_is_sent_when_the_reported_change_rolls_back(
    user, make_endpoint, sent, django_capture_on_commit_callbacks
):
    make_endpoint(user)

    def change_that_fails():
        with transaction.atomic():
            services.record_event(owner=user, type="launch.completed", data={})
            raise RuntimeError("the launch update failed")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        change_that_fails()

    assert not Event.objects.exists()
    assert not WebhookDelivery.objects.exists()
    assert sent == []
