"""Per-key rate limiting and Idempotency-Key handling for every request under /v1/.

They run as middleware, before any view, so that a replayed or throttled request costs no
work and every API response carries the rate-limit headers.
"""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.utils import timezone

from billing.x402 import proofs as x402_proofs
from developer import ratelimit
from developer.authentication import bearer_token, resolve_api_key
from developer.models import IdempotencyRecord
from dropspace.api.errors import Code, error_body
from dropspace.api.exceptions import body_too_large

logger = logging.getLogger(__name__)
API_PREFIX = "/v1/"
# An in-progress record older than this is from a process that died: the key may be reused.
STALE_IN_PROGRESS = timedelta(minutes=5)
MAX_KEY_LENGTH = 255


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def _error(code: Code, message: str | None = None, headers: dict | None = None) -> JsonResponse:
    response = JsonResponse(error_body(code, message or code.default_message), status=code.status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class RateLimitHeadersMiddleware:
    """Count each API request against its key's per-minute limit; 429 RATE_001 beyond it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api_key = resolve_api_key(request) if _is_api(request) else None
        if api_key is not None:
            state = ratelimit.consume(f"key:{api_key.pk}", ratelimit.limit_for(api_key))
        elif (
            _is_api(request)
            and bearer_token(request) is None
            and (wallet := x402_proofs.claimed_payer(request))
        ):
            # Counted by the payer the proof names, before it is verified: a flood of proofs
            # never reaches the facilitator.
            state = ratelimit.consume(f"wallet:{wallet}", ratelimit.wallet_limit())
        else:
            return self.get_response(request)
        if state.allowed:
            response = self.get_response(request)
        else:
            response = _error(
                Code.RATE_001,
                f"rate limit of {state.limit} requests per minute exceeded; "
                f"retry in {state.reset_after}s",
                {"Retry-After": str(state.reset_after)},
            )
        for name, value in state.headers().items():
            response[name] = value
        return response


class IdempotencyMiddleware:
    """Stripe-style ``Idempotency-Key`` on POST: replay, 409 while running, 422 on mismatch.

    Only successful (2xx) responses are remembered: a failed request changed nothing, so
    retrying it with the same key runs it again. Keys live 24 hours, scoped to the credential.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key")
        if not (key and request.method == "POST" and _is_api(request)):
            return self.get_response(request)
        if resolve_api_key(request) is None:
            return self.get_response(request)  # the view answers 401
        key = key.strip().strip('"')  # accept the IETF structured-field form "..." too
        if not key or len(key) > MAX_KEY_LENGTH:
            return _error(Code.SERVER_002, "Idempotency-Key must be 1-255 characters")

        scope = hashlib.sha256(bearer_token(request).encode()).hexdigest()
        try:
            fingerprint = _fingerprint(request)
        except RequestDataTooBig:
            too_large = body_too_large()
            return JsonResponse(too_large.as_body(), status=too_large.status)
        record, conflict = _claim(scope, key, fingerprint)
        if conflict is not None:
            return conflict
        try:
            response = self.get_response(request)
        except BaseException:
            record.delete()
            raise
        _remember(record, response)
        return response


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.path.encode())
    digest.update(b"\0")
    digest.update(request.body)
    return digest.hexdigest()


def _claim(scope: str, key: str, fingerprint: str):
    """Insert the in-progress record, or return the response an earlier use of the key decides."""
    expires_before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    IdempotencyRecord.objects.filter(scope=scope, key=key, created_at__lt=expires_before).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(scope=scope, key=key, fingerprint=fingerprint)
        return record, None
    except IntegrityError:
        pass
    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
    if existing is None:  # it was released in between: try once more
        return _claim(scope, key, fingerprint)
    if existing.fingerprint != fingerprint:
        return None, _error(Code.IDEMPOTENCY_002)
    if not existing.is_complete:
        if timezone.now() - existing.created_at < STALE_IN_PROGRESS:
            return None, _error(Code.IDEMPOTENCY_001)
        existing.created_at = timezone.now()
        existing.save(update_fields=["created_at"])
        return existing, None
    return None, _replay(existing)


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body),
        status=record.response_status,
        content_type=record.response_content_type,
    )
    response["Idempotency-Replayed"] = "true"
    return response


def _remember(record: IdempotencyRecord, response) -> None:
    if 200 <= response.status_code < 300:
        record.response_status = response.status_code
        record.response_body = response.content
        record.response_content_type = response.get("Content-Type", "application/json")
        record.save(update_fields=["response_status", "response_body", "response_content_type"])
    else:
        record.delete()
