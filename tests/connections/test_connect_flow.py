"""The OAuth connect flow through the dashboard, with the platform mocked by `responses`."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db
from responses import matchers

from connections import services
from connections.models import Connection
from connections.platforms.base import pkce_challenge

X_API = "https://api.x.com/2"
GRAPH = "https://graph.facebook.com/v25.0"
pytestmark = pytest.mark.usefixtures("configured")


def flash(response) -> str:
    """The messages shown after the redirect (base.html renders them)."""
    return " ".join(str(message) for message in response.context["messages"])


def start(client, platform):
    response = client.post(f"/connections/{platform}/connect/")
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)


def x_token_and_me(mocked, verifier=None, refresh="refresh-1"):
    body = {
        "access_token": "access-1",
        "refresh_token": refresh,
        "expires_in": 7200,
        "scope": "tweet.read tweet.write",
    }
    match = []
    if verifier is not None:
        match = [
            matchers.urlencoded_params_matcher(
                {
                    "grant_type": "authorization_code",
                    "code": "c",
                    "redirect_uri": "http://testserver/connections/twitter/callback",
                    "code_verifier": verifier,
                }
            )
        ]
    mocked.post(f"{X_API}/oauth2/token", json=body, match=match)
    mocked.get(
        f"{X_API}/users/me", json={"data": {"id": "42", "username": "olive", "name": "Olive"}}
    )


def test_connect_uses_the_pkce_verifier_kept_in_the_session(logged_in_client, user, mocked):
    query = start(logged_in_client, "twitter")
    state = query["state"][0]
    pending = logged_in_client.session[services.SESSION_KEY][state]
    assert pkce_challenge(pending["verifier"]) == query["code_challenge"][0]
    assert "verifier" not in urlsplit(str(query)).path  # never sent to the browser
    x_token_and_me(mocked, verifier=pending["verifier"])

    response = logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    assert response["Location"] == "/connections/"
    saved = Connection.objects.get(owner=user, platform="twitter")
    assert (saved.entity_id, saved.username, saved.access_token) == ("42", "@olive", "access-1")


def test_wrong_state_is_rejected(logged_in_client, user):
    start(logged_in_client, "twitter")
    response = logged_in_client.get(
        "/connections/twitter/callback", {"state": "forged", "code": "c"}, follow=True
    )
    assert "state mismatch" in flash(response)
    assert not Connection.objects.exists()


def test_state_is_single_use(logged_in_client, mocked):
    state = start(logged_in_client, "twitter")["state"][0]
    x_token_and_me(mocked)
    logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    replay = logged_in_client.get(
        "/connections/twitter/callback", {"state": state, "code": "c"}, follow=True
    )
    assert "state mismatch" in flash(replay)


def test_denial_is_shown_to_the_user(logged_in_client):
    state = start(logged_in_client, "twitter")["state"][0]
    response = logged_in_client.get(
        "/connections/twitter/callback",
        {"state": state, "error": "access_denied", "error_description": "the user denied access"},
        follow=True,
    )
    assert "not authorized: the user denied access" in flash(response)
    assert not Connection.objects.exists()


def test_platform_refusing_the_code_is_shown(logged_in_client, mocked):
    state = start(logged_in_client, "twitter")["state"][0]
    mocked.post(
        f"{X_API}/oauth2/token",
        status=400,
        json={
            "error": "invalid_request",
            "error_description": "Value passed for the token was invalid.",
        },
    )
    response = logged_in_client.get(
        "/connections/twitter/callback", {"state": state, "code": "c"}, follow=True
    )
    assert "X refused the connection" in flash(response)


def test_reconnect_keeps_the_refresh_token_when_none_is_returned(logged_in_client, user, mocked):
    state = start(logged_in_client, "twitter")["state"][0]
    x_token_and_me(mocked, refresh="refresh-1")
    logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    state = start(logged_in_client, "twitter")["state"][0]
    x_token_and_me(mocked, refresh="")
    logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    saved = Connection.objects.get(owner=user, platform="twitter")
    assert saved.refresh_token == "refresh-1"


def test_one_account_per_platform_replaces_the_previous_one(user, make_connection):
    from connections.platforms.base import AccountInfo, TokenSet

    old = make_connection("twitter", entity_id="1")
    services.save_connection(
        owner=user,
        platform="twitter",
        sandbox=False,
        tokens=TokenSet("a"),
        account=AccountInfo("2"),
    )
    old.refresh_from_db()
    assert not old.is_active
    assert old.access_token == ""
    assert (
        Connection.objects.filter(owner=user, platform="twitter", is_active=True).get().entity_id
        == "2"
    )


def test_facebook_pages_step_lets_the_user_choose(logged_in_client, user, mocked):
    state = start(logged_in_client, "facebook")["state"][0]
    mocked.get(f"{GRAPH}/oauth/access_token", json={"access_token": "short", "expires_in": 3600})
    mocked.get(f"{GRAPH}/oauth/access_token", json={"access_token": "long", "expires_in": 5184000})
    mocked.get(
        f"{GRAPH}/me/accounts",
        json={
            "data": [
                {"id": "1", "name": "Acme", "access_token": "page-1", "tasks": ["CREATE_CONTENT"]},
                {"id": "2", "name": "Labs", "access_token": "page-2", "tasks": ["CREATE_CONTENT"]},
            ]
        },
    )
    response = logged_in_client.get("/connections/facebook/callback", {"state": state, "code": "c"})
    assert response["Location"] == "/connections/choose/"
    assert "page-1" not in str(dict(logged_in_client.session))  # page tokens encrypted meanwhile
    page = logged_in_client.get("/connections/choose/")
    assert "Acme" in page.content.decode()
    assert "Labs" in page.content.decode()
    logged_in_client.post("/connections/choose/", {"accounts": ["2"]})
    saved = Connection.objects.get(owner=user, platform="facebook")
    assert (saved.entity_id, saved.access_token, saved.expires_at) == ("2", "page-2", None)


def test_not_configured_platform_without_sandbox_says_what_to_set(logged_in_client, settings):
    settings.PLATFORM_CREDENTIALS = {
        **settings.PLATFORM_CREDENTIALS,
        "reddit": {"client_id": "", "client_secret": ""},
    }
    page = logged_in_client.get("/connections/").content.decode()
    assert "<strong>Not configured.</strong> An operator must set REDDIT_CLIENT_ID" in page
    response = logged_in_client.post("/connections/reddit/connect/", follow=True)
    assert "not configured" in flash(response)


def test_disconnect_revokes_and_forgets_the_token(logged_in_client, make_connection, mocked):
    connection = make_connection("twitter", entity_id="1")
    mocked.post(
        f"{X_API}/oauth2/revoke",
        json={"revoked": True},
        match=[
            matchers.urlencoded_params_matcher(
                {"token": "refresh-1", "client_id": "twitter-client"}
            )
        ],
    )
    logged_in_client.post(f"/connections/{connection.pk}/disconnect/")
    connection.refresh_from_db()
    assert not connection.is_active
    assert connection.access_token == ""
    assert connection.refresh_token == ""


def test_disconnect_still_forgets_when_revoke_fails(logged_in_client, make_connection, mocked):
    connection = make_connection("twitter", entity_id="1")
    mocked.post(f"{X_API}/oauth2/revoke", status=503)
    logged_in_client.post(f"/connections/{connection.pk}/disconnect/")
    connection.refresh_from_db()
    assert not connection.is_active


def test_strangers_connection_cannot_be_disconnected(client, stranger, make_connection):
    connection = make_connection("twitter")
    client.force_login(stranger)
    assert client.post(f"/connections/{connection.pk}/disconnect/").status_code == 404


def test_tokens_are_not_readable_in_the_database(make_connection):
    connection = make_connection(
        "twitter", access_token="secret-access", refresh_token="secret-refresh"
    )
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT access_token, refresh_token FROM connections_connection WHERE id = %s",
            [connection.pk.hex if db.vendor == "sqlite" else connection.pk],
        )
        raw_access, raw_refresh = cursor.fetchone()
    assert "secret" not in raw_access
    assert "secret" not in raw_refresh
    assert raw_access.startswith("gAAAA")  # Fernet
    assert Connection.objects.get(pk=connection.pk).access_token == "secret-access"


def test_list_page_shows_health_and_guided_platforms(logged_in_client, make_connection):
    connection = make_connection("linkedin", username="Olive")
    connection.record_error(
        Connection.Health.NEEDS_REAUTH, "LinkedIn access expired. Reconnect the account."
    )
    connection.save()
    page = logged_in_client.get("/connections/").content.decode()
    assert "badge-needs_reauth" in page
    assert "Reconnect the account" in page
    assert "Product Hunt and Hacker News" in page
    assert "guided" in page


def test_list_page_labels_the_sandbox(logged_in_client, settings):
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
    }
    settings.SANDBOX_ENABLED = True
    page = logged_in_client.get("/connections/").content.decode()
    assert page.count("Connect sandbox account") == 6


def test_staff_can_connect_an_official_account(logged_in_client, user, mocked):
    user.is_staff = True
    user.save()
    response = logged_in_client.post("/connections/twitter/connect/", {"official": "1"})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    x_token_and_me(mocked)
    logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    official = Connection.objects.get(platform="twitter")
    assert official.owner is None
    assert official.is_official


def test_a_regular_user_cannot_create_official_accounts(logged_in_client, user, mocked):
    response = logged_in_client.post("/connections/twitter/connect/", {"official": "1"})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    x_token_and_me(mocked)
    logged_in_client.get("/connections/twitter/callback", {"state": state, "code": "c"})
    assert Connection.objects.get(platform="twitter").owner == user


def test_a_plan_without_own_accounts_cannot_start_a_connection(logged_in_client, settings):
    settings.BILLING_PLANS = {"starter": {"can_connect_own_accounts": False}}
    response = logged_in_client.post("/connections/twitter/connect/", follow=True)
    assert response.redirect_chain == [("/connections/", 302)]  # never sent to the platform
    assert "does not include connecting your own accounts" in flash(response)
    assert "/billing/" in flash(response)  # where to get more
    assert services.SESSION_KEY not in logged_in_client.session


def test_a_platform_outside_the_plan_cannot_be_connected(logged_in_client, settings):
    settings.BILLING_PLANS = {"starter": {"allowed_platforms": ["linkedin"]}}
    response = logged_in_client.post("/connections/twitter/connect/", follow=True)
    assert "does not include posting to twitter" in flash(response)
    assert start(logged_in_client, "linkedin")["state"]
