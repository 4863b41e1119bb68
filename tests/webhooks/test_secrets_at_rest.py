"""Webhook signing secrets are encrypted in the database and rotate with the token keys."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from webhooks import services
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def raw_secret(endpoint) -> str:
    with db.cursor() as cursor:
        key = endpoint.pk.hex if db.vendor == "sqlite" else endpoint.pk
        cursor.execute("SELECT secret FROM webhooks_webhookendpoint WHERE id = %s", [key])
        return cursor.fetchone()[0]


def test_secret_column_holds_ciphertext_only(user):
    endpoint = services.create_endpoint(
        owner=user, url="https://hooks.example.com/in", events=["launch.completed"]
    )
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret not in raw_secret(endpoint)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret


def test_key_rotation_reencrypts_webhook_secrets(user, settings):
    endpoint = services.create_endpoint(
        owner=user, url="https://hooks.example.com/in", events=["launch.completed"]
    )
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, *settings.TOKEN_ENCRYPTION_KEYS]

    call_command("rotate_token_encryption", stdout=open("/dev/null", "w"))  # noqa: SIM115

    plain = Fernet(new_key.encode()).decrypt(raw_secret(endpoint).encode()).decode()
    assert plain == endpoint.secret
