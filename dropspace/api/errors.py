"""The catalog of API error codes: one place for every code, its HTTP status and meaning.

Every error the API returns has the shape ``{"error": {"code", "message", "details"?}}``.
Services raise ``ApiError(Code.X, "what went wrong")``; the exception handler renders it.
"""

from enum import Enum
from typing import Any


class Code(Enum):
    """Error code -> (HTTP status, default message). Matches the spec's error-code tables."""

    AUTH_001 = (401, "invalid or revoked API key")
    AUTH_002 = (403, "plan restriction (feature not available)")
    AUTH_003 = (403, "insufficient scope")
    LAUNCH_001 = (404, "launch not found")
    LAUNCH_002 = (429, "launch or regeneration limit exceeded")
    LAUNCH_003 = (409, "invalid launch status for operation")
    LAUNCH_004 = (409, "launch cannot be published from current status")
    LAUNCH_007 = (400, "platform requirements not met")
    PERSONA_001 = (429, "persona creation limit reached")
    PERSONA_002 = (404, "persona not found")
    PERSONA_003 = (429, "persona build limit reached")
    MEDIA_001 = (429, "monthly media generation limit reached")
    UPLOAD_001 = (400, "unsupported media type (allowed: jpeg, png, webp, gif, mp4, mov)")
    UPLOAD_002 = (400, "media file too large")
    UPLOAD_003 = (400, "media storage upload failed")
    PAYMENT_001 = (402, "payment required (free tier exceeded)")
    PAYMENT_002 = (402, "payment verification failed")
    RATE_001 = (429, "too many requests")
    SERVER_001 = (500, "internal server error")
    SERVER_002 = (400, "validation error")
    SERVER_003 = (404, "resource not found")
    SERVER_004 = (405, "method not allowed")
    SERVER_005 = (400, "invalid input format or business rule violation")
    SERVER_008 = (500, "database error")
    SERVER_009 = (409, "conflict")
    IDEMPOTENCY_001 = (409, "a request with this Idempotency-Key is still being processed")
    IDEMPOTENCY_002 = (422, "this Idempotency-Key was used with a different request body")

    @property
    def status(self) -> int:
        return self.value[0]

    @property
    def default_message(self) -> str:
        return self.value[1]


class ApiError(Exception):
    """A failure the API reports with a catalog code.

    ``status`` overrides the catalog status where the spec documents another one for the same
    code (e.g. 422 LAUNCH_007 when no posting account is configured, 400 LAUNCH_003 on retry).
    """

    def __init__(
        self,
        code: Code,
        message: str | None = None,
        *,
        details: list[Any] | None = None,
        status: int | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.code = code
        self.message = message or code.default_message
        self.details = details
        self.status = status or code.status
        self.headers = headers or {}
        super().__init__(self.message)

    def as_body(self) -> dict[str, Any]:
        return error_body(self.code, self.message, self.details)


def error_body(code: Code, message: str, details: list[Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code.name, "message": message}
    if details:
        error["details"] = details
    return {"error": error}
