import pytest
from django.urls import reverse

from accounts.models import User
from developer import services
from developer.models import ApiKey


@pytest.fixture
def admin_client(client, db):
    client.force_login(User.objects.create_superuser("root@example.com", "pw-root-12345"))
    return client


@pytest.fixture
def api_key(user):
    api_key, _ = services.create_api_key(owner=user, granter=user, name="CI pipeline")
    return api_key


def test_changelist_never_shows_the_hash(admin_client, api_key):
    response = admin_client.get(reverse("admin:developer_apikey_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "CI pipeline" in html
    assert api_key.key_prefix in html
    assert api_key.key_hash not in html


def test_change_page_is_read_only_and_hides_the_hash(admin_client, api_key):
    url = reverse("admin:developer_apikey_change", args=[api_key.pk])
    html = admin_client.get(url).content.decode()
    assert api_key.key_hash not in html
    assert "key_hash" not in html
    admin_client.post(url, {"name": "hijacked", "key_hash": "0" * 64})
    api_key.refresh_from_db()
    assert api_key.name == "CI pipeline"
    assert api_key.key_hash != "0" * 64


def test_keys_cannot_be_added_from_the_admin(admin_client):
    assert admin_client.get(reverse("admin:developer_apikey_add")).status_code == 403


def test_filter_by_state(admin_client, user, api_key):
    old, _ = services.create_api_key(owner=user, granter=user, name="Old laptop")
    services.revoke_api_key(api_key=old)
    url = reverse("admin:developer_apikey_changelist")
    active = admin_client.get(url, {"state": "active"}).content.decode()
    assert "CI pipeline" in active
    assert "Old laptop" not in active
    revoked = admin_client.get(url, {"state": "revoked"}).content.decode()
    assert "Old laptop" in revoked
    assert "CI pipeline" not in revoked


def test_search_by_owner_email(admin_client, stranger, api_key):
    services.create_api_key(owner=stranger, granter=stranger, name="their key")
    html = admin_client.get(
        reverse("admin:developer_apikey_changelist"), {"q": "stranger@"}
    ).content.decode()
    assert "their key" in html
    assert "CI pipeline" not in html


def test_revoke_selected_keys_action(admin_client, user, api_key):
    other, _ = services.create_api_key(owner=user, granter=user, name="other")
    response = admin_client.post(
        reverse("admin:developer_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [str(api_key.pk), str(other.pk)]},
        follow=True,
    )
    assert "Revoked 2 key(s)." in response.content.decode()
    assert not ApiKey.objects.filter(revoked_at__isnull=True).exists()
