"""Webhook deliveries per second: real Celery workers send signed events to a local receiver.

``run()`` starts a receiver on 127.0.0.1, a Celery worker with 2 processes on a private queue
(same broker and database as the project: embedded or PostgreSQL + Redis), records events
through ``webhooks.services.record_event`` and times them until every delivery is recorded as
delivered. Needs WEBHOOKS_ALLOW_LOOPBACK=true in the environment (bench/__main__.py
sets it) so that the plain-http receiver is allowed.
"""

import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from dropspace.celery import app
from webhooks import services
from webhooks.models import Event, WebhookDelivery

QUEUE = "bench-webhooks"
BENCH_EMAIL = "bench-webhooks@localhost"


class _Receiver(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()


def run(count: int = 500, workers: int = 2) -> list[tuple[str, str]]:
    """Deliver ``count`` events with ``workers`` worker processes; return table rows."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    worker = _start_worker(workers)
    app.conf.task_default_queue = QUEUE  # our sends go to the private queue only
    try:
        owner = _fresh_owner(f"http://127.0.0.1:{server.server_port}/hook")
        _deliver(owner, 1, timeout=60)  # warm-up: the worker is up once this arrives
        elapsed, latencies = _deliver(owner, count, timeout=300)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        server.shutdown()
        get_user_model().objects.filter(email=BENCH_EMAIL).delete()
    label = f"webhooks ({workers} workers, local receiver, {_backend()})"
    return [
        (f"{label}: deliveries/s", f"{count / elapsed:.0f} ({count} in {elapsed:.1f} s)"),
        (
            f"{label}: event -> delivered",
            f"p50 {_ms(statistics.median(latencies))}, "
            f"p95 {_ms(statistics.quantiles(latencies, n=20)[-1])}",
        ),
    ]


def _start_worker(workers: int) -> subprocess.Popen:
    env = {**os.environ, "WEBHOOKS_ALLOW_LOOPBACK": "true"}
    command = [
        sys.executable, "-m", "celery", "-A", "dropspace", "worker",
        f"--concurrency={workers}", "-Q", QUEUE, "--loglevel=WARNING",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)


def _fresh_owner(url: str):
    users = get_user_model().objects
    users.filter(email=BENCH_EMAIL).delete()
    owner = users.create_user(BENCH_EMAIL, None)
    services.create_endpoint(owner=owner, url=url, events=["launch.completed"])
    return owner


def _deliver(owner, count: int, *, timeout: float) -> tuple[float, list[float]]:
    started = time.perf_counter()
    with transaction.atomic():
        ids = [
            services.record_event(owner=owner, type="launch.completed", data={"n": n}).pk
            for n in range(count)
        ]
    deliveries = WebhookDelivery.objects.filter(event_id__in=ids)
    while deliveries.filter(status=WebhookDelivery.Status.DELIVERED).count() < count:
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"deliveries not done after {timeout} s: is the worker running?")
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    latencies = [
        (delivered_at - created_at).total_seconds()
        for created_at, delivered_at in Event.objects.filter(pk__in=ids).values_list(
            "created_at", "deliveries__delivered_at"
        )
    ]
    return elapsed, latencies


def _backend() -> str:
    database = "SQLite" if settings.EMBEDDED else "PostgreSQL"
    return f"{database}, {settings.CELERY_BROKER_URL.split(':')[0]} broker"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"
