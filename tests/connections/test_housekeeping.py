"""Key rotation, loud production settings, the guided kits."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db

from connections.models import Connection
from connections.platforms import hackernews, producthunt
from dropspace.crypto import decrypt

ROOT = Path(__file__).resolve().parents[2]


def raw_token(pk) -> str:
    with db.cursor() as cursor:
        key = pk.hex if db.vendor == "sqlite" else pk
        cursor.execute("SELECT access_token FROM connections_connection WHERE id = %s", [key])
        return cursor.fetchone()[0]


def test_rotation_reencrypts_under_the_newest_key(make_connection, settings):
    old_key = settings.TOKEN_ENCRYPTION_KEYS[0]
    connection = make_connection("twitter", access_token="secret")
    new_key = Fernet.generate_key().decode()
    settings.TOKEN_ENCRYPTION_KEYS = [new_key, old_key]
    call_command("rotate_token_encryption")
    ciphertext = raw_token(connection.pk)
    assert Fernet(new_key.encode()).decrypt(ciphertext.encode()) == b"secret"
    settings.TOKEN_ENCRYPTION_KEYS = [new_key]  # the old key can go now
    assert decrypt(ciphertext) == "secret"
    assert Connection.objects.get(pk=connection.pk).access_token == "secret"


def test_production_without_token_keys_fails_loudly():
    env = {
        **{k: v for k, v in os.environ.items() if k != "TOKEN_ENCRYPTION_KEYS"},
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_DEBUG": "0",
        "DJANGO_READ_DOT_ENV_FILE": "0",
        "TOKEN_ENCRYPTION_KEYS": "",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import dropspace.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "TOKEN_ENCRYPTION_KEYS is required" in result.stderr


def test_hacker_news_kit_prefills_submitlink():
    kit = hackernews.submission_kit(
        title="Show HN: dropspace " + "x" * 100, url="https://drop.space"
    )
    assert kit.submit_url.startswith(
        "https://news.ycombinator.com/submitlink?u=https%3A%2F%2Fdrop.space&t=Show+HN"
    )
    assert len(kit.title) == 80
    assert kit.tips


def test_product_hunt_kit_respects_limits_and_has_tips():
    kit = producthunt.submission_kit(
        name="dropspace",
        url="https://drop.space",
        tagline="t" * 90,
        description="d" * 600,
        maker_comment=" hi ",
    )
    assert (len(kit.tagline), len(kit.description), kit.maker_comment) == (60, 500, "hi")
    assert any("12:01" in tip for tip in kit.tips)


def test_operator_sets_up_an_official_account_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/connections/connection/add/",
        {
            "platform": "twitter",
            "account_type": "personal",
            "entity_id": "42",
            "username": "@dropspace",
            "scopes": "[]",
            "access_token": "official-token",
            "refresh_token": "",
            "is_active": "on",
            "health": "healthy",
        },
    )
    assert response.status_code == 302
    official = Connection.objects.get(entity_id="42")
    assert official.owner is None
    assert official.access_token == "official-token"
    page = admin_client.get(f"/admin/connections/connection/{official.pk}/change/").content.decode()
    assert "official-token" not in page  # write-only in the admin


def test_sandbox_admin_pages_render(admin_client):
    assert admin_client.get("/admin/sandbox/sandboxaccount/").status_code == 200
    assert admin_client.get("/admin/connections/connection/").status_code == 200
