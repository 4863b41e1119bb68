"""Who may call the API: missing, malformed, unknown, revoked keys and inactive owners."""

import pytest
from rest_framework.test import APIClient

from developer import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer ds_live_nope",
        "Bearer sk_live_abc",
        "ds_live_x",
    ],
)
def test_missing_or_invalid_key_is_401_auth_001(header):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/v1/keys/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_key_of_a_deactivated_user_is_refused(api, user):
    user.is_active = False
    user.save()
    assert api.get("/v1/keys/me").status_code == 401


def test_revoked_key_via_service(user):
    api_key, raw = services.create_api_key(owner=user, granter=user, name="x")
    services.revoke_api_key(api_key=api_key)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.get("/v1/keys/me").status_code == 401


def test_the_bearer_scheme_is_case_insensitive(api):
    api.credentials(HTTP_AUTHORIZATION=f"bearer {api.raw_key}")
    assert api.get("/v1/keys/me").status_code == 200
