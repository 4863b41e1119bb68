"""Stripe switched on with test keys; events built and signed the way Stripe sends them."""

import itertools
import json
import time

import pytest
import stripe

WEBHOOK_SECRET = "whsec_test_dropspace"
PRICES = {"starter": "price_starter_test", "pro": "price_pro_test"}
_ids = itertools.count(1)


@pytest.fixture
def stripe_on(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_dropspace"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PRICE_IDS = dict(PRICES)
    return settings


def stripe_event(type_: str, obj: dict, *, created: int | None = None, event_id: str = ""):
    """An event body shaped like Stripe's (API version 2026-10-28)."""
    return {
        "id": event_id or f"evt_test_{next(_ids):06d}",
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": created or int(time.time()),
        "type": type_,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }


def stripe_subscription(
    *,
    user,
    plan: str = "pro",
    status: str = "active",
    start: int,
    end: int,
    cancel_at_period_end: bool = False,
    customer: str = "cus_test_1",
) -> dict:
    """A subscription object as Stripe sends it: the period lives on its item."""
    return {
        "id": "sub_test_1",
        "object": "subscription",
        "customer": customer,
        "status": status,
        "cancel_at_period_end": cancel_at_period_end,
        "metadata": {"user_id": str(user.pk), "plan": plan},
        "items": {
            "object": "list",
            "data": [
                {
                    "id": "si_test_1",
                    "object": "subscription_item",
                    "current_period_start": start,
                    "current_period_end": end,
                    "price": {
                        "id": PRICES[plan],
                        "object": "price",
                        "recurring": {"interval": "month"},
                    },
                    "quantity": 1,
                }
            ],
        },
    }


@pytest.fixture
def post_event(client):
    """``post_event(event, secret=..., timestamp=...)`` -> the webhook endpoint's response."""

    def post(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(
            payload, secret, timestamp=timestamp
        )
        return client.post(
            "/billing/stripe/webhook",
            payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )

    return post
