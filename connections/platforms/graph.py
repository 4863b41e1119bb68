"""Shared by the Facebook and Instagram adapters: Meta Graph API login and error envelope."""

from __future__ import annotations

import json

from django.conf import settings

from connections.platforms.base import (
    PermanentError,
    Platform,
    ReauthError,
    RetryableError,
    TokenSet,
)

THROTTLE_CODES = {4, 17, 32, 341, 613, 80001}
TRANSIENT_CODES = {1, 2}
REAUTH_CODES = {102, 190}
PERMANENT_CODES = {100, 368, 506, 1609005}


class GraphPlatform(Platform):
    """Facebook Login: short-lived code -> long-lived (~60 day) user token; no refresh grant."""

    scope_separator = ","

    @property
    def auth_path(self) -> str:
        return f"/{settings.META_GRAPH_VERSION}/dialog/oauth"

    def graph(self, path: str, **params) -> str:
        return self.url("api", f"/{settings.META_GRAPH_VERSION}{path}", **params)

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str = "") -> TokenSet:
        short = self.token_request(
            self.graph(
                "/oauth/access_token",
                client_id=self.client_id,
                client_secret=self.client_secret,
                redirect_uri=redirect_uri,
                code=code,
            ),
            method="GET",
        )
        return self.token_request(
            self.graph(
                "/oauth/access_token",
                grant_type="fb_exchange_token",
                client_id=self.client_id,
                client_secret=self.client_secret,
                fb_exchange_token=short.access_token,
            ),
            method="GET",
        )

    def revoke(self, connection) -> None:
        """Do nothing: Meta revokes per app and user (DELETE /me/permissions), which would also
        disconnect the user's other pages and accounts; dropping the page token is enough."""

    def classify(self, response, body):
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return None
        code = int(error.get("code") or 0)
        subcode = int(error.get("error_subcode") or 0)
        message = error.get("error_user_msg") or error.get("message") or response.text[:300]
        label = f"{self.label}: {message}"
        if code in REAUTH_CODES or code == 10 or 200 <= code <= 299 or subcode == 1404078:
            return ReauthError(label, code=str(code))
        if code in THROTTLE_CODES or subcode == 1390008:
            return RetryableError(label, retry_after=self.retry_after(response), code=str(code))
        if code in TRANSIENT_CODES or response.status_code >= 500:
            return RetryableError(label, code=str(code))
        return PermanentError(label, code=str(subcode or code))

    def is_gone(self, error: PermanentError) -> bool:
        """Subcode 33 (code 100): "Object with ID ... does not exist"; some answers carry only
        code 100 with those words."""
        return error.code == "33" or (error.code == "100" and "does not exist" in error.reason)

    def retry_after(self, response):
        # X-Business-Use-Case-Usage: {"<id>": [{"estimated_time_to_regain_access": minutes}]}
        try:
            usage = json.loads(response.headers.get("X-Business-Use-Case-Usage", "{}"))
            minutes = max(
                entry.get("estimated_time_to_regain_access", 0)
                for entries in usage.values()
                for entry in entries
            )
            return float(minutes) * 60 if minutes else super().retry_after(response)
        except (ValueError, AttributeError, TypeError):
            return super().retry_after(response)
