"""Read an x402 payment header and check it against our requirements before the facilitator.

The facilitator checks the signature (and on a chain, the balance); the terms are ours to
hold: scheme, network, asset, amount, recipient and the validity window. A proof that breaks
one never reaches the facilitator.
"""

from __future__ import annotations

import binascii
import re
import time
from dataclasses import dataclass

from eth_utils import is_address, to_checksum_address
from pydantic import ValidationError
from x402.http.utils import decode_payment_signature_header
from x402.schemas import PaymentPayload, PaymentRequirements
from x402.schemas.v1 import PaymentPayloadV1, PaymentRequirementsV1

from billing.x402 import requirements as terms

HEADER_V2 = "PAYMENT-SIGNATURE"
HEADER_V1 = "X-PAYMENT"
MAX_HEADER_LENGTH = 8192
NONCE = re.compile(r"^0x[0-9a-fA-F]{64}$")


class InvalidProof(Exception):
    """The payment header cannot pay for this request; the message says why."""


@dataclass(frozen=True)
class Proof:
    version: int
    payload: PaymentPayload | PaymentPayloadV1
    requirements: PaymentRequirements | PaymentRequirementsV1
    payer: str  # checksummed address from the signed authorization
    nonce: str
    amount: str
    valid_before: int

    @property
    def response_header(self) -> str:
        return "PAYMENT-RESPONSE" if self.version == 2 else "X-PAYMENT-RESPONSE"


def header_of(request) -> str | None:
    return request.headers.get(HEADER_V2) or request.headers.get(HEADER_V1)


def read(request, resource_url: str) -> Proof | None:
    """The request's payment proof, checked against our terms; None when it carries none."""
    header = header_of(request)
    if not header:
        return None
    payload = _decode(header.strip())
    if isinstance(payload, PaymentPayloadV1):
        required = terms.requirements_v1(resource_url)
        _check_v1_terms(payload)
    else:
        required = terms.requirements_v2()
        _check_v2_terms(payload.accepted, required)
    return _proof(payload, required)


def claimed_payer(request) -> str | None:
    """The payer a header claims, unverified: what the per-wallet rate limit counts."""
    header = header_of(request)
    if not header:
        return None
    try:
        authorization = _decode(header.strip()).payload.get("authorization") or {}
    except InvalidProof:
        return None
    payer = authorization.get("from")
    return to_checksum_address(payer) if isinstance(payer, str) and is_address(payer) else None


def _decode(header: str) -> PaymentPayload | PaymentPayloadV1:
    if len(header) > MAX_HEADER_LENGTH:
        raise InvalidProof("the payment header is too long")
    try:
        payload = decode_payment_signature_header(header)
    except (binascii.Error, UnicodeDecodeError, ValueError, ValidationError, TypeError):
        raise InvalidProof("the payment header is not a base64 JSON x402 payment payload") from None
    if not isinstance(payload.payload, dict):
        raise InvalidProof("the payment payload has no authorization")
    return payload


def _check_v1_terms(payload: PaymentPayloadV1) -> None:
    if payload.scheme != terms.SCHEME:
        raise InvalidProof(f"unsupported scheme {payload.scheme!r}: pay with {terms.SCHEME!r}")
    if payload.network != terms.NETWORK_V1:
        raise InvalidProof(f"wrong network {payload.network!r}: pay on {terms.NETWORK_V1!r}")


def _check_v2_terms(accepted: PaymentRequirements, required: PaymentRequirements) -> None:
    for field in ("scheme", "network", "amount"):
        if getattr(accepted, field) != getattr(required, field):
            raise InvalidProof(f"the payment's {field} does not match the requirements")
    if accepted.asset.lower() != required.asset.lower():
        raise InvalidProof("the payment's asset is not USDC on Base")
    if accepted.pay_to.lower() != required.pay_to.lower():
        raise InvalidProof("the payment's payTo is not this server's address")


def _proof(payload, required) -> Proof:
    authorization = payload.payload.get("authorization")
    signature = payload.payload.get("signature")
    if not isinstance(authorization, dict) or not isinstance(signature, str):
        raise InvalidProof("the payment payload needs an EIP-3009 authorization and signature")
    payer, to = authorization.get("from"), authorization.get("to")
    if not (isinstance(payer, str) and is_address(payer)):
        raise InvalidProof("the authorization's from is not an address")
    if not (isinstance(to, str) and to.lower() == required.pay_to.lower()):
        raise InvalidProof("the authorization does not pay this server's address")
    if str(authorization.get("value")) != terms.price():
        raise InvalidProof(f"the authorization's value must be exactly {terms.price()}")
    nonce = authorization.get("nonce")
    if not (isinstance(nonce, str) and NONCE.match(nonce)):
        raise InvalidProof("the authorization's nonce is not 32 bytes of hex")
    valid_after, valid_before = _window(authorization)
    now = time.time()
    if now < valid_after:
        raise InvalidProof("the authorization is not valid yet (validAfter)")
    if now >= valid_before:
        raise InvalidProof("the authorization has expired (validBefore)")
    return Proof(
        version=payload.x402_version,
        payload=payload,
        requirements=required,
        payer=to_checksum_address(payer),
        nonce=nonce.lower(),
        amount=terms.price(),
        valid_before=valid_before,
    )


def _window(authorization: dict) -> tuple[int, int]:
    try:
        return int(authorization.get("validAfter")), int(authorization.get("validBefore"))
    except (TypeError, ValueError):
        raise InvalidProof("validAfter and validBefore must be Unix times") from None
