"""Wallet accounts, x402 authentication of API requests, and settling paid launch creations.

A request with a payment proof is authenticated by its payer: the proof is checked against
our terms, verified by the facilitator, and its nonce recorded once (``X402Payment``'s unique
constraint) before the request runs. Only a launch creation past the wallet's free tier is
settled, after the launch exists; the API undoes the creation when settlement fails.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone
from x402.http.utils import encode_payment_response_header
from x402.schemas import SettleResponse

from billing import selectors
from billing.models import Meter, Subscription, Wallet, X402Payment
from billing.plans import WALLET_PLAN
from billing.x402 import facilitator, proofs
from billing.x402 import requirements as terms
from dropspace.api.errors import ApiError, Code

log = logging.getLogger(__name__)
WALLET_EMAIL_DOMAIN = "wallet.x402.invalid"  # .invalid never delivers: no mail, no sign-in
WALLET_SCOPES = frozenset({"read", "write", "delete", "publish"})


class PaymentError(ApiError):
    """402 with the payment requirements, in the x402 v1 body and the v2 header."""

    def __init__(self, code: Code, message: str, *, resource_url: str, headers=None):
        self.x402_body, challenge_headers = terms.challenge(resource_url, message)
        super().__init__(code, message, headers={**challenge_headers, **(headers or {})})

    def as_body(self) -> dict:
        return {**super().as_body(), **self.x402_body}


@dataclass
class WalletCredential:
    """``request.auth`` of a wallet-authenticated request (an ApiKey's stand-in)."""

    wallet: Wallet
    proof: proofs.Proof
    payment: X402Payment
    resource_url: str

    def has_scope(self, scope: str) -> bool:
        return scope in WALLET_SCOPES


def resource_url(request) -> str:
    return settings.SITE_URL + request.path


def authenticate(request) -> WalletCredential:
    """The wallet a request's payment proof identifies; raises 402 PaymentError otherwise."""
    url = resource_url(request)
    try:
        proof = proofs.read(request, url)
    except proofs.InvalidProof as exc:
        raise PaymentError(
            Code.PAYMENT_002, f"payment verification failed: {exc}", resource_url=url
        ) from None
    if proof is None:
        raise PaymentError(
            Code.PAYMENT_001,
            "payment required: send an API key, or an x402 payment proof in "
            f"{terms.REQUIRED_HEADERS} (free for the first 3 launches a month, then "
            f"{terms.price_label()} per launch)",
            resource_url=url,
        )
    if _nonce_used(proof):
        raise _replayed(url)
    _verify(proof, url)
    wallet = wallet_for(proof.payer)
    payment = _record(wallet, proof, request, url)
    return WalletCredential(wallet=wallet, proof=proof, payment=payment, resource_url=url)


def _nonce_used(proof: proofs.Proof) -> bool:
    return X402Payment.objects.filter(
        network=terms.NETWORK, wallet__address=proof.payer, nonce=proof.nonce
    ).exists()


def _replayed(url: str) -> PaymentError:
    return PaymentError(
        Code.PAYMENT_002,
        "payment verification failed: this authorization was already used; sign a new one",
        resource_url=url,
    )


def _verify(proof: proofs.Proof, url: str) -> None:
    try:
        result = facilitator.verify(proof)
    except facilitator.FacilitatorUnavailable as exc:
        log.warning("x402 verify unavailable: %s", exc)
        raise PaymentError(
            Code.PAYMENT_002,
            "payment verification failed: the payment facilitator is unavailable, retry later",
            resource_url=url,
        ) from None
    if not result.is_valid:
        reason = result.invalid_message or result.invalid_reason or "invalid payment"
        raise PaymentError(
            Code.PAYMENT_002, f"payment verification failed: {reason}", resource_url=url
        )
    if result.payer and result.payer.lower() != proof.payer.lower():
        raise PaymentError(
            Code.PAYMENT_002,
            "payment verification failed: the facilitator names another payer",
            resource_url=url,
        )


def wallet_for(address: str) -> Wallet:
    """The wallet's account, created on first use: no password, on the x402 wallet plan."""
    wallet = Wallet.objects.select_related("user").filter(address=address).first()
    if wallet is not None:
        return wallet
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_user(
                email=f"{address.lower()}@{WALLET_EMAIL_DOMAIN}", password=None, name=address
            )
            Subscription.objects.create(user=user, plan=WALLET_PLAN)
            return Wallet.objects.create(address=address, user=user)
    except IntegrityError:  # a concurrent first request created it
        return Wallet.objects.select_related("user").get(address=address)


def _record(wallet: Wallet, proof: proofs.Proof, request, url: str) -> X402Payment:
    try:
        with transaction.atomic():
            return X402Payment.objects.create(
                wallet=wallet,
                network=terms.NETWORK,
                nonce=proof.nonce,
                x402_version=proof.version,
                amount=proof.amount,
                valid_before=datetime.fromtimestamp(proof.valid_before, tz=UTC),
                request=f"{request.method} {request.path}"[:200],
                facilitator=settings.X402_FACILITATOR_URL[:300],
            )
    except IntegrityError:  # the same authorization, sent twice at once
        raise _replayed(url) from None


# --- launch creations ----------------------------------------------------------------------


def must_pay_for_launch(credential: WalletCredential) -> bool:
    """True once the wallet's free launches of this calendar month are used up."""
    user = credential.wallet.user
    plan = selectors.plan_for(user)
    used = selectors.used_in_period(user, Meter.LAUNCHES, selectors.billing_period(user))
    return plan.launches_per_month is not None and used >= plan.launches_per_month


def settle_launch(*, credential: WalletCredential, launch_id) -> dict[str, str]:
    """Settle the proof for a created launch; the response headers carrying the result.

    Raises 402 PAYMENT_002 (with the failed settlement in the response header) when the
    facilitator does not settle: the caller undoes the creation.
    """
    proof, payment = credential.proof, credential.payment
    try:
        result = facilitator.settle(proof)
    except facilitator.FacilitatorUnavailable as exc:
        log.warning("x402 settle unavailable: %s", exc)
        result = SettleResponse(
            success=False,
            error_reason="unexpected_settle_error",
            error_message="the payment facilitator is unavailable",
            transaction="",
            network=proof.requirements.network,
            payer=proof.payer,
        )
    headers = {proof.response_header: encode_payment_response_header(result)}
    headers["Access-Control-Expose-Headers"] = "PAYMENT-RESPONSE, X-PAYMENT-RESPONSE"
    payment.settled_at = timezone.now()
    payment.transaction = result.transaction[:100]
    if result.success:
        payment.status = X402Payment.Status.SETTLED
        payment.launch_id = str(launch_id)
        payment.save(update_fields=["status", "launch_id", "transaction", "settled_at"])
        return headers
    payment.status = X402Payment.Status.SETTLEMENT_FAILED
    reason = result.error_message or result.error_reason or "settlement failed"
    payment.error_reason = reason[:300]
    payment.save(update_fields=["status", "error_reason", "transaction", "settled_at"])
    raise PaymentError(
        Code.PAYMENT_002,
        f"payment settlement failed: {reason}; the launch was not created",
        resource_url=credential.resource_url,
        headers=headers,
    )
