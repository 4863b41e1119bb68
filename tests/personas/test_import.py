"""Writing samples imported from a connected account (the platform mocked with `responses`)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import responses
from django.urls import reverse
from django.utils import timezone

from connections.models import Connection
from connections.platforms import adapter_for
from connections.platforms.base import PostRequest
from personas.models import Persona

TWEETS_URL = "https://api.x.com/2/users/2244994945/tweets"
PLATFORMS = ["twitter", "linkedin", "facebook", "instagram", "tiktok", "reddit"]


@pytest.fixture(autouse=True)
def real_platforms(settings):
    """Adapters talk to the real platform hosts (which `responses` stands in for)."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": f"{name}-client", "client_secret": f"{name}-secret"}
        for name in PLATFORMS
    }
    settings.SANDBOX_ENABLED = False


@pytest.fixture
def platform_api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def x_account(user):
    return Connection.objects.create(
        owner=user,
        platform="twitter",
        entity_id="2244994945",
        username="@olive",
        access_token="access-1",
        refresh_token="refresh-1",
        expires_at=timezone.now() + timedelta(hours=1),
        extra={"handle": "olive"},
    )


def tweets(*texts):
    return {
        "data": [
            {"id": str(index), "text": text, "created_at": "2026-11-01T00:00:00Z"}
            for index, text in enumerate(texts, start=1)
        ]
    }


def import_url(persona):
    return f"/v1/personas/{persona.pk}/import"


def test_import_adds_new_posts_and_skips_duplicates(api, persona, x_account, platform_api):
    already = persona.twitter_samples[0]
    platform_api.get(TWEETS_URL, json=tweets("brand new post 🚀", already, "  ", "another one"))
    response = api.post(import_url(persona), {"connection_id": str(x_account.pk)})
    assert response.status_code == 200
    assert response.json()["data"] == {
        "source": "twitter",
        "fetched": 4,
        "imported": 2,
        "skipped_duplicates": 1,
        "skipped_over_limit": 0,
    }
    assert platform_api.calls[0].request.headers["Authorization"] == "Bearer access-1"
    persona.refresh_from_db()
    assert persona.twitter_samples[-2:] == ["brand new post 🚀", "another one"]
    assert len(persona.twitter_samples) == 5


def test_import_again_imports_nothing_new(api, persona, x_account, platform_api):
    for _ in range(2):
        platform_api.get(TWEETS_URL, json=tweets("only once"))
    api.post(import_url(persona), {"connection_id": str(x_account.pk)})
    second = api.post(import_url(persona), {"connection_id": str(x_account.pk)}).json()["data"]
    assert (second["imported"], second["skipped_duplicates"]) == (0, 1)
    persona.refresh_from_db()
    assert persona.twitter_samples.count("only once") == 1


def test_import_stops_at_the_50_sample_limit(api, persona, x_account, platform_api):
    Persona.objects.filter(pk=persona.pk).update(twitter_samples=[f"old {n}" for n in range(49)])
    platform_api.get(TWEETS_URL, json=tweets("new 1", "new 2", "new 3"))
    data = api.post(import_url(persona), {"connection_id": str(x_account.pk)}).json()["data"]
    assert (data["imported"], data["skipped_over_limit"]) == (1, 2)
    persona.refresh_from_db()
    assert len(persona.twitter_samples) == 50


def test_revoked_token_is_422_and_marks_the_account(api, persona, x_account, platform_api):
    x_account.refresh_token = ""
    x_account.save()
    platform_api.get(TWEETS_URL, status=401, json={"title": "Unauthorized", "detail": "revoked"})
    response = api.post(import_url(persona), {"connection_id": str(x_account.pk)})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "SERVER_005"
    x_account.refresh_from_db()
    assert x_account.health == "needs_reauth"


def test_platform_outage_is_503(api, persona, x_account, platform_api):
    platform_api.get(TWEETS_URL, status=503, json={"title": "Service Unavailable"})
    response = api.post(import_url(persona), {"connection_id": str(x_account.pk)})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "SERVER_001"


def test_a_strangers_connection_or_persona_is_404(api, stranger_api, persona, x_account):
    response = stranger_api.post(import_url(persona), {"connection_id": str(x_account.pk)})
    assert response.json()["error"]["code"] == "PERSONA_002"
    theirs = Persona.objects.create(owner=stranger_api.api_key.owner, name="Theirs")
    response = stranger_api.post(import_url(theirs), {"connection_id": str(x_account.pk)})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SERVER_003"


@pytest.mark.parametrize("body", [{}, {"connection_id": "nope"}, {"connection_id": 1, "x": 2}])
def test_import_malformed_is_400(api, persona, body):
    response = api.post(import_url(persona), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_import_needs_the_write_scope(make_api_client, user, persona, x_account):
    client = make_api_client(user, scopes=["read", "generate"])
    response = client.post(import_url(persona), {"connection_id": str(x_account.pk)})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"


def test_dashboard_import_button(logged_in_client, persona, x_account, platform_api):
    page = logged_in_client.get(reverse("personas:detail", args=[persona.pk]) + "?source=twitter")
    assert "Import recent posts from" in page.content.decode()
    platform_api.get(TWEETS_URL, json=tweets("fresh from X"))
    response = logged_in_client.post(
        reverse("personas:import", args=[persona.pk]),
        {"connection_id": str(x_account.pk)},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="samples",
    )
    body = response.content.decode()
    assert "Imported 1 post from" in body
    assert "fresh from X" in body
    assert "<html" not in body


def test_dashboard_without_an_account_points_to_connections(logged_in_client, persona):
    page = logged_in_client.get(reverse("personas:detail", args=[persona.pk]) + "?source=reddit")
    assert reverse("connections:list") in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_import_from_a_sandbox_account_end_to_end(settings, live_server, logged_in_client, user):
    """Embedded mode: connect X on the sandbox, post twice, import those posts as samples."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in PLATFORMS
    }
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    authorize = urlsplit(logged_in_client.post("/connections/twitter/connect/")["Location"])
    page = logged_in_client.get(f"{authorize.path}?{authorize.query}")
    params = {**dict(page.context["params"].items()), "username": "olive", "decision": "approve"}
    callback = urlsplit(logged_in_client.post(authorize.path, params)["Location"])
    logged_in_client.get(f"{callback.path}?{callback.query}")
    account = Connection.objects.get(owner=user, platform="twitter", is_active=True)
    assert account.is_sandbox
    for text in ("first sandbox post 🚀 #ship", "second sandbox post, calmer"):
        adapter_for(account).publish(account, PostRequest(text=text))

    persona = Persona.objects.create(owner=user, name="Sandboxed")
    response = logged_in_client.post(
        reverse("personas:import", args=[persona.pk]), {"connection_id": str(account.pk)}
    )
    assert response.status_code == 302
    persona.refresh_from_db()
    assert sorted(persona.twitter_samples) == [
        "first sandbox post 🚀 #ship",
        "second sandbox post, calmer",
    ]
