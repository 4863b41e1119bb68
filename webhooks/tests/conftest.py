"""Webhook test helpers: fake DNS answers, a real local receiver, endpoints and deliveries."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import WebhookEndpoint
from webhooks.signing import new_secret


@pytest.fixture(autouse=True)
def _fake_dns(dns):
    """Every webhooks test answers DNS itself: *.example.com is public unless set."""
    return dns


@pytest.fixture
def insecure_localhost(settings):
    settings.WEBHOOKS_ALLOW_INSECURE_LOCALHOST = True


class Receiver:
    """A real HTTP server on 127.0.0.1 that records requests and answers from a script."""

    def __init__(self):
        self.requests: list[dict] = []
        self.responses: list[tuple[int, dict]] = []  # consumed in order; then 200
        self.got_request = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers.items()), "body": body}
                )
                status, headers = receiver.responses.pop(0) if receiver.responses else (200, {})
                reply = json.dumps({"ok": status < 300}).encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)
                receiver.got_request.set()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def start(self):
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(insecure_localhost):
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def make_endpoint(db):
    """Create an endpoint row directly (API and services are tested on their own)."""

    def make(owner, url="https://hooks.example.com/dropspace", events=None, **fields):
        return WebhookEndpoint.objects.create(
            owner=owner,
            url=url,
            events=events or ["launch.completed", "launch.failed"],
            secret=new_secret(),
            **fields,
        )

    return make


@pytest.fixture
def sent(monkeypatch):
    """Delivery ids handed to the send task (the broker is not running in tests)."""
    from webhooks import tasks

    ids: list[str] = []
    monkeypatch.setattr(tasks.send_delivery, "delay", ids.append)
    return ids
