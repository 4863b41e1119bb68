"""/mcp: the MCP server over streamable HTTP, in the same ASGI process as Django.

Stateless and with plain JSON answers: every POST carries its own API key and is complete in
itself, so any number of web workers can serve any call without sticky sessions.
"""

import json
from contextlib import AsyncExitStack

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections
from django.http.request import split_domain_port, validate_host
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings

from developer.authentication import active_api_key
from developer.mcp.server import build_server, http_credentials
from dropspace.api.errors import Code, error_body

MCP_PATH = "/mcp"
MISSING_KEY = "missing API key: send Authorization: Bearer ds_live_..."


class McpEndpoint:
    """ASGI app for /mcp: the API key is checked before the MCP SDK sees the request."""

    def __init__(self):
        self.sessions = StreamableHTTPSessionManager(
            app=build_server(http_credentials),
            stateless=True,
            json_response=True,
            # Host is checked against ALLOWED_HOSTS below, as Django checks it for every page.
            security_settings=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", []))
        if not _allowed_host(headers.get(b"host", b"").decode("latin-1")):
            body = error_body(Code.SERVER_002, "this server does not serve that Host")
            await _json(send, 400, body)
            return
        token = _bearer(headers.get(b"authorization", b"").decode("latin-1"))
        if token is None or not await sync_to_async(_is_active_key)(token):
            message = MISSING_KEY if token is None else Code.AUTH_001.default_message
            await _json(send, 401, error_body(Code.AUTH_001, message), _CHALLENGE)
            return
        await self.sessions.handle_request(scope, receive, send)


_CHALLENGE = [(b"www-authenticate", b'Bearer realm="dropspace"')]


def _is_active_key(token: str) -> bool:
    # Outside a Django request nothing closes this thread's connection: do what a request does.
    close_old_connections()
    try:
        return active_api_key(token) is not None
    finally:
        close_old_connections()


def _bearer(header: str) -> str | None:
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _allowed_host(host: str) -> bool:
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]  # as Django's own get_host()
    return bool(domain) and validate_host(domain, allowed)


async def _json(send, status: int, body: dict, headers: list | None = None) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def with_mcp(django_application):
    """The web process's ASGI app: /mcp to the MCP server, everything else to Django."""
    endpoint = McpEndpoint()

    async def application(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(endpoint, receive, send)
        elif scope["type"] == "http" and scope["path"].rstrip("/") == MCP_PATH:
            await endpoint(scope, receive, send)
        else:
            await django_application(scope, receive, send)

    application.mcp_endpoint = endpoint
    return application


async def _lifespan(endpoint: McpEndpoint, receive, send) -> None:
    """Run the MCP session manager for as long as the server runs (Django has no lifespan)."""
    await receive()  # lifespan.startup
    async with AsyncExitStack() as stack:
        try:
            await stack.enter_async_context(endpoint.sessions.run())
        except Exception as error:  # reported to the server, which stops
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            return
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
    await send({"type": "lifespan.shutdown.complete"})
