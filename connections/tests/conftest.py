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
