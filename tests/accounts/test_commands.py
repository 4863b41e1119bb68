import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User
from developer import services
from developer.models import DEFAULT_SCOPES, ApiKey, hash_key


def run_demo(settings, password="dropspace-demo"):
    settings.DEMO_ACCOUNT_PASSWORD = password
    out = io.StringIO()
    call_command("create_demo_account", stdout=out)
    return out.getvalue()


def printed_key(output: str) -> str:
    return next(line.split()[-1] for line in output.splitlines() if "API key:" in line)


def test_demo_account_is_created_with_a_verified_email_and_a_key(db, settings):
    settings.SITE_URL = "http://demo.test:9000"
    output = run_demo(settings)
    user = User.objects.get(email="demo@dropspace.local")
    assert user.check_password("dropspace-demo")
    address = EmailAddress.objects.get(user=user)
    assert address.verified
    assert address.primary
    raw_key = printed_key(output)
    api_key = ApiKey.objects.get(key_hash=hash_key(raw_key))
    assert api_key.owner == user
    assert api_key.name == "make run"
    assert api_key.scopes == [str(scope) for scope in DEFAULT_SCOPES]
    assert "demo@dropspace.local" in output
    assert "dropspace-demo" in output
    assert "http://demo.test:9000/" in output


def test_demo_account_is_idempotent_and_rotates_its_key(db, settings):
    first = printed_key(run_demo(settings))
    second = printed_key(run_demo(settings, password="changed-pass-1"))
    assert first != second
    assert User.objects.filter(email="demo@dropspace.local").count() == 1
    assert EmailAddress.objects.filter(email="demo@dropspace.local").count() == 1
    keys = ApiKey.objects.filter(owner__email="demo@dropspace.local")
    assert keys.get(key_hash=hash_key(first)).revoked_at is not None
    assert keys.get(key_hash=hash_key(second)).revoked_at is None
    assert User.objects.get(email="demo@dropspace.local").check_password("changed-pass-1")


def test_demo_account_leaves_other_keys_alone(db, settings):
    run_demo(settings)
    user = User.objects.get(email="demo@dropspace.local")

    other, _ = services.create_api_key(owner=user, granter=user, name="mine")
    run_demo(settings)
    other.refresh_from_db()
    assert other.is_active


def test_createsuperuser_noinput_uses_the_email_login(db, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-secret-123")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    admin = User.objects.get(email="root@example.com")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.check_password("root-secret-123")


@pytest.mark.parametrize("path", ["/admin/", "/admin/accounts/user/"])
def test_superuser_can_use_the_admin(client, db, monkeypatch, path):
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.com")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-secret-123")
    call_command("createsuperuser", "--noinput", stdout=io.StringIO())
    assert client.login(username="root@example.com", password="root-secret-123")
    assert client.get(path).status_code == 200


def test_running_the_demo_again_keeps_the_demo_person_signed_in(client, db, settings):
    run_demo(settings)
    assert client.login(username="demo@dropspace.local", password="dropspace-demo")
    assert client.get("/settings/api-keys/").status_code == 200

    run_demo(settings)  # `make run` again, same password

    assert client.get("/settings/api-keys/").status_code == 200


def test_a_changed_demo_password_takes_effect_and_signs_out_old_sessions(client, db, settings):
    run_demo(settings)
    client.login(username="demo@dropspace.local", password="dropspace-demo")

    run_demo(settings, password="changed-pass-1")

    assert client.get("/settings/api-keys/").status_code == 302  # back to the login page
    assert client.login(username="demo@dropspace.local", password="changed-pass-1")
