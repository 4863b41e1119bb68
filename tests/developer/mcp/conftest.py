"""A live ASGI web process (uvicorn: Django + /mcp) and the official MCP client to drive it."""

import asyncio
import re
import subprocess
import sys
import threading
from contextlib import asynccontextmanager
from pathlib import Path

import httpx2
import pytest
import uvicorn
from django.conf import settings as django_settings
from django.core.asgi import get_asgi_application
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from developer.mcp.http import with_mcp
from dropspace.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[3]


class LiveAsgiServer:
    """uvicorn serving the web process's ASGI app on a free port, in a thread of this process
    (so it shares the test database, as Django's live_server does)."""

    def __init__(self):
        config = uvicorn.Config(
            with_mcp(get_asgi_application()),
            host="127.0.0.1",
            port=0,
            lifespan="on",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            self.thread.join(0.05)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def web(transactional_db, settings, monkeypatch):
    """The live web process; the sandbox platforms are served by it too."""
    # as dropspace/asgi.py does: no persistent connections in the server's request threads
    monkeypatch.setitem(django_settings.DATABASES["default"], "CONN_MAX_AGE", 0)
    settings.WHITENOISE_USE_FINDERS = True  # static files without collectstatic, as embedded
    with LiveAsgiServer() as server:
        settings.SITE_URL = server.url
        settings.PLATFORM_CREDENTIALS = {
            name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
        }
        settings.SANDBOX_ENABLED = True
        settings.SANDBOX_BASE_URL = f"{server.url}/sandbox"
        settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 5.0
        yield server


@pytest.fixture
def eager_celery():
    """Tasks run where they are enqueued, as a worker would run them (no broker in tests)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@asynccontextmanager
async def http_session(url: str, key: str | None):
    """An initialized official-client session to ``url``/mcp sending ``key`` as the bearer."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    async with (
        httpx2.AsyncClient(headers=headers, timeout=120) as http,
        streamable_http_client(f"{url}/mcp", http_client=http) as streams,
        ClientSession(streams[0], streams[1]) as session,
    ):
        await session.initialize()
        yield session


def over_http(url: str, key: str | None, scenario):
    """Run ``await scenario(session)`` in a fresh session; returns what it returns."""

    async def run():
        async with http_session(url, key) as session:
            return await scenario(session)

    return asyncio.run(run())


class Tools:
    """Synchronous facade for tests: ``tools.call("get_launch", launch_id=...)``."""

    def __init__(self, url: str, key: str):
        self.url, self.key = url, key

    def call(self, tool: str, /, **arguments):
        return over_http(self.url, self.key, lambda s: s.call_tool(tool, arguments))

    def list(self):
        return over_http(self.url, self.key, lambda s: s.list_tools()).tools


@pytest.fixture
def mcp_tools(web, api):
    """The MCP tools over HTTP with ``api``'s key (every scope)."""
    return Tools(web.url, api.raw_key)


@pytest.fixture(scope="session")
def fresh_install(tmp_path_factory):
    """Environment of a fresh embedded install, and the keys `make run`-style commands print."""
    folder = tmp_path_factory.mktemp("stdio")
    env = {
        "DJANGO_SETTINGS_MODULE": "dropspace.settings",
        "DJANGO_READ_DOT_ENV_FILE": "false",
        "SQLITE_PATH": str(folder / "dropspace.sqlite3"),
        "CELERY_BROKER_URL": "memory://",  # nothing here is for a worker
        "PATH": "/usr/bin:/bin",
    }
    manage(env, "migrate", "--noinput")
    printed = manage(env, "create_demo_account")
    key = re.search(r"API key:\s+(ds_live_\S+)", printed).group(1)
    reader = manage(env, "create_api_key", "demo@dropspace.local", "--scopes", "read").strip()
    return {"env": env, "key": key, "reader": reader, "log": folder / "stderr.log"}


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
