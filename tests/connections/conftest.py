import pytest

from connections.sandbox import services as sandbox

PLATFORMS = ["twitter", "linkedin", "facebook", "instagram", "tiktok", "reddit"]


@pytest.fixture
def configured(settings):
    """Real-platform mode: every platform has (fake) app credentials, so adapters use real hosts."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": f"{name}-client", "client_secret": f"{name}-secret"}
        for name in PLATFORMS
    }
    settings.SANDBOX_ENABLED = False
    return settings


@pytest.fixture
def sandbox_server(settings, live_server):
    """The sandbox, served by Django's live server, standing in for every platform."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in PLATFORMS
    }
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 1.0
    return live_server


@pytest.fixture
def sandbox_services():
    return sandbox


@pytest.fixture
def mocked():
    """`responses` mock of the platforms' HTTP APIs; every registered call must happen."""
    import responses

    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def make_connection(db, user):
    """``make_connection(platform, **fields)`` -> a saved connection of ``user``."""
    from datetime import timedelta

    from django.utils import timezone

    from connections.models import Connection

    def make(platform, **fields):
        defaults = {
            "owner": user,
            "entity_id": f"{platform}-1",
            "username": "olive",
            "access_token": "access-1",
            "refresh_token": "refresh-1",
            "expires_at": timezone.now() + timedelta(hours=1),
        }
        defaults.update(fields)
        return Connection.objects.create(platform=platform, **defaults)

    return make


@pytest.fixture
def time_machine_now():
    """Freeze time so header-derived delays are exact."""
    import time_machine
    from django.utils import timezone

    with time_machine.travel(timezone.now(), tick=False):
        yield timezone.now()
