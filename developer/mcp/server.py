"""The MCP server: lists the 36 tools and answers a call with the API's own answer."""

import json
from collections.abc import Callable
from typing import Any

import anyio
import mcp_types as types
from mcp.server import Server
from mcp.shared.exceptions import MCPError

from developer.mcp import dispatch
from developer.mcp.schemas import ToolDefinition, annotations_for, tool_definitions
from dropspace.api.errors import Code

SERVER_NAME = "dropspace"
INSTRUCTIONS = (
    "dropspace runs product launches across social platforms. A launch: create_launch "
    "(content is written per platform), optionally update_launch or generate_launch_content, "
    "publish_launch, then follow get_launch_status until launch_status is completed, partial "
    "or failed; get_launch_analytics afterwards. Every tool answers the REST API's JSON; "
    "errors carry the API's error code (e.g. LAUNCH_007 with every problem in details)."
)
META_KEY = "dev.dropspace/http"  # the HTTP status and rate-limit headers of the API answer
# status -> the catalog code for an API answer that is not the error envelope (rare: e.g.
# Django's own 400 for a Host it does not serve)
_FALLBACK_CODES = {400: Code.SERVER_002, 404: Code.SERVER_003, 405: Code.SERVER_004}

# (request context) -> (API key, origin of the call): HTTP reads the agent's request, stdio
# uses the key it was started with.
Credentials = Callable[[Any], tuple[str, dispatch.Origin]]


def http_credentials(ctx) -> tuple[str, dispatch.Origin]:
    request = ctx.request  # the Starlette request /mcp received (already authenticated)
    token = request.headers.get("authorization", "").partition(" ")[2].strip()
    return token, dispatch.Origin.from_scope(request.scope)


def fixed_credentials(token: str) -> Credentials:
    origin = dispatch.Origin.from_site_url()
    return lambda ctx: (token, origin)


def build_server(credentials: Credentials) -> Server:
    async def list_tools(ctx, params) -> types.ListToolsResult:
        definitions = await definitions_off_the_loop()
        return types.ListToolsResult(tools=[as_tool(d) for d in definitions.values()])

    async def call_tool(ctx, params: types.CallToolRequestParams) -> types.CallToolResult:
        definition = (await definitions_off_the_loop()).get(params.name)
        if definition is None:
            raise MCPError(types.INVALID_PARAMS, f"unknown tool: {params.name}")
        token, origin = credentials(ctx)
        return await run_tool(definition, params.arguments or {}, token=token, origin=origin)

    return Server(
        SERVER_NAME,
        version="1.0.0",
        title="dropspace",
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def definitions_off_the_loop() -> dict[str, ToolDefinition]:
    """The tool definitions; the first call generates the API document (a second or two of
    CPU), in a thread so the event loop keeps serving meanwhile."""
    return await anyio.to_thread.run_sync(tool_definitions)


def as_tool(definition: ToolDefinition) -> types.Tool:
    spec = definition.spec
    annotations = annotations_for(spec)
    return types.Tool(
        name=spec.name,
        title=annotations["title"],
        description=definition.description,
        input_schema=definition.input_schema,
        annotations=types.ToolAnnotations(**annotations),
        _meta={"dev.dropspace/category": spec.category},
    )


async def run_tool(
    definition: ToolDefinition, arguments: dict, *, token: str, origin: dispatch.Origin
) -> types.CallToolResult:
    try:
        method, path, query, body, headers = dispatch.build_request(definition, arguments)
    except dispatch.InvalidArguments as invalid:
        return _error_result(invalid.body(), {"status": 400})
    response = await dispatch.call_api(
        token=token,
        origin=origin,
        method=method,
        path=path,
        query=query,
        body=body,
        headers=headers,
    )
    return as_result(response)


def as_result(response: dispatch.ApiResponse) -> types.CallToolResult:
    meta = {"status": response.status, "headers": dispatch.reported_headers(response)}
    payload = _json_or_none(response)
    if response.status >= 400:
        if not (isinstance(payload, dict) and "error" in payload):
            code = _FALLBACK_CODES.get(response.status, Code.SERVER_001)
            message = f"{code.default_message} (HTTP {response.status}, no API error body)"
            payload = {"error": {"code": code.name, "message": message}}
        return _error_result(payload, meta)
    if payload is None:
        text = f"Done: the API answered HTTP {response.status} with no content."
        return types.CallToolResult(content=[_text(text)], _meta={META_KEY: meta})
    return types.CallToolResult(
        content=[_text(json.dumps(payload))], structured_content=payload, _meta={META_KEY: meta}
    )


def _error_result(payload: dict, meta: dict) -> types.CallToolResult:
    error = payload["error"]
    text = f"{error['code']}: {error['message']}"
    if error.get("details"):
        text += "\ndetails: " + json.dumps(error["details"])
    return types.CallToolResult(
        content=[_text(text)], structured_content=payload, is_error=True, _meta={META_KEY: meta}
    )


def _json_or_none(response: dispatch.ApiResponse) -> Any:
    if "json" not in response.headers.get("content-type", "") or not response.body:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _text(text: str) -> types.TextContent:
    return types.TextContent(type="text", text=text)
