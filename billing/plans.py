"""The plans, as data: every limit and feature a plan sets, in one place.

``DEFAULT_PLANS`` are the plans this product ships with. An operator changes a number or adds
a plan through the ``BILLING_PLANS`` setting (JSON: ``{"pro": {"launches_per_month": 400}}``);
a new plan starts from the free plan's values. ``None`` as a limit means unlimited.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

AUTO_POST_PLATFORMS = ("facebook", "linkedin", "twitter", "reddit", "instagram", "tiktok")


@dataclass(frozen=True)
class Plan:
    name: str
    label: str
    price: str  # what the billing page shows, e.g. "$19 / month"
    rank: int  # plans are compared by rank: a higher rank is an upgrade
    # Monthly limits (reset when the billing period does).
    launches_per_month: int | None
    ai_images_per_month: int | None
    ai_videos_per_month: int | None
    # Lifetime and per-resource limits.
    personas: int | None
    analyses_per_persona: int | None
    regenerations_per_launch: int | None
    api_keys: int | None
    webhook_endpoints: int | None
    # Requests per minute per API key: always a number, it protects the server.
    api_requests_per_minute: int
    # Features.
    can_connect_own_accounts: bool
    can_post_to_official_accounts: bool
    allowed_platforms: tuple[str, ...]
    media_generation: bool

    @property
    def stripe_price_id(self) -> str:
        return settings.STRIPE_PRICE_IDS.get(self.name, "")

    @property
    def is_unlimited(self) -> bool:
        return self.launches_per_month is None


DEFAULT_PLANS: dict[str, Plan] = {
    plan.name: plan
    for plan in [
        Plan(
            name="free",
            label="Free",
            price="$0",
            rank=0,
            launches_per_month=5,
            ai_images_per_month=0,
            ai_videos_per_month=0,
            personas=1,
            analyses_per_persona=1,
            regenerations_per_launch=2,
            api_keys=10,
            webhook_endpoints=10,
            api_requests_per_minute=30,
            can_connect_own_accounts=True,
            can_post_to_official_accounts=True,
            allowed_platforms=AUTO_POST_PLATFORMS,
            media_generation=False,
        ),
        Plan(
            name="starter",
            label="Starter",
            price="$19 / month",
            rank=1,
            launches_per_month=50,
            ai_images_per_month=100,
            ai_videos_per_month=20,
            personas=10,
            analyses_per_persona=3,
            regenerations_per_launch=5,
            api_keys=10,
            webhook_endpoints=10,
            api_requests_per_minute=60,
            can_connect_own_accounts=True,
            can_post_to_official_accounts=True,
            allowed_platforms=AUTO_POST_PLATFORMS,
            media_generation=True,
        ),
        Plan(
            name="pro",
            label="Pro",
            price="$49 / month",
            rank=2,
            launches_per_month=200,
            ai_images_per_month=500,
            ai_videos_per_month=100,
            personas=50,
            analyses_per_persona=10,
            regenerations_per_launch=20,
            api_keys=10,
            webhook_endpoints=10,
            api_requests_per_minute=300,
            can_connect_own_accounts=True,
            can_post_to_official_accounts=True,
            allowed_platforms=AUTO_POST_PLATFORMS,
            media_generation=True,
        ),
        Plan(
            name="unlimited",
            label="Unlimited",
            price="self-hosted",
            rank=3,
            launches_per_month=None,
            ai_images_per_month=None,
            ai_videos_per_month=None,
            personas=None,
            analyses_per_persona=None,
            regenerations_per_launch=None,
            api_keys=10,
            webhook_endpoints=10,
            api_requests_per_minute=1000,
            can_connect_own_accounts=True,
            can_post_to_official_accounts=True,
            allowed_platforms=AUTO_POST_PLATFORMS,
            media_generation=True,
        ),
    ]
}

FIELD_NAMES = {field.name for field in fields(Plan)}


def all_plans() -> dict[str, Plan]:
    """Every plan, the settings' overrides applied, cheapest first."""
    plans = dict(DEFAULT_PLANS)
    for name, overrides in settings.BILLING_PLANS.items():
        unknown = set(overrides) - FIELD_NAMES
        if unknown:
            raise ImproperlyConfigured(f"BILLING_PLANS[{name!r}]: unknown {sorted(unknown)}")
        values = dict(overrides, name=name)
        if "allowed_platforms" in values:
            values["allowed_platforms"] = tuple(values["allowed_platforms"])
        base = plans.get(name) or replace(DEFAULT_PLANS["free"], label=name.title())
        plans[name] = replace(base, **values)
    return dict(sorted(plans.items(), key=lambda item: item[1].rank))


def get_plan(name: str) -> Plan:
    """The plan called ``name``; an unknown name (a plan removed from settings) is the default."""
    plans = all_plans()
    return plans.get(name) or plans[default_plan_name()]


def default_plan_name() -> str:
    if settings.DEFAULT_PLAN not in all_plans():
        raise ImproperlyConfigured(f"DEFAULT_PLAN={settings.DEFAULT_PLAN!r} is not a plan")
    return settings.DEFAULT_PLAN
