"""Remembered Idempotency-Key responses can carry a raw API key or webhook secret for 24 hours:
the stored body is ciphertext (read straight from the table), a replay still answers the same
body, and key rotation re-encrypts it."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from developer.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def raw_body(key: str) -> bytes:
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT response_body FROM developer_idempotencyrecord WHERE key = %s", [key]
        )
        return bytes(cursor.fetchone()[0])


def post_twice(api, path, body=None, key="idem-secret"):
    first = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    second = api.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code in (200, 201)
    assert second["Idempotency-Replayed"] == "true"
    assert (second.status_code, second.json()) == (first.status_code, first.json())
    return first.json()["data"]


def test_a_new_api_key_is_not_stored_in_clear(api):
    created = post_twice(api, "/v1/keys", {"name": "ci"})
    stored = raw_body("idem-secret")
    assert created["key"].startswith("ds_live_")
    assert created["key"].encode() not in stored
    assert b"ds_live_" not in stored
    assert b'"name"' not in stored  # the whole body is ciphertext, not just the key


def test_webhook_secrets_are_not_stored_in_clear(api, dns):
    created = post_twice(
        api, "/v1/webhooks", {"url": "https://hooks.example.com/in", "events": ["launch.failed"]}
    )
    assert created["secret"].startswith("whsec_")
    assert b"whsec_" not in raw_body("idem-secret")

    rotated = post_twice(api, f"/v1/webhooks/{created['id']}/rotate-secret", key="idem-rotate")
    assert rotated["secret"] != created["secret"]
    assert b"whsec_" not in raw_body("idem-rotate")


def test_key_rotation_reencrypts_remembered_responses(api, settings):
    created = post_twice(api, "/v1/keys", {"name": "ci"})
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, *settings.TOKEN_ENCRYPTION_KEYS]

    call_command("rotate_token_encryption", stdout=open("/dev/null", "w"))  # noqa: SIM115

    plain = Fernet(new_key.encode()).decrypt(raw_body("idem-secret"))
    assert created["key"].encode() in plain
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]  # the old key is gone: replay still works
    replay = api.post("/v1/keys", {"name": "ci"}, format="json", HTTP_IDEMPOTENCY_KEY="idem-secret")
    assert replay.json()["data"] == created
    assert IdempotencyRecord.objects.get(key="idem-secret").response_body == plain
