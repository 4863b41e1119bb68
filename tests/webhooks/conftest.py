"""Webhook test helpers: fake DNS answers, a real local receiver, endpoints and deliveries."""

import pytest

from dropspace.testing import Receiver
from webhooks.models import WebhookEndpoint
from webhooks.signing import new_secret


@pytest.fixture(autouse=True)
def _fake_dns(dns):
    """Every webhooks test answers DNS itself: *.example.com is public unless set."""
    return dns


@pytest.fixture
def allow_loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True


@pytest.fixture
def receiver(allow_loopback):
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_endpoint(db):
    """Create an endpoint row directly (API and services are tested on their own)."""

    def make(owner, url="https://hooks.example.com/dropspace", events=None, **fields):
        return WebhookEndpoint.objects.create(
            owner=owner,
            url=url,
            events=events or ["launch.completed", "launch.failed"],
            secret=new_secret(),
            **fields,
        )

    return make


@pytest.fixture
def sent(monkeypatch):
    """Delivery ids handed to the send task (the broker is not running in tests)."""
    from webhooks import tasks

    ids: list[str] = []
    monkeypatch.setattr(tasks.send_delivery, "delay", ids.append)
    return ids
