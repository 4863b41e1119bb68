"""What a wallet pays for a launch, in the shapes the official x402 v1 and v2 clients read."""

from __future__ import annotations

from django.conf import settings
from x402.http.utils import encode_payment_required_header
from x402.schemas import PaymentRequired, PaymentRequirements, ResourceInfo
from x402.schemas.v1 import PaymentRequirementsV1

SCHEME = "exact"
NETWORK = "eip155:8453"  # Base mainnet, CAIP-2 (x402 v2)
NETWORK_V1 = "base"  # the same chain by its x402 v1 name: v1 clients refuse "eip155:8453"
USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"  # USDC on Base, 6 decimals
USDC_DOMAIN = {"name": "USD Coin", "version": "2"}  # the token's EIP-712 domain
MAX_TIMEOUT_SECONDS = 300
MIME_TYPE = "application/json"
DESCRIPTION = (
    "dropspace API access for an x402 wallet. Only a launch creation past the free tier "
    "(3 per calendar month per wallet) is charged: $0.50 USDC on Base. Reads, updates, "
    "publishing and status checks are free with a valid payment proof."
)
REQUIRED_HEADERS = "PAYMENT-SIGNATURE (x402 v2) or X-PAYMENT (x402 v1)"


def enabled() -> bool:
    """Wallet auth is on when a facilitator and a pay-to address are configured."""
    return bool(settings.X402_FACILITATOR_URL and settings.X402_PAY_TO)


def price() -> str:
    return str(settings.X402_PRICE_ATOMIC)


def price_label() -> str:
    return f"${settings.X402_PRICE_ATOMIC / 1_000_000:.2f} USDC"


def requirements_v2() -> PaymentRequirements:
    return PaymentRequirements(
        scheme=SCHEME,
        network=NETWORK,
        asset=USDC,
        amount=price(),
        pay_to=settings.X402_PAY_TO,
        max_timeout_seconds=MAX_TIMEOUT_SECONDS,
        extra=dict(USDC_DOMAIN),
    )


def requirements_v1(resource_url: str) -> PaymentRequirementsV1:
    return PaymentRequirementsV1(
        scheme=SCHEME,
        network=NETWORK_V1,
        max_amount_required=price(),
        resource=resource_url,
        description=DESCRIPTION,
        mime_type=MIME_TYPE,
        pay_to=settings.X402_PAY_TO,
        max_timeout_seconds=MAX_TIMEOUT_SECONDS,
        asset=USDC,
        extra=dict(USDC_DOMAIN),
    )


def payment_required(resource_url: str, error: str) -> PaymentRequired:
    return PaymentRequired(
        x402_version=2,
        error=error,
        resource=ResourceInfo(url=resource_url, description=DESCRIPTION, mime_type=MIME_TYPE),
        accepts=[requirements_v2()],
    )


def challenge(resource_url: str, error: str) -> tuple[dict, dict[str, str]]:
    """The 402's extra body fields (v1) and headers (v2) for ``resource_url``.

    The body keeps the API's error envelope and adds v1's top-level ``x402Version`` and
    ``accepts``; v2 clients read the ``PAYMENT-REQUIRED`` header first.
    """
    body = {
        "x402Version": 1,
        "accepts": [
            requirements_v1(resource_url).model_dump(by_alias=True, exclude_none=True, mode="json")
        ],
    }
    headers = {
        "PAYMENT-REQUIRED": encode_payment_required_header(payment_required(resource_url, error)),
        "Access-Control-Expose-Headers": "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE",
        "Cache-Control": "no-store",
    }
    return body, headers
