"""Turn every exception raised under /v1/ into the error envelope with a catalog code."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from dropspace.api.errors import ApiError, Code, error_body

logger = logging.getLogger(__name__)
PAYLOAD_TOO_LARGE = 413

# DRF exception class -> catalog code (checked in order; subclasses first).
_DRF_CODES: list[tuple[type[Exception], Code]] = [
    (exceptions.NotAuthenticated, Code.AUTH_001),
    (exceptions.AuthenticationFailed, Code.AUTH_001),
    (exceptions.PermissionDenied, Code.AUTH_003),
    (exceptions.NotFound, Code.SERVER_003),
    (exceptions.MethodNotAllowed, Code.SERVER_004),
    (exceptions.Throttled, Code.RATE_001),
    (exceptions.ParseError, Code.SERVER_002),
    (exceptions.UnsupportedMediaType, Code.SERVER_002),
    (exceptions.NotAcceptable, Code.SERVER_002),
    (exceptions.ValidationError, Code.SERVER_002),
]


def handle_exception(exc: Exception, context: dict) -> Response:
    """DRF exception handler: the only place API errors are rendered."""
    if isinstance(exc, RequestDataTooBig):
        exc = body_too_large()
    if isinstance(exc, ApiError):
        return _response(exc.as_body(), exc.status, exc.headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        body = error_body(Code.SERVER_002, _first_message(exc), _django_details(exc))
        return _response(body, 400)

    for exc_class, code in _DRF_CODES:
        if isinstance(exc, exc_class):
            return _drf_response(exc, code)

    logger.exception("Unhandled API error", exc_info=exc)
    return _response(error_body(Code.SERVER_001, Code.SERVER_001.default_message), 500)


def body_too_large(limit: int | None = None) -> ApiError:
    """413 SERVER_002: the body is over what this route reads (Django's cap by default)."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE if limit is None else limit
    return ApiError(
        Code.SERVER_002,
        f"request body is larger than {limit / 1024 / 1024:g} MB",
        status=PAYLOAD_TOO_LARGE,
    )


def _drf_response(exc: exceptions.APIException, code: Code) -> Response:
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(max(1, int(exc.wait)))
    if isinstance(exc, exceptions.ValidationError):
        details = flatten_validation_errors(exc.detail)
        message = details[0]["message"] if details else code.default_message
        if details and details[0]["field"]:
            message = f"{details[0]['field']}: {message}"
        return _response(error_body(code, message, details), 400, headers)
    return _response(error_body(code, _message(exc, code)), code.status, headers)


def _message(exc: exceptions.APIException, code: Code) -> str:
    # DRF's generic wording ("Not found.") gives way to the catalog's; specific messages stay.
    if isinstance(exc.detail, str) and exc.detail != exc.default_detail:
        return str(exc.detail)
    return code.default_message


def flatten_validation_errors(detail, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's nested error dict into ``[{"field": "a.b", "message": "..."}]``."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            field = prefix if key == "non_field_errors" else _join(prefix, str(key))
            out.extend(flatten_validation_errors(value, field))
        return out
    if isinstance(detail, list):
        out = []
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            field = _join(prefix, str(index)) if nested else prefix
            out.extend(flatten_validation_errors(value, field))
        return out
    return [{"field": prefix, "message": str(detail)}]


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _django_details(exc: DjangoValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": "" if field == "__all__" else field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def _first_message(exc: DjangoValidationError) -> str:
    details = _django_details(exc)
    first = details[0]
    return f"{first['field']}: {first['message']}" if first["field"] else first["message"]


def _response(body: dict, status: int, headers: dict | None = None) -> Response:
    response = Response(body, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response
