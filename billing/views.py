"""Settings -> Billing: plan, usage, plan comparison, Stripe Checkout and Portal; the webhook."""

import logging

import stripe
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from billing import payments, selectors, services
from billing.plans import all_plans

log = logging.getLogger(__name__)

COUNTED = ["launches_per_month", "ai_images_per_month", "ai_videos_per_month", "personas"]
MONTHLY = {"launches_per_month", "ai_images_per_month", "ai_videos_per_month"}


@login_required
@require_GET
def index(request):
    subscription = selectors.subscription_for(request.user)
    usage = selectors.usage_for(request.user)
    current = all_plans().get(usage["plan"])
    if request.GET.get("checkout") == "done":
        messages.success(request, "Thanks! Your plan changes as soon as Stripe confirms it.")
    context = {
        "usage": usage,
        "plan": current,
        "subscription": subscription,
        "meters": _meters(usage),
        "notices": selectors.limit_notices(request.user, usage),
        "period_end": usage["billing_period"]["end"],
        "plans": _comparison(current),
        "stripe_configured": payments.stripe_configured(),
        "has_stripe_customer": bool(subscription.stripe_customer_id),
    }
    return render(request, "billing/index.html", context)


def _meters(usage: dict) -> list[dict]:
    rows = []
    for name in COUNTED:
        entry = usage["limits"][name]
        unlimited = entry["limit"] == selectors.UNLIMITED
        rows.append(
            {
                "name": name,
                "label": selectors.LIMIT_LABELS[name],
                "monthly": name in MONTHLY,
                "unlimited": unlimited,
                "percent": 0
                if unlimited or not entry["limit"]
                else min(100, round(100 * entry["used"] / entry["limit"])),
                **entry,
            }
        )
    return rows


def _comparison(current) -> list[dict]:
    rows = []
    for plan in all_plans().values():
        rows.append(
            {
                "plan": plan,
                "current": current is not None and plan.name == current.name,
                "upgrade": current is not None and plan.rank > current.rank,
                "for_sale": bool(plan.stripe_price_id),
            }
        )
    return rows


@login_required
@require_POST
def checkout(request, plan_name: str):
    """Send the person to Stripe Checkout (or the Portal when they already pay Stripe)."""
    subscription = selectors.subscription_for(request.user)
    if subscription.stripe_subscription_id and subscription.status in selectors.PAID_UP:
        return portal(request)  # a running subscription changes plan in the portal
    back = request.build_absolute_uri(reverse("billing:index"))
    try:
        url = services.start_checkout(
            account=request.user,
            plan_name=plan_name,
            success_url=f"{back}?checkout=done",
            cancel_url=back,
        )
    except payments.BillingUnavailable as exc:
        messages.error(request, f"Could not start the upgrade: {exc}.")
        return redirect("billing:index")
    return redirect(url)


@login_required
@require_POST
def portal(request):
    back = request.build_absolute_uri(reverse("billing:index"))
    try:
        url = services.start_portal(account=request.user, return_url=back)
    except payments.BillingUnavailable as exc:
        messages.error(request, f"Could not open the Stripe customer portal: {exc}.")
        return redirect("billing:index")
    return redirect(url)


@csrf_exempt  # Stripe signs the request instead
@require_POST
def stripe_webhook(request):
    try:
        event = payments.verified_event(request.body, request.headers.get("Stripe-Signature", ""))
    except (ValueError, stripe.SignatureVerificationError) as exc:
        log.warning("Stripe webhook refused: %s", exc)
        return HttpResponseBadRequest("invalid payload or signature")
    services.apply_stripe_event(event)
    return HttpResponse(status=200)
