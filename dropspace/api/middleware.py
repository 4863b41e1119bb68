"""Every /v1/ response is JSON: an error Django answers on its own (a 400 for a body it refuses
to read, a 403 from CSRF, its 500 page) is re-rendered in the API's error envelope."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from dropspace.api.errors import Code, error_body
from dropspace.api.exceptions import body_too_large

API_PREFIX = "/v1/"
# Status -> the catalog code a Django-made error page under /v1/ is answered with.
_CODES = {
    400: Code.SERVER_002,
    401: Code.AUTH_001,
    403: Code.AUTH_003,
    404: Code.SERVER_003,
    405: Code.SERVER_004,
    409: Code.SERVER_009,
    429: Code.RATE_001,
}


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(API_PREFIX):
            limit = body_limit(request)
            if _content_length(request) > limit:
                refused = body_too_large(limit)
                return JsonResponse(refused.as_body(), status=refused.status)
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        code = _CODES.get(response.status_code)
        if code is None:
            code = Code.SERVER_001 if response.status_code >= 500 else Code.SERVER_002
        json = JsonResponse(error_body(code, code.default_message), status=response.status_code)
        for header in ("Retry-After", "Allow", "WWW-Authenticate"):
            if header in response:
                json[header] = response[header]
        return json


def body_limit(request) -> int:
    """The largest body this API route reads: views that take base64 media inline say so
    with ``accepts_inline_media``; the check runs before anything reads the body."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return settings.API_BODY_MAX_BYTES
    if getattr(getattr(view, "cls", None), "accepts_inline_media", False):
        return settings.API_MEDIA_BODY_MAX_BYTES
    return settings.API_BODY_MAX_BYTES


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # Django refuses a malformed length itself
