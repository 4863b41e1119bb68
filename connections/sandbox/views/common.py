"""What every sandbox platform shares: the consent page, token auth, fault injection."""

from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.http.request import validate_host
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from connections.sandbox import services
from connections.sandbox.models import SandboxFault


def sandbox_only(view):
    """Everything under /sandbox/ answers 404 unless SANDBOX_ENABLED."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not settings.SANDBOX_ENABLED:
            raise Http404("the sandbox is disabled")
        return view(request, *args, **kwargs)

    return wrapped


class Errors:
    """How a platform words its failures; each sandbox platform subclasses it."""

    def unauthorized(self):
        return JsonResponse({"error": "invalid_token"}, status=401)

    def rate_limited(self, retry_after: int, limit: int | None = None):
        response = JsonResponse({"error": "rate_limited"}, status=429)
        response["Retry-After"] = str(retry_after)
        return response

    def server_error(self):
        return JsonResponse({"error": "internal_error"}, status=500)

    def rejected(self):
        return JsonResponse({"error": "rejected"}, status=400)

    def not_found(self):
        return JsonResponse({"error": "not_found"}, status=404)


def api(errors: Errors):
    """Sandbox API endpoint: bearer token required, then one injected fault may fire."""

    def decorator(view):
        @csrf_exempt
        @sandbox_only
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            token = services.authenticate(request.headers.get("Authorization", ""))
            if token is None:
                return errors.unauthorized()
            with services.calls_in_flight.call(token.account.platform):
                # The platform's round trip (SANDBOX_LATENCY_MS ± SANDBOX_JITTER_MS), outside
                # any transaction so a slow answer holds no database lock.
                time.sleep(services.latency_seconds(token.account.platform))
                fault = services.take_fault(token.account)
                if fault is not None:
                    return fault_response(fault, errors)
                request.sandbox_token = token
                try:
                    return view(request, *args, **kwargs)
                except services.PostingTooFast as too_fast:
                    return errors.rate_limited(too_fast.retry_after, limit=too_fast.limit)

        return wrapped

    return decorator


def open_endpoint(view):
    """Token endpoints and uploads: no bearer token (client credentials or signed URLs)."""
    return csrf_exempt(sandbox_only(view))


def fault_response(fault: SandboxFault, errors: Errors):
    kind = fault.kind
    if kind == SandboxFault.Kind.RATE_LIMIT:
        return errors.rate_limited(fault.retry_after)
    if kind == SandboxFault.Kind.TIMEOUT:
        # Answer later than the adapters wait, so they see a real client-side timeout.
        time.sleep(min(settings.PLATFORM_HTTP_TIMEOUT_SECONDS + 0.25, 30))
        return errors.server_error()
    if kind == SandboxFault.Kind.REVOKED:
        return errors.unauthorized()
    if kind == SandboxFault.Kind.REJECTED:
        return errors.rejected()
    return errors.server_error()


@sandbox_only
def authorize(request, platform: str, **_):
    """The platform's consent screen: approve (as a sandbox user) or deny."""
    params = request.GET if request.method == "GET" else request.POST
    redirect_uri = params.get("redirect_uri", "")
    if not _is_own_site(redirect_uri, request):
        return HttpResponseBadRequest("SANDBOX: redirect_uri must point back to this site")
    if request.method == "GET":
        default = request.user.email.split("@")[0] if request.user.is_authenticated else ""
        return _consent_page(request, platform, params, default or "sandbox-user")
    state = params.get("state", "")
    if params.get("decision") != "approve":
        query = {"error": "access_denied", "error_description": "the user denied access"}
        return redirect(f"{redirect_uri}?{urlencode({**query, 'state': state})}")
    person = request.user if request.user.is_authenticated else None
    try:
        account = services.sign_in(
            platform=platform, username=params.get("username", ""), person=person
        )
    except services.SandboxError as error:
        username = params.get("username", "")
        return _consent_page(request, platform, params, username, error=error.message)
    grant = services.grant_code(
        account=account,
        redirect_uri=redirect_uri,
        code_challenge=params.get("code_challenge", ""),
        scope=params.get("scope", ""),
    )
    return redirect(f"{redirect_uri}?{urlencode({'code': grant.code, 'state': state})}")


def _consent_page(request, platform, params, username, *, error=""):
    context = {
        "platform": platform,
        "params": params,
        "client": params.get("client_id") or params.get("client_key", ""),
        "username": username,
        "error": error,
    }
    return render(request, "sandbox/authorize.html", context, status=400 if error else 200)


def _is_own_site(redirect_uri: str, request) -> bool:
    """Only redirect to this deployment (no open redirect), by any host name it answers to."""
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    return parts.netloc == request.get_host() or validate_host(
        parts.hostname, settings.ALLOWED_HOSTS
    )


def token_json(token, **extra) -> dict:
    body = {
        "access_token": token.access_token,
        "token_type": "bearer",
        "scope": token.scope,
        **extra,
    }
    if token.expires_at:
        body["expires_in"] = int(token.expires_at.timestamp() - time.time())
    if token.refresh_token:
        body["refresh_token"] = token.refresh_token
    return body


def body_size(request) -> int:
    upload = request.FILES.get("media") or request.FILES.get("file") or request.FILES.get("source")
    return upload.size if upload else len(request.body or b"")
