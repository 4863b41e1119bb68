"""The one metering service, and every change to a person's plan.

Every limit and feature check in the project calls one of the ``ensure_*``/``charge``
functions here, so the numbers live in ``billing.plans`` and nowhere else. Counting checks
take the per-person lock first (``accounts.services.lock_for_limit_check``): two concurrent
requests are counted one after the other and cannot both take the last unit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from accounts import services as accounts_services
from billing import payments, selectors
from billing.models import Meter, MeteredUse, StripeEvent, Subscription
from billing.plans import AUTO_POST_PLATFORMS, Plan, all_plans, default_plan_name
from dropspace.api.errors import ApiError, Code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LimitRule:
    """How a limit is named to a person, and which error reaching it raises."""

    code: Code
    what: str  # "launch" -> "launch limit reached"
    unit: str  # "launches per month"
    more: str  # how to get more besides upgrading
    message: str = ""  # for a limit every plan shares: no upgrade advice


MONTHLY = "wait for your billing period to reset on {reset}"
RULES = {
    "launches_per_month": LimitRule(Code.LAUNCH_002, "launch", "launches per month", MONTHLY),
    "ai_images_per_month": LimitRule(Code.MEDIA_001, "AI image", "AI images per month", MONTHLY),
    "ai_videos_per_month": LimitRule(Code.MEDIA_001, "AI video", "AI videos per month", MONTHLY),
    "personas": LimitRule(Code.PERSONA_001, "persona", "personas", "delete a persona"),
    "analyses_per_persona": LimitRule(
        Code.PERSONA_003, "persona build", "analyses per persona", "create a new persona"
    ),
    "regenerations_per_launch": LimitRule(
        Code.LAUNCH_002, "regeneration", "regenerations per launch", "edit the content yourself"
    ),
    "api_keys": LimitRule(
        Code.SERVER_002,
        "API key",
        "active API keys",
        "revoke one first",
        message="maximum {limit} active API keys allowed; revoke one first",
    ),
    "webhook_endpoints": LimitRule(
        Code.SERVER_002,
        "webhook endpoint",
        "webhook endpoints",
        "delete one first",
        message="maximum {limit} webhook endpoints allowed",
    ),
}
METER_LIMIT = selectors.METER_LIMIT


def billing_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("billing:index")


def limit_error(account, limit_name: str, plan: Plan | None = None) -> ApiError:
    """The error for a reached limit: what was reached and how to get more."""
    plan = plan or selectors.plan_for(account)
    rule = RULES[limit_name]
    limit = getattr(plan, limit_name)
    if rule.message:
        return ApiError(rule.code, rule.message.format(limit=limit))
    more = rule.more.format(reset=f"{selectors.billing_period(account).end:%Y-%m-%d}")
    message = (
        f"{rule.what} limit reached: your {plan.label} plan allows {limit} {rule.unit}. "
        f"To get more, {more} or upgrade your plan at {billing_url()}"
    )
    return ApiError(rule.code, message)


# --- monthly meters ----------------------------------------------------------------------------


def ensure_available(*, account, meter: Meter, paid: bool = False) -> None:
    """Fail early (no lock, nothing counted) when ``meter`` is already used up this period.

    ``paid``: this use is bought on its own (an x402 payment), so the plan's limit is no bar.
    """
    if not paid:
        _check_meter(account, meter)


def charge(*, account, meter: Meter, object_id: str = "", paid: bool = False) -> dict:
    """Count one use of ``meter`` within the plan; return ``{"limit", "used", "remaining"}``.

    Call it in the transaction that creates the thing being counted: the count is then undone
    with it, and the person's lock is held until it commits. A ``paid`` use (an x402 payment,
    recorded by billing.x402) is outside the plan: not counted, never refused.
    """
    if paid:
        plan = selectors.plan_for(account)
        used = selectors.used_in_period(account, meter, selectors.billing_period(account))
        return selectors.counter(getattr(plan, METER_LIMIT[meter]), used)
    with transaction.atomic():
        accounts_services.lock_for_limit_check(account)
        plan, used = _check_meter(account, meter)
        MeteredUse.objects.create(user=account, meter=meter, object_id=str(object_id))
    return selectors.counter(getattr(plan, METER_LIMIT[meter]), used + 1)


def refund(*, account, meter: Meter, object_id: str) -> None:
    """Uncount the use ``charge`` recorded for ``object_id`` (a job that produced nothing)."""
    MeteredUse.objects.filter(user=account, meter=meter, object_id=str(object_id)).delete()


def _check_meter(account, meter: Meter):
    plan = selectors.plan_for(account)
    if meter in (Meter.AI_IMAGES, Meter.AI_VIDEOS) and not plan.media_generation:
        raise _restricted(plan, "AI media generation")
    used = selectors.used_in_period(account, meter, selectors.billing_period(account))
    limit = getattr(plan, METER_LIMIT[meter])
    if limit is not None and used >= limit:
        raise limit_error(account, METER_LIMIT[meter], plan)
    return plan, used


# --- counted things (personas, keys, endpoints) and per-resource limits ------------------------


def ensure_room(*, account, limit_name: str, count: Callable[[], int]) -> None:
    """Raise the limit's error when ``count()`` has reached the plan's ``limit_name``.

    ``count`` runs after the person's lock is taken, so the caller's insert or increment in
    the same transaction cannot race another request's.
    """
    with transaction.atomic():
        accounts_services.lock_for_limit_check(account)
        plan = selectors.plan_for(account)
        limit = getattr(plan, limit_name)
        if limit is not None and count() >= limit:
            raise limit_error(account, limit_name, plan)


# --- features ----------------------------------------------------------------------------------


def _restricted(plan: Plan, feature: str) -> ApiError:
    return ApiError(
        Code.AUTH_002,
        f"your {plan.label} plan does not include {feature}; upgrade at {billing_url()}",
    )


def ensure_platforms_allowed(*, account, platforms: list[str]) -> None:
    """Auto-posting platforms must be in the plan (guided ones, like Product Hunt, always are)."""
    plan = selectors.plan_for(account)
    auto = [p for p in platforms if p in AUTO_POST_PLATFORMS]
    refused = [p for p in auto if p not in plan.allowed_platforms]
    if refused:
        raise _restricted(plan, "posting to " + ", ".join(refused))


def ensure_can_connect_own_account(*, account, platform: str) -> None:
    plan = selectors.plan_for(account)
    if not plan.can_connect_own_accounts:
        raise _restricted(plan, "connecting your own accounts")
    ensure_platforms_allowed(account=account, platforms=[platform])


def ensure_can_post(*, account, platforms: list[str], own: bool, official: bool) -> None:
    """Where a launch posts must be in the plan (403 AUTH_002)."""
    plan = selectors.plan_for(account)
    if own and not plan.can_connect_own_accounts:
        raise _restricted(plan, "posting through your own accounts")
    if official and not plan.can_post_to_official_accounts:
        raise _restricted(plan, "posting through dropspace accounts")
    ensure_platforms_allowed(account=account, platforms=platforms)


# --- plan changes ------------------------------------------------------------------------------


def set_plan(*, account, plan_name: str) -> Subscription:
    """Put a person on a plan by hand (an operator): no Stripe, calendar-month periods."""
    if plan_name not in all_plans():
        raise ValueError(f"unknown plan {plan_name!r}; choose from {', '.join(all_plans())}")
    subscription, _ = Subscription.objects.update_or_create(
        user=account,
        defaults={
            "plan": plan_name,
            "status": Subscription.Status.ACTIVE,
            "cancel_at_period_end": False,
            "current_period_start": None,
            "current_period_end": None,
        },
    )
    forget_cached_plan(account)
    return subscription


def forget_cached_plan(account) -> None:
    """Plan changes apply to the next API request (the rate limit caches the plan's name)."""
    cache.delete(selectors.plan_cache_key(account))


# --- Stripe ------------------------------------------------------------------------------------


def start_checkout(*, account, plan_name: str, success_url: str, cancel_url: str) -> str:
    """The Stripe Checkout URL for an upgrade (raises payments.BillingUnavailable)."""
    subscription = selectors.subscription_for(account)
    return payments.checkout_url(
        plan=get_plan_or_error(plan_name),
        user_id=str(account.pk),
        email=account.email,
        customer_id=subscription.stripe_customer_id,
        success_url=success_url,
        cancel_url=cancel_url,
    )


def start_portal(*, account, return_url: str) -> str:
    """The Stripe Customer Portal URL (raises payments.BillingUnavailable)."""
    customer_id = selectors.subscription_for(account).stripe_customer_id
    if not payments.stripe_configured():
        raise payments.BillingUnavailable("billing is not configured on this server")
    if not customer_id:
        raise payments.BillingUnavailable("you have no Stripe subscription to manage yet")
    return payments.portal_url(customer_id=customer_id, return_url=return_url)


def get_plan_or_error(plan_name: str) -> Plan:
    plans = all_plans()
    if plan_name not in plans:
        raise payments.BillingUnavailable(f"there is no {plan_name!r} plan")
    return plans[plan_name]


def apply_stripe_event(event) -> bool:
    """Apply a verified Stripe event once; False when it was already applied (a redelivery)."""
    created = _stamp(event.created)
    with transaction.atomic():
        _, new = StripeEvent.objects.get_or_create(
            id=event.id, defaults={"type": event.type, "created": created}
        )
        if not new:
            return False
        handler = STRIPE_HANDLERS.get(event.type)
        if handler:
            # Plain dicts: a StripeObject is not a dict (its "items" would be dict.items).
            handler(event.data.object.to_dict(), created)
    return True


def _stamp(unix_time: int) -> datetime:
    return datetime.fromtimestamp(unix_time, tz=UTC)


def _subscription_row(*, user_id=None, customer_id: str = "") -> Subscription | None:
    """The row Stripe's object is about, locked: by our user id, else by Stripe customer."""
    user = None
    if user_id:
        try:
            user = get_user_model().objects.filter(pk=user_id).first()
        except (ValueError, ValidationError):  # metadata someone edited in the dashboard
            user = None
    if user is None and customer_id:
        known = Subscription.objects.filter(stripe_customer_id=customer_id).first()
        user = known.user if known else None
    if user is None:
        log.warning("Stripe event for an unknown customer %s", customer_id)
        return None
    subscription, _ = Subscription.objects.select_for_update().get_or_create(
        user=user, defaults={"plan": default_plan_name()}
    )
    return subscription


def _is_newer(subscription: Subscription, at: datetime) -> bool:
    return subscription.stripe_state_at is None or at >= subscription.stripe_state_at


def _save(subscription: Subscription, at: datetime) -> None:
    subscription.stripe_state_at = max(filter(None, [subscription.stripe_state_at, at]))
    subscription.save()
    forget_cached_plan(subscription.user)


def _checkout_completed(session, at: datetime) -> None:
    if session.get("mode") != "subscription":
        return
    metadata = session.get("metadata") or {}
    subscription = _subscription_row(
        user_id=session.get("client_reference_id") or metadata.get("user_id"),
        customer_id=session.get("customer") or "",
    )
    if subscription is None:
        return
    subscription.stripe_customer_id = session.get("customer") or ""
    if _is_newer(subscription, at):
        subscription.stripe_subscription_id = session.get("subscription") or ""
        subscription.plan = metadata.get("plan") or subscription.plan
        paid = session.get("payment_status") in ("paid", "no_payment_required")
        # An unpaid session (a slow payment method) waits for the subscription's own events.
        subscription.status = Subscription.Status.ACTIVE if paid else Subscription.Status.INCOMPLETE
        subscription.cancel_at_period_end = False
    _save(subscription, at)


def _subscription_changed(stripe_subscription, at: datetime) -> None:
    metadata = stripe_subscription.get("metadata") or {}
    subscription = _subscription_row(
        user_id=metadata.get("user_id"), customer_id=stripe_subscription.get("customer") or ""
    )
    if subscription is None or not _is_newer(subscription, at):
        return  # an older state than the one stored: Stripe delivered out of order
    item = _first_item(stripe_subscription)
    price_id = (item.get("price") or {}).get("id", "")
    plan_name = payments.plan_name_for_price(price_id) or metadata.get("plan")
    if plan_name not in all_plans():
        log.warning("Stripe price %s is in no plan: set STRIPE_PRICE_IDS", price_id)
        plan_name = subscription.plan
    start, end = _period(stripe_subscription, item)
    subscription.plan = plan_name
    subscription.status = stripe_subscription.get("status") or Subscription.Status.ACTIVE
    subscription.cancel_at_period_end = bool(stripe_subscription.get("cancel_at_period_end"))
    subscription.current_period_start, subscription.current_period_end = start, end
    subscription.stripe_customer_id = stripe_subscription.get("customer") or ""
    subscription.stripe_subscription_id = stripe_subscription.get("id") or ""
    _save(subscription, at)


def _first_item(stripe_subscription) -> dict:
    items = (stripe_subscription.get("items") or {}).get("data") or []
    return items[0] if items else {}


def _period(stripe_subscription, item) -> tuple[datetime | None, datetime | None]:
    # Since API version 2025-03-31 the period lives on the subscription item.
    def when(name):
        value = item.get(name) or stripe_subscription.get(name)
        return _stamp(value) if value else None

    return when("current_period_start"), when("current_period_end")


def _invoice_paid(invoice, at: datetime) -> None:
    subscription = _subscription_row(customer_id=invoice.get("customer") or "")
    if subscription is None:
        return
    if subscription.payment_failed_at and subscription.payment_failed_at > at:
        return  # a later payment failed after this one was paid
    subscription.payment_failed_at = None
    subscription.payment_failure_message = ""
    subscription.save()


def _invoice_payment_failed(invoice, at: datetime) -> None:
    subscription = _subscription_row(customer_id=invoice.get("customer") or "")
    if subscription is None:
        return
    amount = (invoice.get("amount_due") or 0) / 100
    currency = (invoice.get("currency") or "usd").upper()
    retry = invoice.get("next_payment_attempt")
    when = (
        f"Stripe will try again on {_stamp(retry):%Y-%m-%d}"
        if retry
        else "Stripe will not try again"
    )
    subscription.payment_failed_at = at
    subscription.payment_failure_message = (
        f"Your payment of {amount:.2f} {currency} failed. {when}; "
        "update your card in the Stripe customer portal to keep your plan."
    )
    subscription.save()


STRIPE_HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
}
