"""The 36 tools: each is one documented API operation (method + path), named for agents.

Nothing here repeats what the API already states: input schemas, summaries and scopes are
read from the API itself (``schemas``), so a tool can never drift from its endpoint. What this
table adds is only what MCP asks for and the API has no word for: the tool's name, its
category and its behaviour hints.
"""

from dataclasses import dataclass

READ, WRITE, DESTRUCTIVE = "read", "write", "destructive"


@dataclass(frozen=True)
class ToolSpec:
    name: str
    category: str
    method: str
    path: str  # the API path; {name} segments become the tool's required arguments
    kind: str = READ  # READ (no change), WRITE (creates/changes), DESTRUCTIVE (deletes/revokes)
    open_world: bool = False  # talks to the social platforms, not only to dropspace
    idempotent: bool = False  # calling twice with the same arguments changes nothing more

    @property
    def path_params(self) -> list[str]:
        return [part[1:-1] for part in self.path.split("/") if part.startswith("{")]


def _tool(name, category, method, path, kind=READ, **hints) -> ToolSpec:
    return ToolSpec(name, category, method, path, kind, **hints)


LAUNCH = "/v1/launches/{launch_id}"
PERSONA = "/v1/personas/{persona_id}"
WEBHOOK = "/v1/webhooks/{webhook_id}"

TOOLS: tuple[ToolSpec, ...] = (
    # launches
    _tool("list_launches", "launches", "GET", "/v1/launches"),
    _tool("create_launch", "launches", "POST", "/v1/launches", WRITE),
    _tool("get_launch", "launches", "GET", LAUNCH),
    _tool("update_launch", "launches", "PATCH", LAUNCH, WRITE, idempotent=True),
    _tool("delete_launch", "launches", "DELETE", LAUNCH, DESTRUCTIVE, idempotent=True),
    _tool("publish_launch", "launches", "POST", f"{LAUNCH}/publish", WRITE, open_world=True),
    _tool("retry_launch", "launches", "POST", f"{LAUNCH}/retry", WRITE, open_world=True),
    _tool("retry_launch_content", "launches", "POST", f"{LAUNCH}/retry-content", WRITE),
    _tool("generate_launch_content", "launches", "POST", f"{LAUNCH}/generate-content", WRITE),
    _tool("get_launch_status", "launches", "GET", f"{LAUNCH}/status"),
    _tool("get_launch_analytics", "launches", "GET", f"{LAUNCH}/analytics", open_world=True),
    # posts
    _tool(
        "delete_post",
        "posts",
        "DELETE",
        f"{LAUNCH}/posts/{{log_id}}",
        DESTRUCTIVE,
        open_world=True,
        idempotent=True,
    ),
    _tool(
        "delete_all_posts",
        "posts",
        "DELETE",
        f"{LAUNCH}/posts",
        DESTRUCTIVE,
        open_world=True,
        idempotent=True,
    ),
    # personas
    _tool("list_personas", "personas", "GET", "/v1/personas"),
    _tool("create_persona", "personas", "POST", "/v1/personas", WRITE),
    _tool("get_persona", "personas", "GET", PERSONA),
    _tool("update_persona", "personas", "PATCH", PERSONA, WRITE, idempotent=True),
    _tool("delete_persona", "personas", "DELETE", PERSONA, DESTRUCTIVE, idempotent=True),
    _tool("analyze_persona", "personas", "POST", f"{PERSONA}/analyze", WRITE),
    # media
    _tool("generate_media", "media", "POST", "/v1/media/generate", WRITE),
    _tool("get_media_job", "media", "GET", "/v1/media/{job_id}"),
    # connections
    _tool("list_connections", "connections", "GET", "/v1/connections"),
    # API keys
    _tool("get_current_api_key", "API keys", "GET", "/v1/keys/me"),
    _tool("list_api_keys", "API keys", "GET", "/v1/keys"),
    _tool("create_api_key", "API keys", "POST", "/v1/keys", WRITE),
    _tool("rename_api_key", "API keys", "PATCH", "/v1/keys/{key_id}", WRITE, idempotent=True),
    _tool("revoke_api_key", "API keys", "DELETE", "/v1/keys/{key_id}", DESTRUCTIVE),
    # webhooks
    _tool("list_webhooks", "webhooks", "GET", "/v1/webhooks"),
    _tool("create_webhook", "webhooks", "POST", "/v1/webhooks", WRITE),
    _tool("get_webhook", "webhooks", "GET", WEBHOOK),
    _tool("update_webhook", "webhooks", "PATCH", WEBHOOK, WRITE, idempotent=True),
    _tool("delete_webhook", "webhooks", "DELETE", WEBHOOK, DESTRUCTIVE, idempotent=True),
    # the old secret stops verifying at once: receivers must switch to the new one
    _tool("rotate_webhook_secret", "webhooks", "POST", f"{WEBHOOK}/rotate-secret", DESTRUCTIVE),
    _tool("list_webhook_deliveries", "webhooks", "GET", f"{WEBHOOK}/deliveries"),
    # dropspace
    _tool("get_dropspace_status", "dropspace", "GET", "/v1/dropspace/status"),
    # usage
    _tool("get_usage", "usage", "GET", "/v1/usage"),
)

BY_NAME = {tool.name: tool for tool in TOOLS}
