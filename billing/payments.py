"""Stripe, through the official SDK: Checkout, the Customer Portal, webhook signatures.

No database writes here: ``billing.services`` applies what Stripe says. Without
``STRIPE_SECRET_KEY`` nothing here is called and the billing page says billing is off.
"""

from __future__ import annotations

import stripe
from django.conf import settings

from billing.plans import Plan


class BillingUnavailable(Exception):
    """Stripe cannot be used for this request (not configured, no price, Stripe failed)."""


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    if not stripe_configured():
        raise BillingUnavailable("billing is not configured on this server")
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=2)


def checkout_url(
    *, plan: Plan, user_id: str, email: str, customer_id: str, success_url: str, cancel_url: str
) -> str:
    """A Stripe Checkout page subscribing the person to ``plan``."""
    client = _client()
    if not plan.stripe_price_id:
        raise BillingUnavailable(f"the {plan.label} plan is not sold on this server")
    metadata = {"user_id": user_id, "plan": plan.name}
    params = {
        "mode": "subscription",
        "line_items": [{"price": plan.stripe_price_id, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": user_id,
        "metadata": metadata,
        # Copied onto the subscription, so its own events name the person too.
        "subscription_data": {"metadata": metadata},
    }
    if customer_id:
        params["customer"] = customer_id
    else:
        params["customer_email"] = email
    return _call(lambda: client.v1.checkout.sessions.create(params=params)).url


def portal_url(*, customer_id: str, return_url: str) -> str:
    """A Stripe Customer Portal session: change plan, update the card, cancel, invoices."""
    client = _client()
    params = {"customer": customer_id, "return_url": return_url}
    return _call(lambda: client.v1.billing_portal.sessions.create(params=params)).url


def _call(request):
    try:
        return request()
    except stripe.StripeError as exc:
        message = exc.user_message or "Stripe did not answer; try again in a minute"
        raise BillingUnavailable(message) from exc


def verified_event(payload: bytes, signature: str) -> stripe.Event:
    """The event, if Stripe signed it (raises ValueError or SignatureVerificationError)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set")
    return stripe.Webhook.construct_event(
        payload.decode("utf-8"),
        signature,
        settings.STRIPE_WEBHOOK_SECRET,
        tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    )


def plan_name_for_price(price_id: str) -> str | None:
    for name, price in settings.STRIPE_PRICE_IDS.items():
        if price == price_id:
            return name
    return None
