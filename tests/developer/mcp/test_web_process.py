"""The Procfile's web process (what `make run` starts) is the ASGI server: pages, static files,
the API and /mcp from one process, on a fresh install with the key `make run` prints."""

import asyncio
import os
import shlex
import signal
import socket
import subprocess
import time

import httpx2
import pytest
import requests

from tests.developer.mcp.conftest import ROOT, http_session


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        process, _, command = line.partition(":")
        if process.strip() == name:
            return command.strip()
    raise AssertionError(f"no {name} process in the Procfile")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def web_process(fresh_install, tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**fresh_install["env"], "PORT": str(port), "SITE_URL": url}
    log = (tmp_path_factory.mktemp("web") / "web.log").open("w")
    process = subprocess.Popen(
        ["bash", "-c", f"exec {procfile_command('web')}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                requests.get(f"{url}/accounts/login/", timeout=60)  # warms the templates too
                break
            except requests.RequestException:
                assert process.poll() is None, "the web process exited"
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(30)
        log.close()


def test_the_web_process_is_an_asgi_server():
    command = shlex.split(procfile_command("web"))
    assert command[0].endswith("uvicorn")
    assert "dropspace.asgi:application" in command


def test_pages_static_files_and_the_api_are_served_as_before(web_process, fresh_install):
    assert requests.get(f"{web_process}/static/css/app.css", timeout=60).status_code == 200
    login = requests.get(f"{web_process}/accounts/login/", timeout=60)
    assert "csrfmiddlewaretoken" in login.text
    me = requests.get(
        f"{web_process}/v1/keys/me",
        headers={"Authorization": f"Bearer {fresh_install['key']}"},
        timeout=60,
    )
    assert me.status_code == 200
    assert me.headers["X-RateLimit-Limit"]


def test_an_agent_with_the_printed_key_uses_mcp_at_slash_mcp(web_process, fresh_install):
    async def scenario():
        async with http_session(web_process, fresh_install["key"]) as session:
            tools = (await session.list_tools()).tools
            created = await session.call_tool(
                "create_launch",
                {
                    "title": "Acme from make run",
                    "product_description": "Acme, launched by an agent through /mcp.",
                    "platforms": ["twitter"],
                },
            )
            return tools, created

    tools, created = asyncio.run(scenario())

    assert len(tools) == 36
    assert not created.is_error, created.content[0].text
    assert created.structured_content["data"]["platform_contents"]["twitter"]
    bad_key = {"Authorization": "Bearer x"}
    refused = httpx2.post(f"{web_process}/mcp", json={}, headers=bad_key, timeout=60)
    assert refused.status_code == 401
