"""Reads of plans and usage, shared by the metering service, the API, the pages and MCP.

Every function takes an ``account``: a user. (x402 wallets become users with a plan, so they
read the same way.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone

from billing.models import Meter, MeteredUse, Subscription
from billing.plans import Plan, default_plan_name, get_plan

UNLIMITED = "unlimited"
# Past due keeps the plan while Stripe retries the payment.
PAID_UP = {
    Subscription.Status.ACTIVE,
    Subscription.Status.TRIALING,
    Subscription.Status.PAST_DUE,
}
METER_LIMIT = {
    Meter.LAUNCHES: "launches_per_month",
    Meter.AI_IMAGES: "ai_images_per_month",
    Meter.AI_VIDEOS: "ai_videos_per_month",
}
WARN_AT = 0.8
PLAN_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime


def subscription_for(account) -> Subscription:
    """The person's subscription; an unsaved one on the default plan when they have none."""
    try:
        return Subscription.objects.get(user=account)
    except Subscription.DoesNotExist:
        return Subscription(user=account, plan=default_plan_name())


def plan_for(account, *, subscription: Subscription | None = None) -> Plan:
    """The plan whose limits apply now."""
    subscription = subscription or subscription_for(account)
    if subscription.status in PAID_UP or _cancelled_but_paid_for(subscription):
        return get_plan(subscription.plan)
    return get_plan(default_plan_name())


def _cancelled_but_paid_for(subscription: Subscription) -> bool:
    # Cancelling keeps the plan until the paid period ends; unpaid or incomplete never do.
    end = subscription.current_period_end
    return subscription.status == Subscription.Status.CANCELED and end is not None and _now() < end


def billing_period(account, *, subscription: Subscription | None = None) -> Period:
    """The subscription's period while it runs; otherwise the calendar month (UTC)."""
    subscription = subscription or subscription_for(account)
    start, end = subscription.current_period_start, subscription.current_period_end
    now = _now()
    if start and end and start <= now < end:
        return Period(start, end)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    return Period(month_start, next_month)


def used_in_period(account, meter: Meter, period: Period) -> int:
    uses = MeteredUse.objects.filter(user=account, meter=meter)
    return uses.filter(created_at__gte=period.start, created_at__lt=period.end).count()


def _used_by_meter(account, period: Period) -> dict[str, int]:
    rows = (
        MeteredUse.objects.filter(user=account, created_at__gte=period.start)
        .filter(created_at__lt=period.end)
        .values("meter")
        .annotate(count=Count("id"))
    )
    return {row["meter"]: row["count"] for row in rows}


def persona_count(account) -> int:
    from personas.models import Persona  # billing is read by personas' services

    return Persona.objects.filter(owner=account).count()


def limit_of(account, limit_name: str) -> int | None:
    """The plan's number for ``limit_name`` (e.g. "personas"); None means unlimited."""
    return getattr(plan_for(account), limit_name)


def remaining(account, limit_name: str, used: int) -> int | None:
    """How many more ``limit_name`` the plan allows after ``used`` (None: unlimited)."""
    limit = limit_of(account, limit_name)
    return None if limit is None else max(0, limit - used)


def api_requests_per_minute(account) -> int:
    """Requests per minute the account's plan allows each of its API keys.

    Asked on every API request, so the plan's name is kept in the cache for a minute (plan
    changes through billing.services forget it at once).
    """
    key = plan_cache_key(account)
    name = cache.get(key)
    if name is None:
        name = plan_for(account).name
        cache.set(key, name, PLAN_CACHE_SECONDS)
    return get_plan(name).api_requests_per_minute


def plan_cache_key(account) -> str:
    # date_joined tells apart two accounts that got the same id (a database restored or reset).
    return f"billing:plan:{account.pk}:{account.date_joined.timestamp()}"


def counter(limit: int | None, used: int) -> dict:
    """``{"limit", "used", "remaining"}``, with ``"unlimited"`` strings for no limit."""
    if limit is None:
        return {"limit": UNLIMITED, "used": used, "remaining": UNLIMITED}
    return {"limit": limit, "used": used, "remaining": max(0, limit - used)}


def usage_for(account) -> dict:
    """What GET /v1/usage answers: plan, billing period, limits with use, and features."""
    subscription = subscription_for(account)
    plan = plan_for(account, subscription=subscription)
    period = billing_period(account, subscription=subscription)
    used = _used_by_meter(account, period)
    limits = {
        name: counter(getattr(plan, name), used.get(meter, 0))
        for meter, name in METER_LIMIT.items()
    }
    limits["personas"] = counter(plan.personas, persona_count(account))
    for name in ["analyses_per_persona", "regenerations_per_launch"]:
        value = getattr(plan, name)
        limits[name] = {"limit": UNLIMITED if value is None else value}
    return {
        "plan": plan.name,
        "billing_period": {"start": period.start, "end": period.end},
        "limits": limits,
        "features": {
            "can_connect_own_accounts": plan.can_connect_own_accounts,
            "can_post_to_official_accounts": plan.can_post_to_official_accounts,
            "allowed_platforms": list(plan.allowed_platforms),
        },
    }


LIMIT_LABELS = {
    "launches_per_month": "launches this period",
    "ai_images_per_month": "AI images this period",
    "ai_videos_per_month": "AI videos this period",
    "personas": "personas",
}


def limit_notices(account, usage: dict | None = None) -> list[dict]:
    """Counted limits at 80 % or more: ``[{"name", "label", "used", "limit", "full"}]``."""
    usage = usage or usage_for(account)
    notices = []
    for name, label in LIMIT_LABELS.items():
        entry = usage["limits"][name]
        if entry["limit"] == UNLIMITED or entry["used"] < entry["limit"] * WARN_AT:
            continue
        if entry["limit"] == 0 and entry["used"] == 0:
            continue  # not part of the plan at all (e.g. media on free): the plan table says so
        full = entry["used"] >= entry["limit"]
        notices.append({"name": name, "label": label, **entry, "full": full})
    return notices


def _now() -> datetime:
    return timezone.now()
