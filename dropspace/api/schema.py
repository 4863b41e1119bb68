"""OpenAPI generation: the envelope, the scope and the error responses of every operation."""

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from developer.permissions import ANY_KEY, required_scope
from dropspace.api.errors import Code
from dropspace.api.serializers import (
    NO_NUL,
    NO_NUL_NOT_BLANK,
    ErrorEnvelopeSerializer,
    StrictSerializer,
)

_envelopes: dict[type, type] = {}

# Errors any authenticated operation can answer, added to each operation's responses.
COMMON_ERRORS = [Code.AUTH_001, Code.AUTH_003, Code.RATE_001, Code.SERVER_001]
BODY_TOO_LARGE = (
    Code.SERVER_002,
    413,
    "request body larger than the route accepts (2.5 MB; 72 MB to create or update a launch)",
)


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


def _given(name: str, field) -> dict:
    """The schema of a body that sets ``field`` (a null that means "not given" does not)."""
    if getattr(field, "null_means_absent", False):
        return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}
    return {"required": [name]}


def _needs_a_field(serializer) -> bool:
    """Whether a body without any field is refused (so the body itself is required)."""
    if isinstance(serializer, type):
        serializer = serializer()
    return bool(
        getattr(serializer, "requires_a_field", False)
        or getattr(serializer, "exactly_one_of", ())
        or any(field.required for field in getattr(serializer, "fields", {}).values())
    )


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

    def _accepts_x402(self) -> bool:
        return getattr(self.view, "accepts_x402", False)

    def get_description(self) -> str:
        scope = self._scope()
        needs = "any valid API key" if scope == ANY_KEY else f"an API key with the `{scope}` scope"
        if self._accepts_x402():
            needs += (
                ", or an x402 wallet payment proof in `PAYMENT-SIGNATURE` (x402 v2) or "
                "`X-PAYMENT` (v1); without either the answer is 402 with the payment "
                "requirements (see /docs/x402)"
            )
        base = super().get_description() or ""
        return f"{base}\n\nRequires {needs}.".strip()

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not self._accepts_x402():
            return parameters
        parameters.append(
            OpenApiParameter(
                "PAYMENT-REQUIRED",
                str,
                OpenApiParameter.HEADER,
                response=[402],
                description="x402 v2 PaymentRequired, base64 JSON (the body carries v1's).",
            )
        )
        if self.method in getattr(self.view, "settles_x402", ()):
            for name, version in (("PAYMENT-RESPONSE", "v2"), ("X-PAYMENT-RESPONSE", "v1")):
                parameters.append(
                    OpenApiParameter(
                        name,
                        str,
                        OpenApiParameter.HEADER,
                        response=[201, 402],
                        description=f"x402 {version} settlement, base64 JSON: only when a "
                        "wallet paid for this creation (past its free tier).",
                    )
                )
        return parameters

    def get_auth(self):
        auth = super().get_auth()
        if self._accepts_x402():
            auth += [{"x402PaymentSignature": []}, {"x402Payment": []}]
        return auth

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

    def _common_errors(self) -> list[Code | tuple]:
        any_key = self._scope() == ANY_KEY
        codes = [code for code in COMMON_ERRORS if not (any_key and code is Code.AUTH_003)]
        if self.method in ("POST", "PATCH", "PUT"):
            codes.append(Code.SERVER_002)
            codes.append(BODY_TOO_LARGE)
        elif self._has_query_parameters():
            codes.append(Code.SERVER_002)  # a page, page_size or filter out of range
        if self._accepts_x402():
            codes += [Code.PAYMENT_001, Code.PAYMENT_002]
        return codes

    def _has_query_parameters(self) -> bool:
        return bool(self._get_pagination_parameters()) or any(
            parameter.location == "query"
            for parameter in self.get_override_parameters()
            if hasattr(parameter, "location")
        )

    def _get_request_body(self, direction="request"):
        body = super()._get_request_body(direction)
        if not body:
            return body
        serializer = self.get_request_serializer()
        # One serializer, or one per media type (JSON and a multipart upload).
        shapes = serializer.values() if isinstance(serializer, dict) else [serializer]
        if all(_needs_a_field(shape) for shape in shapes):
            body["required"] = True  # an absent body sets no field
        return body

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request":
            return schema
        if isinstance(field, serializers.CharField) and "pattern" not in schema:
            # DRF refuses NUL in every string; a trimmed one must keep a character.
            blank_ok = field.allow_blank or not field.trim_whitespace
            schema["pattern"] = NO_NUL if blank_ok else NO_NUL_NOT_BLANK
        if isinstance(field, serializers.ListField) and not field.allow_empty:
            schema["minItems"] = max(schema.get("minItems", 0), 1)
        if isinstance(field, serializers.DictField) and not field.allow_empty:
            schema["minProperties"] = max(schema.get("minProperties", 0), 1)
        return schema

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False  # StrictSerializer refuses unknown fields
            if serializer.requires_a_field:
                schema["anyOf"] = [_given(name, field) for name, field in serializer.fields.items()]
            if serializer.exactly_one_of:
                fields = serializer.fields
                schema["oneOf"] = [_given(name, fields[name]) for name in serializer.exactly_one_of]
            if serializer.mutually_exclusive:
                fields = serializer.fields
                schema["allOf"] = [
                    {"not": {"allOf": [_given(a, fields[a]), _given(b, fields[b])]}}
                    for a, b in serializer.mutually_exclusive
                ]
        return schema
