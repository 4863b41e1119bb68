"""GET /v1/launches under load: latency p50 / p99, requests per second and queries per request.

``run()`` seeds a bench account with ``LAUNCHES`` launches (realistic content, several
platforms, posting accounts), starts gunicorn with 2 sync workers on a free 127.0.0.1 port
against the project's database and cache (embedded or PostgreSQL + Redis), and drives it from a
pool of client threads (one keep-alive ``requests`` session each) for a fixed number of requests
per page size, after a warm-up. Queries per request are counted in-process with Django's test
client on the same data. The per-key rate limit is lifted for the bench (in gunicorn's
environment) so that it measures the endpoint, not the limiter.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from billing.plans import DEFAULT_PLANS
from developer import services as developer_services
from launches.models import Launch

BENCH_EMAIL = "bench-api-list@localhost"
LAUNCHES = 1000
PAGE_SIZES = (50, 100)
WORKERS = 2
CLIENTS = (2, 8)  # as many as workers (service time), then 4x (queueing under load)
REQUESTS = 400
NO_LIMIT = 10**9
# The bench measures listing, not the rate limiter: every plan lets it through.
UNTHROTTLED = {name: {"api_requests_per_minute": NO_LIMIT} for name in DEFAULT_PLANS}


def run(requests_per_size: int = REQUESTS, concurrency=CLIENTS) -> list[tuple[str, str]]:
    owner, raw_key = _seed()
    port = _free_port()
    server = _start_gunicorn(port)
    try:
        url = f"http://127.0.0.1:{port}/v1/launches"
        _wait_until_up(url, raw_key)
        rows = []
        for page_size in PAGE_SIZES:
            queries = _queries_per_request(raw_key, page_size)
            for clients in concurrency:
                _load(url, raw_key, page_size, count=clients * 5, clients=clients)  # warm-up
                elapsed, latencies = _load(
                    url, raw_key, page_size, count=requests_per_size, clients=clients
                )
                rows.append(_row(page_size, clients, elapsed, latencies, queries))
        return rows
    finally:
        server.terminate()
        server.wait(timeout=30)
        owner.delete()


def _row(page_size, clients, elapsed, latencies, queries) -> tuple[str, str]:
    cuts = statistics.quantiles(latencies, n=100)
    setup = f"{WORKERS} gunicorn workers, {clients} clients, {_backend()}"
    label = f"GET /v1/launches page_size={page_size} ({setup})"
    value = (
        f"p50 {_ms(statistics.median(latencies))}, p99 {_ms(cuts[98])}, "
        f"{len(latencies) / elapsed:.0f} req/s, {queries} queries/request"
    )
    return label, value


def _seed():
    users = get_user_model().objects
    users.filter(email=BENCH_EMAIL).delete()
    owner = users.create_user(BENCH_EMAIL, None)
    contents = {
        "twitter": {
            "platform": "twitter",
            "thread": ["Acme is live 🚀"] * 3,
            "generated_by": "user",
        },
        "linkedin": {"platform": "linkedin", "content": "Acme. " * 200, "generated_by": "user"},
        "reddit": {
            "platform": "reddit",
            "title": "We built Acme",
            "content": "Acme " * 300,
            "subreddits": [{"name": "SideProject"}, {"name": "webdev"}],
            "generated_by": "user",
        },
    }
    Launch.objects.bulk_create(
        Launch(
            owner=owner,
            name=f"Bench launch {n}",
            status="completed",
            platforms=list(contents),
            product_url="https://acme.example",
            product_description="Acme turns invoices into payments. " * 10,
            platform_contents=contents,
            dropspace_platforms=["twitter"],
            user_platform_accounts={"linkedin:personal": "5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31"},
        )
        for n in range(LAUNCHES)
    )
    _, raw_key = developer_services.create_api_key(
        owner=owner, granter=owner, name="bench", scopes=["read"]
    )
    return owner, raw_key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "BILLING_PLANS": json.dumps(UNTHROTTLED)}
    command = [
        sys.executable, "-m", "gunicorn", "dropspace.wsgi:application",
        f"--bind=127.0.0.1:{port}", f"--workers={WORKERS}", "--worker-class=sync",
        "--log-level=warning",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL)


def _wait_until_up(url: str, raw_key: str, timeout: float = 60) -> None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            response = requests.get(url, headers=_headers(raw_key), timeout=5)
        except requests.ConnectionError:
            time.sleep(0.2)
            continue
        response.raise_for_status()
        return
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout:.0f} s")


def _headers(raw_key: str) -> dict:
    return {"Authorization": f"Bearer {raw_key}"}


def _load(url, raw_key, page_size, *, count, clients) -> tuple[float, list[float]]:
    """``count`` GETs spread over ``clients`` threads; (elapsed seconds, latencies)."""
    per_client = [count // clients + (1 if n < count % clients else 0) for n in range(clients)]
    pages = max(LAUNCHES // page_size, 1)

    def client(requests_to_send: int) -> list[float]:
        session, latencies = requests.Session(), []
        session.headers.update(_headers(raw_key))
        for n in range(requests_to_send):
            params = {"page_size": page_size, "page": n % pages + 1}
            started = time.perf_counter()
            response = session.get(url, params=params, timeout=30)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"GET {response.url} answered {response.status_code}")
        return latencies

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, per_client))
    return time.perf_counter() - started, [latency for part in results for latency in part]


def _queries_per_request(raw_key: str, page_size: int) -> int:
    """Database queries of one GET, in-process (auth, rate limit and the page itself)."""
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}", HTTP_HOST="127.0.0.1")
    with override_settings(BILLING_PLANS=UNTHROTTLED):
        client.get("/v1/launches", {"page_size": page_size})  # first use of the key
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/v1/launches", {"page_size": page_size, "page": 2})
    assert response.status_code == 200, response.status_code
    assert len(response.json()["data"]) == page_size
    return len(captured)


def _backend() -> str:
    database = "SQLite" if settings.EMBEDDED else "PostgreSQL"
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"{database}, {cache}"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
