"""The sandbox x402 facilitator: verifies exact-scheme EVM payments locally, settles nothing.

It answers the facilitator API (``/verify``, ``/settle``, ``/supported``) the way a real one
does, so ``billing.x402`` runs unchanged against it. Verification is real: the EIP-3009
``TransferWithAuthorization`` EIP-712 signature is recovered with eth-account, and amount,
asset, recipient, validity window and nonce are checked. Settlement only records the payment
(``SandboxX402Settlement``): no chain, no USDC moves, and every transaction says "sandbox".
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import is_address, to_checksum_address
from pydantic import ValidationError
from x402.schemas.helpers import parse_payment_payload, parse_payment_requirements

from connections.sandbox.models import SandboxX402Fault, SandboxX402Settlement

CHAIN_ID = 8453  # Base mainnet, the only chain this sandbox pretends to be
NETWORKS = {1: "base", 2: "eip155:8453"}
USDC = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
VALID_BEFORE_MARGIN = 6  # seconds, like the SDK's facilitator: time to get on a chain
TRANSFER_WITH_AUTHORIZATION = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "validAfter", "type": "uint256"},
    {"name": "validBefore", "type": "uint256"},
    {"name": "nonce", "type": "bytes32"},
]
SANDBOX_NOTE = {"sandbox": True, "note": "dropspace sandbox facilitator: no chain, no funds"}


class Refused(Exception):
    def __init__(self, reason: str, payer: str | None = None, message: str = ""):
        super().__init__(reason)
        self.reason, self.payer, self.message = reason, payer, message


@dataclass(frozen=True)
class Checked:
    payer: str
    pay_to: str
    amount: str
    nonce: str
    network: str


def supported() -> dict:
    kinds = [
        {"x402Version": version, "scheme": "exact", "network": network}
        for version, network in NETWORKS.items()
    ]
    return {"kinds": kinds, "extensions": [], "signers": {}}


def verify(body: dict) -> dict:
    try:
        checked = check(body)
    except Refused as refused:
        return _invalid(refused)
    return {"isValid": True, "payer": checked.payer, "extra": SANDBOX_NOTE}


def settle(body: dict) -> dict:
    network = _requested_network(body)
    try:
        checked = check(body)
        fault = SandboxX402Fault.objects.filter(payer=checked.payer).first()
        if fault is not None:
            raise Refused(fault.reason, checked.payer, "sandbox fault injected for this payer")
        tx = _record(checked)
    except Refused as refused:
        return {
            "success": False,
            "errorReason": refused.reason,
            "errorMessage": refused.message or refused.reason,
            "payer": refused.payer,
            "transaction": "",
            "network": network,
            "extra": SANDBOX_NOTE,
        }
    return {
        "success": True,
        "payer": checked.payer,
        "transaction": tx,
        "network": network,
        "amount": checked.amount,
        "extra": SANDBOX_NOTE,
    }


def _invalid(refused: Refused) -> dict:
    response = {"isValid": False, "invalidReason": refused.reason, "extra": SANDBOX_NOTE}
    if refused.message:
        response["invalidMessage"] = refused.message
    if refused.payer:
        response["payer"] = refused.payer
    return response


def _requested_network(body: dict) -> str:
    requirements = body.get("paymentRequirements") if isinstance(body, dict) else None
    network = requirements.get("network") if isinstance(requirements, dict) else None
    return network if isinstance(network, str) else NETWORKS[2]


def _record(checked: Checked) -> str:
    digest = hashlib.sha256(f"{checked.payer}:{checked.nonce}".encode()).hexdigest()
    tx = f"sandbox:0x{digest}"
    try:
        with transaction.atomic():
            SandboxX402Settlement.objects.create(
                network=checked.network,
                payer=checked.payer,
                pay_to=checked.pay_to,
                asset=USDC,
                amount=checked.amount,
                nonce=checked.nonce,
                transaction=tx,
            )
    except IntegrityError:
        raise Refused("invalid_exact_evm_nonce_already_used", checked.payer) from None
    return tx


# --- verification --------------------------------------------------------------------------


def check(body: dict) -> Checked:
    """Every rule a payment must pass; raises Refused with the x402 error reason."""
    payload, requirements = _parse(body)
    authorization = payload.payload.get("authorization") or {}
    payer = authorization.get("from")
    if not (isinstance(payer, str) and is_address(payer)):
        raise Refused("invalid_payload")
    payer = to_checksum_address(payer)
    _check_terms(payload, requirements, payer)
    _check_amounts(payload.x402_version, authorization, requirements, payer)
    _check_window(authorization, payer)
    _check_signature(authorization, payload.payload.get("signature"), requirements, payer)
    nonce = str(authorization.get("nonce")).lower()
    if SandboxX402Settlement.objects.filter(payer=payer, nonce=nonce).exists():
        raise Refused("invalid_exact_evm_nonce_already_used", payer)
    return Checked(
        payer=payer,
        pay_to=to_checksum_address(requirements.pay_to),
        amount=str(authorization.get("value")),
        nonce=nonce,
        network=requirements.network,
    )


def _parse(body):
    if not (
        isinstance(body, dict)
        and isinstance(body.get("paymentPayload"), dict)
        and isinstance(body.get("paymentRequirements"), dict)
    ):
        raise Refused("invalid_payload")
    try:
        payload = parse_payment_payload(body.get("paymentPayload"))
        requirements = parse_payment_requirements(
            payload.x402_version, body.get("paymentRequirements")
        )
    except (ValidationError, ValueError, TypeError):
        raise Refused("invalid_payload") from None
    if body.get("x402Version") != payload.x402_version:
        raise Refused("invalid_x402_version")
    return payload, requirements


def _check_terms(payload, requirements, payer: str) -> None:
    if payload.get_scheme() != "exact" or requirements.scheme != "exact":
        raise Refused("unsupported_scheme", payer)
    expected = NETWORKS.get(payload.x402_version)
    if payload.get_network() != expected or requirements.network != expected:
        raise Refused("network_mismatch", payer, f"the sandbox settles only on {expected}")
    if requirements.asset.lower() != USDC.lower():
        raise Refused("invalid_exact_evm_failed_to_get_asset_info", payer, "USDC on Base only")
    extra = requirements.extra or {}
    if not (extra.get("name") and extra.get("version")):
        raise Refused("missing_eip712_domain", payer)


def _check_amounts(version: int, authorization: dict, requirements, payer: str) -> None:
    to = authorization.get("to")
    if not (isinstance(to, str) and to.lower() == requirements.pay_to.lower()):
        raise Refused("invalid_exact_evm_payload_recipient_mismatch", payer)
    try:
        value, required = int(authorization.get("value")), int(requirements.get_amount())
    except (TypeError, ValueError):
        raise Refused("invalid_payload", payer) from None
    # v1 lets a payment meet or exceed the amount; v2 wants it exact.
    if value < required or (version == 2 and value != required):
        raise Refused("invalid_exact_evm_payload_authorization_value_mismatch", payer)


def _check_window(authorization: dict, payer: str) -> None:
    try:
        valid_after = int(authorization.get("validAfter"))
        valid_before = int(authorization.get("validBefore"))
    except (TypeError, ValueError):
        raise Refused("invalid_payload", payer) from None
    now = int(time.time())
    if valid_before < now + VALID_BEFORE_MARGIN:
        raise Refused("invalid_exact_evm_payload_authorization_valid_before", payer)
    if valid_after > now:
        raise Refused("invalid_exact_evm_payload_authorization_valid_after", payer)


def _check_signature(authorization: dict, signature, requirements, payer: str) -> None:
    extra = requirements.extra or {}
    try:
        signable = encode_typed_data(
            domain_data={
                "name": extra["name"],
                "version": extra["version"],
                "chainId": CHAIN_ID,
                "verifyingContract": to_checksum_address(requirements.asset),
            },
            message_types={"TransferWithAuthorization": TRANSFER_WITH_AUTHORIZATION},
            message_data={
                "from": payer,
                "to": to_checksum_address(authorization["to"]),
                "value": int(authorization["value"]),
                "validAfter": int(authorization["validAfter"]),
                "validBefore": int(authorization["validBefore"]),
                "nonce": bytes.fromhex(str(authorization["nonce"]).removeprefix("0x")),
            },
        )
        signer = Account.recover_message(signable, signature=signature)
    except Exception:  # eth-account raises many types for a malformed signature or nonce
        raise Refused("invalid_exact_evm_payload_signature", payer) from None
    if signer.lower() != payer.lower():
        raise Refused("invalid_exact_evm_payload_signature", payer)
