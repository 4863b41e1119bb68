"""Run a tool call as the API request it stands for, in-process, through Django itself.

Why a request and not a call into the services: the API is more than its services. Its
authentication, scope permission, ownership lookups, plan limits, serializer validation,
per-key rate limit and Idempotency-Key handling live in DRF views and middleware. Sending the
call through Django's own ASGI handler (middleware, URL resolution, the DRF view, the exception
handler) gives every tool exactly the REST behaviour with no second implementation to drift,
and an endpoint built later answers its tool the day it lands: until then the API's catch-all
route answers 404 SERVER_003, and so does the tool.
"""

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler
from rest_framework import exceptions

from developer.mcp.schemas import IDEMPOTENCY_ARGUMENT, ToolDefinition
from dropspace.api.exceptions import flatten_validation_errors

# Headers of the agent's own HTTP request that the API request keeps: how it reached us.
FORWARDED_HEADERS = (b"host", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host")
# Response headers an agent may act on (rate limit, replayed idempotent answer).
REPORTED_HEADERS = (
    "x-ratelimit-limit",
    "x-ratelimit-remaining",
    "x-ratelimit-reset",
    "retry-after",
    "idempotency-replayed",
)
_handler: ASGIHandler | None = None


@dataclass(frozen=True)
class Origin:
    """Where the agent's call came from: the API request inherits it."""

    scheme: str
    server: tuple[str, int] | None
    client: tuple[str, int] | None
    headers: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def from_scope(cls, scope: dict) -> "Origin":
        headers = tuple((k, v) for k, v in scope.get("headers", []) if k in FORWARDED_HEADERS)
        return cls(scope.get("scheme", "http"), scope.get("server"), scope.get("client"), headers)

    @classmethod
    def from_site_url(cls) -> "Origin":
        """stdio has no HTTP request: the call comes in as if addressed to SITE_URL."""
        site = urlsplit(settings.SITE_URL)
        port = site.port or (443 if site.scheme == "https" else 80)
        return cls(site.scheme, (site.hostname, port), None, ((b"host", site.netloc.encode()),))


@dataclass
class ApiResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class InvalidArguments(Exception):
    """Arguments that cannot become a request (answered like the API's validation error)."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors

    def body(self) -> dict:
        details = flatten_validation_errors(exceptions.ValidationError(self.errors).detail)
        first = details[0]
        message = f"{first['field']}: {first['message']}"
        return {"error": {"code": "SERVER_002", "message": message, "details": details}}


def build_request(tool: ToolDefinition, arguments: dict) -> tuple[str, str, str, bytes, dict]:
    """(method, path, query string, body, extra headers) for a call with ``arguments``."""
    arguments = dict(arguments or {})
    spec = tool.spec
    path = spec.path
    for name in spec.path_params:
        path = path.replace(f"{{{name}}}", _path_segment(name, arguments.pop(name, None)))

    headers = {}
    idempotency_key = arguments.pop(IDEMPOTENCY_ARGUMENT, None) if spec.method == "POST" else None
    if idempotency_key is not None:
        headers["idempotency-key"] = str(idempotency_key)

    if spec.method in ("GET", "DELETE"):
        unknown = set(arguments) - tool.query_params if tool.available else set()
        if unknown:
            raise InvalidArguments(dict.fromkeys(sorted(unknown), "unrecognized field"))
        query = urlencode({k: _query_value(v) for k, v in arguments.items() if v is not None})
        return spec.method, path, query, b"", headers
    body = json.dumps(arguments).encode() if arguments else b""
    return spec.method, path, "", body, headers


def _path_segment(name: str, value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value) == "":
        raise InvalidArguments({name: "this field is required (a non-empty string)"})
    value = str(value)
    if "/" in value or value in (".", ".."):
        # Django routes the decoded path: a slash would address another endpoint.
        raise InvalidArguments({name: "must not contain '/'"})
    return quote(value, safe="")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


async def call_api(
    *, token: str, origin: Origin, method: str, path: str, query: str, body: bytes, headers: dict
) -> ApiResponse:
    """Send one request through Django's ASGI handler and collect the response."""
    request_headers = [
        *origin.headers,
        (b"authorization", f"Bearer {token}".encode()),
        (b"user-agent", b"dropspace-mcp"),
        (b"accept", b"application/json"),
        *((name.encode(), value.encode()) for name, value in headers.items()),
    ]
    if body:
        request_headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": origin.scheme,
        "path": unquote(path),
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": request_headers,
        "server": origin.server,
        "client": origin.client,
    }
    response = ApiResponse(status=500)
    finished = asyncio.Event()
    body_sent = False

    async def receive():
        nonlocal body_sent
        if not body_sent:
            body_sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await finished.wait()  # Django listens for a disconnect while the view runs
        return {"type": "http.disconnect"}

    chunks: list[bytes] = []

    async def send(message):
        if message["type"] == "http.response.start":
            response.status = message["status"]
            response.headers = {
                k.decode().lower(): v.decode() for k, v in message.get("headers", [])
            }
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                finished.set()

    try:
        await django_handler()(scope, receive, send)
    finally:
        finished.set()
    response.body = b"".join(chunks)
    return response


def django_handler() -> ASGIHandler:
    global _handler
    if _handler is None:
        _handler = ASGIHandler()
    return _handler


def reported_headers(response: ApiResponse) -> dict[str, str]:
    return {name: response.headers[name] for name in REPORTED_HEADERS if name in response.headers}
