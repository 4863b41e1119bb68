"""Per-key rate limits: headers on every response, 429 RATE_001 with Retry-After beyond."""

import pytest
import time_machine
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 3}})
def test_headers_count_down_then_429_with_retry_after(api):
    with time_machine.travel("2026-11-28 12:00:10Z", tick=False):
        remaining = []
        for _ in range(3):
            response = api.get("/v1/keys/me")
            assert response.status_code == 200
            remaining.append(int(response["X-RateLimit-Remaining"]))
        assert remaining == [2, 1, 0]
        assert response["X-RateLimit-Limit"] == "3"
        assert response["RateLimit-Policy"] == '"default";q=3;w=60'
        assert response["RateLimit"] == '"default";r=0;t=50'

        limited = api.get("/v1/keys/me")
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "RATE_001"
        assert limited["Retry-After"] == "50"
        assert limited["X-RateLimit-Remaining"] == "0"
        assert int(limited["X-RateLimit-Reset"]) == 1795867260  # 12:01:00Z

    with time_machine.travel("2026-11-28 12:01:00Z", tick=False):
        assert api.get("/v1/keys/me").status_code == 200


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 1}})
def test_limits_are_per_key(api, make_api_client, user):
    other = make_api_client(user, scopes=["read"])
    with time_machine.travel("2026-11-28 12:00:00Z", tick=False):
        assert api.get("/v1/keys/me").status_code == 200
        assert api.get("/v1/keys/me").status_code == 429
        assert other.get("/v1/keys/me").status_code == 200


@override_settings(BILLING_PLANS={"starter": {"api_requests_per_minute": 1}})
def test_error_responses_carry_the_headers_and_count(api):
    with time_machine.travel("2026-11-28 12:00:00Z", tick=False):
        not_found = api.get("/v1/no-such-thing")
        assert not_found.status_code == 404
        assert not_found["X-RateLimit-Remaining"] == "0"
        assert api.get("/v1/keys/me").status_code == 429
