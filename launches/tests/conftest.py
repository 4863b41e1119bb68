import socket

import httpcore2
import pytest
import respx
from respx.mocks import HTTPCoreMocker

from launches.tests.factories import LaunchFactory

REAL_GETADDRINFO = socket.getaddrinfo


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
def launch(user):
    return LaunchFactory(owner=user)


@pytest.fixture
def claude(settings):
    """Turn the Claude writer on; tests mock its HTTP API with respx."""
    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.ANTHROPIC_BASE_URL = "https://api.anthropic.test"
    settings.LAUNCH_WRITER_MAX_RETRIES = 0
    settings.ANTHROPIC_MODEL = "claude-sonnet-4-6"  # the default is deprecated in this SDK
    with respx.mock(using="httpcore2") as router:
        router.url = "https://api.anthropic.test/v1/messages"
        yield router


@pytest.fixture
def public_dns(monkeypatch):
    """Resolve every *.example name to a public address (the fetcher refuses others)."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host.endswith(".example") or host == "acme.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port or 443))]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


@pytest.fixture(autouse=True)
def no_real_http(public_dns):
    """Product pages are fetched through dropspace.http (requests): nothing leaves the machine.

    Unmocked requests fail at once, which the writer treats as "no product page".
    """
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
