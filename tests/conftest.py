"""Fixtures shared by every app's tests: people, API clients with keys, the Anthropic switch."""

import os
import socket

import httpcore2
import pytest
import respx
from hypothesis import settings as hypothesis_settings
from respx.mocks import HTTPCoreMocker
from rest_framework.test import APIClient

from accounts.models import User
from developer import services as developer_services
from developer.models import Scope

ALL_SCOPES = [str(scope) for scope in Scope]

# CI explores the same examples on every run, so a landing is never decided by chance;
# local runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def media_folder(settings, tmp_path):
    """Media stored in this test's own folder (the default backend: local files)."""
    folder = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "media": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder


@pytest.fixture
def user(db):
    return User.objects.create_user("owner@example.com", "pw-owner-123", name="Olive Owner")


@pytest.fixture
def stranger(db):
    return User.objects.create_user("stranger@example.com", "pw-stranger-123")


@pytest.fixture
def plan_limits(settings):
    """``plan_limits(launches_per_month=1, ...)``: change the default plan's values (billing)."""

    def apply(**values):
        settings.BILLING_PLANS = {settings.DEFAULT_PLAN: values}

    return apply


@pytest.fixture
def make_api_client(db):
    """``make_api_client(user, scopes=[...])`` -> an APIClient sending a fresh key for user."""

    def make(user, scopes=None, name=None):
        name = name or f"test key {user.api_keys.count() + 1}"
        api_key, raw = developer_services.create_api_key(
            owner=user, granter=user, name=name, scopes=scopes
        )
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        client.api_key = api_key
        client.raw_key = raw
        return client

    return make


@pytest.fixture
def api(make_api_client, user):
    """An API client for ``user`` holding every scope."""
    return make_api_client(user, scopes=ALL_SCOPES)


@pytest.fixture
def stranger_api(make_api_client, stranger):
    return make_api_client(stranger, scopes=ALL_SCOPES)


@pytest.fixture
def logged_in_client(client, user):
    """Django test client signed in as ``user`` (for dashboard pages)."""
    client.force_login(user)
    return client


@pytest.fixture
def make_platform_connection(db, user):
    """``make_platform_connection("twitter", **fields)`` -> a saved connections.Connection of
    ``user`` (pass ``owner=None`` for an official account). Tokens are stored encrypted."""
    from datetime import timedelta

    from django.utils import timezone

    from connections.models import Connection

    def make(platform, **fields):
        defaults = {
            "owner": user,
            "entity_id": f"{platform}-account",
            "username": f"{platform}-user",
            "access_token": "access-token",
            "refresh_token": "refresh-token",
            "expires_at": timezone.now() + timedelta(hours=2),
        }
        return Connection.objects.create(platform=platform, **{**defaults, **fields})

    return make


REAL_GETADDRINFO = socket.getaddrinfo
PUBLIC_IP = "93.184.215.14"


class FakeDNS(dict):
    """Host -> addresses; ``*.example(.com)`` is public unless set; ``lookups`` records all."""

    def __init__(self):
        super().__init__()
        self.lookups: list[str] = []

    def answer(self, host: str) -> list[str] | None:
        if host in self:
            return self[host]
        if host.endswith(("example.com", ".example")):
            return [PUBLIC_IP]
        return None


@pytest.fixture
def dns(monkeypatch):
    """Answer DNS at the socket seam: set ``dns[host] = [ips]``; real lookups otherwise."""
    answers = FakeDNS()

    def getaddrinfo(host, port, *args, **kwargs):
        answers.lookups.append(host)
        ips = answers.answer(host)
        if ips is None:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in ip], socket.SOCK_STREAM, 6, "", (ip, port)) for ip in ips]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


class HTTPCore2Mocker(HTTPCoreMocker):
    """respx at the transport of the anthropic SDK, which sends through httpx2/httpcore2.

    respx ships mockers for httpcore only; httpcore2 keeps httpcore's interface, so the same
    mocker works once it patches httpcore2's classes and answers with httpcore2 responses.
    Use it with ``respx.mock(using="httpcore2")``.
    """

    name = "httpcore2"
    targets = [
        "httpcore2._sync.connection.HTTPConnection",
        "httpcore2._sync.connection_pool.ConnectionPool",
        "httpcore2._sync.http_proxy.HTTPProxy",
    ]

    @classmethod
    def from_sync_httpx_response(cls, httpx_response, target, **kwargs):
        return httpcore2.Response(
            status=httpx_response.status_code,
            headers=httpx_response.headers.raw,
            content=httpx_response.stream,
            extensions=httpx_response.extensions,
        )


@pytest.fixture
def anthropic_api(settings):
    """Claude switched on, its Messages API mocked at the SDK's HTTP transport with respx.

    Declare answers the respx way: ``anthropic_api.post("/v1/messages").mock(...)``.
    """
    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.ANTHROPIC_BASE_URL = None
    with respx.mock(
        using="httpcore2", base_url="https://api.anthropic.com", assert_all_called=False
    ) as router:
        yield router
