"""Dashboard -> Settings -> API keys, through the Django test client (full pages and htmx)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from developer import services
from developer.models import ApiKey, Scope, hash_key

KEYS_URL = "/settings/api-keys/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def api_key(user):
    api_key, _ = services.create_api_key(
        owner=user, granter=user, name="CI pipeline", scopes=["read", "admin"]
    )
    return api_key


def test_keys_page_needs_login(client, db):
    response = client.get(KEYS_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_url_names(db):
    assert reverse("developer:keys") == KEYS_URL


def test_empty_state_when_no_keys(logged_in_client):
    html = logged_in_client.get(KEYS_URL).content.decode()
    assert "No API keys yet" in html
    assert 'class="empty-state"' in html


def test_create_form_prechecks_default_scopes_with_descriptions(logged_in_client):
    html = logged_in_client.get(KEYS_URL).content.decode()
    checkboxes = re.findall(
        r'<input type="checkbox" name="scopes" value="(\w+)"[^>]*?( checked)?>', html
    )
    assert checkboxes == [
        ("read", " checked"),
        ("write", " checked"),
        ("delete", ""),
        ("publish", " checked"),
        ("generate", " checked"),
        ("admin", ""),
    ]
    assert "manage API keys and webhooks" in html
    assert "<legend>Scopes" in html


def test_list_shows_name_prefix_scopes_dates_and_state(logged_in_client, user, api_key):
    revoked, _ = services.create_api_key(owner=user, granter=user, name="Old laptop")
    services.revoke_api_key(api_key=revoked)
    ApiKey.objects.filter(pk=api_key.pk).update(
        last_used_at=dt.datetime(2026, 2, 3, 4, 5, tzinfo=dt.UTC)
    )
    html = logged_in_client.get(KEYS_URL).content.decode()
    assert "CI pipeline" in html
    assert api_key.key_prefix in html
    assert '<span class="tag">admin</span>' in html
    assert '<span class="nowrap">Feb 3, 2026</span> <span class="nowrap">04:05 UTC</span>' in html
    assert "Never" in html
    assert 'class="badge badge-success">Active' in html
    assert 'class="badge badge-cancelled"' in html
    assert "1 of 10 active keys" in html
    assert api_key.key_hash not in html


def test_list_query_count_does_not_grow_with_keys(
    logged_in_client, user, django_assert_max_num_queries
):
    for number in range(8):
        services.create_api_key(owner=user, granter=user, name=f"key {number}")
    with django_assert_max_num_queries(4):  # session, user, keys (+ slack)
        response = logged_in_client.get(KEYS_URL)
    assert response.status_code == 200


def test_strangers_keys_are_not_listed(logged_in_client, stranger):
    services.create_api_key(owner=stranger, granter=stranger, name="stranger secret key")
    assert "stranger secret key" not in logged_in_client.get(KEYS_URL).content.decode()


def test_create_shows_the_raw_key_once(logged_in_client, user):
    response = logged_in_client.post(
        reverse("developer:create"), {"name": "Claude Code", "scopes": ["read", "generate"]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get(owner=user, name="Claude Code")
    assert api_key.scopes == ["read", "generate"]
    raw_key = html.split('<code id="new-raw-key">')[1].split("</code>")[0]
    assert raw_key.startswith("ds_live_")
    assert hash_key(raw_key) == api_key.key_hash
    assert 'data-copy-target="#new-raw-key"' in html
    assert "shown only this once" in html
    # ...and never again.
    assert raw_key not in logged_in_client.get(KEYS_URL).content.decode()


def test_create_with_no_scope_explains_next_to_the_field(logged_in_client, user):
    response = logged_in_client.post(reverse("developer:create"), {"name": "Nothing"})
    html = response.content.decode()
    assert 'id="id_scopes_error"' in html
    assert "choose at least one scope" in html
    assert not ApiKey.objects.filter(owner=user).exists()


def test_create_with_a_taken_name_shows_the_service_error(logged_in_client, api_key):
    response = logged_in_client.post(
        reverse("developer:create"), {"name": "CI pipeline", "scopes": ["read"]}
    )
    html = response.content.decode()
    assert 'id="id_name_error"' in html
    assert "an api key with this name already exists" in html
    assert ApiKey.objects.filter(name="CI pipeline").count() == 1


def test_create_with_an_unknown_scope_is_a_form_error(logged_in_client, user):
    response = logged_in_client.post(
        reverse("developer:create"), {"name": "x", "scopes": ["read", "superuser"]}
    )
    assert 'id="id_scopes_error"' in response.content.decode()
    assert not ApiKey.objects.filter(owner=user).exists()


def test_create_beyond_the_limit_shows_the_service_message(logged_in_client, user, settings):
    settings.BILLING_PLANS = {"starter": {"api_keys": 1}}
    services.create_api_key(owner=user, granter=user, name="only")
    response = logged_in_client.post(
        reverse("developer:create"), {"name": "two", "scopes": ["read"]}
    )
    html = response.content.decode()
    assert 'class="alert alert-error" role="alert"' in html
    assert "maximum 1 active API keys allowed" in html


def test_create_needs_post(logged_in_client):
    assert logged_in_client.get(reverse("developer:create")).status_code == 405


def test_rename_htmx_get_returns_the_row_in_edit_mode(logged_in_client, api_key):
    response = logged_in_client.get(reverse("developer:rename", args=[api_key.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="key-{api_key.pk}"')
    assert "<html" not in html
    assert 'value="CI pipeline"' in html
    assert f'hx-post="{reverse("developer:rename", args=[api_key.pk])}"' in html


def test_rename_htmx_post_returns_the_updated_row(logged_in_client, api_key):
    response = logged_in_client.post(
        reverse("developer:rename", args=[api_key.pk]), {"name": "Deploy bot"}, **HTMX
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="key-{api_key.pk}"')
    assert "<strong>Deploy bot</strong>" in html
    api_key.refresh_from_db()
    assert api_key.name == "Deploy bot"


def test_rename_htmx_conflict_stays_in_edit_mode_with_the_error(logged_in_client, user, api_key):
    services.create_api_key(owner=user, granter=user, name="Taken")
    response = logged_in_client.post(
        reverse("developer:rename", args=[api_key.pk]), {"name": "Taken"}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "an api key with this name already exists" in html
    assert 'aria-invalid="true"' in html
    api_key.refresh_from_db()
    assert api_key.name == "CI pipeline"


def test_rename_without_js_uses_a_page_and_redirects(logged_in_client, api_key):
    url = reverse("developer:rename", args=[api_key.pk])
    page = logged_in_client.get(url).content.decode()
    assert "<html" in page
    assert 'name="name"' in page
    response = logged_in_client.post(url, {"name": "Deploy bot"})
    assert response.status_code == 302
    assert response.url == KEYS_URL
    follow = logged_in_client.get(KEYS_URL).content.decode()
    assert "Key renamed to “Deploy bot”." in follow


def test_rename_without_js_shows_errors_on_the_page(logged_in_client, api_key):
    response = logged_in_client.post(reverse("developer:rename", args=[api_key.pk]), {"name": ""})
    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()


def test_revoke_htmx_returns_the_revoked_row(logged_in_client, api_key):
    response = logged_in_client.post(reverse("developer:revoke", args=[api_key.pk]), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="key-{api_key.pk}" class="is-muted"')
    assert "badge-cancelled" in html
    assert '<p id="key-count" hx-swap-oob="true">0 of 10 active keys.</p>' in html
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_revoke_without_js_redirects_with_a_message(logged_in_client, api_key):
    response = logged_in_client.post(reverse("developer:revoke", args=[api_key.pk]), follow=True)
    assert response.redirect_chain == [(KEYS_URL, 302)]
    assert "Key “CI pipeline” revoked." in response.content.decode()
    api_key.refresh_from_db()
    assert not api_key.is_active


def test_revoke_confirmation_htmx_is_the_row_in_confirm_mode(logged_in_client, api_key):
    response = logged_in_client.get(reverse("developer:revoke", args=[api_key.pk]), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="key-{api_key.pk}"')
    assert "<html" not in html
    assert "Revoke “CI pipeline”?" in html
    assert "This cannot be undone." in html
    assert f'hx-post="{reverse("developer:revoke", args=[api_key.pk])}"' in html
    api_key.refresh_from_db()
    assert api_key.is_active  # asking is not revoking


def test_revoke_confirmation_without_js_is_a_page(logged_in_client, api_key):
    response = logged_in_client.get(reverse("developer:revoke", args=[api_key.pk]))
    html = response.content.decode()
    assert "<html" in html
    assert "Revoke “CI pipeline”?" in html
    assert f'action="{reverse("developer:revoke", args=[api_key.pk])}"' in html
    api_key.refresh_from_db()
    assert api_key.is_active


def test_list_links_to_the_revoke_confirmation(logged_in_client, api_key):
    html = logged_in_client.get(KEYS_URL).content.decode()
    assert f'href="{reverse("developer:revoke", args=[api_key.pk])}"' in html


@pytest.mark.parametrize("action", ["rename", "revoke"])
def test_strangers_key_is_404(logged_in_client, stranger, action):
    foreign, _ = services.create_api_key(owner=stranger, granter=stranger, name="theirs")
    response = logged_in_client.post(
        reverse(f"developer:{action}", args=[foreign.pk]), {"name": "mine"}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "theirs"
    assert foreign.is_active


def test_revoked_key_cannot_be_renamed(logged_in_client, api_key):
    services.revoke_api_key(api_key=api_key)
    response = logged_in_client.post(
        reverse("developer:rename", args=[api_key.pk]), {"name": "zombie"}
    )
    assert response.status_code == 404


def test_the_signed_in_person_may_grant_every_scope(logged_in_client, user):
    services.create_api_key(owner=user, granter=user, name="admin only", scopes=["admin"])

    logged_in_client.post(reverse("developer:create"), {"name": "All", "scopes": Scope.values})

    assert ApiKey.objects.get(owner=user, name="All").scopes == Scope.values


def test_the_keys_page_explains_what_a_key_can_grant(logged_in_client):
    html = logged_in_client.get(KEYS_URL).content.decode()
    rule = html.split('data-testid="grant-rule">')[1].split("</p>")[0]
    assert "only the scopes it holds itself" in rule
