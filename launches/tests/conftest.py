import socket

import pytest

from launches.tests.factories import LaunchFactory

REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def launch(user):
    return LaunchFactory(owner=user)


@pytest.fixture
def claude(settings):
    """Turn the Claude writer on; tests mock its HTTP API with respx."""
    settings.ANTHROPIC_API_KEY = "sk-ant-test"
    settings.ANTHROPIC_BASE_URL = "https://api.anthropic.test"
    settings.LAUNCH_WRITER_MAX_RETRIES = 0
    return "https://api.anthropic.test/v1/messages"


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
