"""/docs/x402: the guide for agent developers paying per launch with a wallet."""

from django.conf import settings
from django.shortcuts import render

from billing.plans import WALLET_PLAN, get_plan
from billing.x402 import requirements as terms


def docs(request):
    """How to pay with the official Python and JavaScript x402 clients; no account needed."""
    return render(
        request,
        "billing/x402_docs.html",
        {
            "enabled": terms.enabled(),
            "sandbox": settings.SANDBOX_ENABLED
            and settings.X402_FACILITATOR_URL.startswith(settings.SANDBOX_BASE_URL),
            "site_url": settings.SITE_URL,
            "free": get_plan(WALLET_PLAN).launches_per_month,
            "price": terms.price_label(),
            "amount": terms.price(),
            "asset": terms.USDC,
            "pay_to": settings.X402_PAY_TO or "0x...",
        },
    )
