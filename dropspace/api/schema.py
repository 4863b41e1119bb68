"""OpenAPI generation: the envelope, the scope and the error responses of every operation."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from developer.permissions import ANY_KEY, required_scope
from dropspace.api.errors import Code
from dropspace.api.serializers import ErrorEnvelopeSerializer

_envelopes: dict[type, type] = {}

# Errors any authenticated operation can answer, added to each operation's responses.
COMMON_ERRORS = [Code.AUTH_001, Code.AUTH_003, Code.RATE_001, Code.SERVER_001]


def only_public_api(endpoints):
    """Document the /v1/ API only (not the dashboard, admin or sandbox)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/v1/")]


def envelope(serializer_class, *, many: bool = False):
    """A ``{"data": <serializer>}`` response component named after the serializer."""
    cache_key = (serializer_class, many)
    if cache_key not in _envelopes:
        name = serializer_class.__name__.removesuffix("Serializer")
        suffix = "ListEnvelope" if many else "Envelope"
        _envelopes[cache_key] = type(
            f"{name}{suffix}",
            (serializers.Serializer,),
            {"data": serializer_class(many=many), "__module__": serializer_class.__module__},
        )
    return _envelopes[cache_key]


def errors(*codes: Code | tuple) -> dict[int, OpenApiResponse]:
    """Responses for the given catalog codes, grouped by HTTP status.

    Where the spec documents a code under another status or wording than the catalog's (422
    LAUNCH_007 when no account is configured), pass ``(code, status)`` or
    ``(code, status, message)`` instead of the bare code.
    """
    by_status: dict[int, list[str]] = {}
    for entry in codes:
        status, description = _documented(entry)
        by_status.setdefault(status, []).append(description)
    return {
        status: OpenApiResponse(ErrorEnvelopeSerializer, description="; ".join(described))
        for status, described in by_status.items()
    }


def _documented(entry: Code | tuple) -> tuple[int, str]:
    if isinstance(entry, Code):
        return entry.status, f"{entry.name}: {entry.default_message}"
    code, status, *message = entry
    return status, f"{code.name}: {message[0] if message else code.default_message}"


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "developer.authentication.ApiKeyAuthentication"
    name = "ApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "ds_live_...",
            "description": "API key from Settings -> API keys, sent as a bearer token.",
        }


class AutoSchema(openapi.AutoSchema):
    def _scope(self) -> str:
        return required_scope(self.view, self.method)

    def get_description(self) -> str:
        scope = self._scope()
        needs = "any valid API key" if scope == ANY_KEY else f"an API key with the `{scope}` scope"
        base = super().get_description() or ""
        return f"{base}\n\nRequires {needs}.".strip()

    def get_extensions(self) -> dict:
        return {**super().get_extensions(), "x-required-scope": self._scope()}

    def _get_request_for_media_type(self, serializer, direction="request"):
        # drf-spectacular documents a PATCH body as a partial serializer (every field optional).
        # Our PATCH views validate with partial=False: update serializers mark their optional
        # fields themselves, and a field they require (a key's new name) is required.
        method, self.method = self.method, "PUT" if self.method == "PATCH" else self.method
        try:
            return super()._get_request_for_media_type(serializer, direction)
        finally:
            self.method = method

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status, response in errors(*self._common_errors()).items():
            if str(status) not in responses:
                responses[str(status)] = self._get_response_for_code(response, str(status))
        return responses

    def _common_errors(self) -> list[Code]:
        any_key = self._scope() == ANY_KEY
        codes = [code for code in COMMON_ERRORS if not (any_key and code is Code.AUTH_003)]
        if self.method in ("POST", "PATCH", "PUT"):
            codes.append(Code.SERVER_002)
        return codes
