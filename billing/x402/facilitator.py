"""The x402 facilitator, through the official SDK's HTTP client (httpx underneath).

Production points ``X402_FACILITATOR_URL`` at a real facilitator; the embedded mode at the
sandbox one (``connections/sandbox/x402.py``). Both speak the same ``/verify`` and
``/settle`` JSON, so this module never knows which it talks to.
"""

from __future__ import annotations

import httpx
from django.conf import settings
from x402.http import FacilitatorConfig, HTTPFacilitatorClientSync
from x402.http.facilitator_client_base import CreateHeadersAuthProvider
from x402.schemas import SettleResponse, VerifyResponse

from billing.x402.proofs import Proof


class FacilitatorUnavailable(Exception):
    """The facilitator did not answer, or answered something that is not x402."""


def _client() -> HTTPFacilitatorClientSync:
    auth = None
    if settings.X402_FACILITATOR_API_KEY:
        bearer = {"Authorization": f"Bearer {settings.X402_FACILITATOR_API_KEY}"}
        auth = CreateHeadersAuthProvider(
            lambda: {"verify": bearer, "settle": bearer, "supported": bearer}
        )
    return HTTPFacilitatorClientSync(
        FacilitatorConfig(
            url=settings.X402_FACILITATOR_URL,
            timeout=settings.X402_FACILITATOR_TIMEOUT,
            auth_provider=auth,
        )
    )


def verify(proof: Proof) -> VerifyResponse:
    with _client() as client:
        try:
            return client.verify(proof.payload, proof.requirements)
        except (httpx.HTTPError, ValueError) as exc:  # the SDK raises ValueError on non-200
            raise FacilitatorUnavailable(f"facilitator /verify failed: {exc}") from exc


def settle(proof: Proof) -> SettleResponse:
    with _client() as client:
        try:
            return client.settle(proof.payload, proof.requirements)
        except (httpx.HTTPError, ValueError) as exc:
            raise FacilitatorUnavailable(f"facilitator /settle failed: {exc}") from exc
