"""Tool definitions read from the OpenAPI document the API serves at /openapi.json.

drf-spectacular builds that document from the API's serializers and views, so every field,
type, limit, summary and scope a tool shows comes from the one place the API itself is
defined. Nothing is copied: a new field on a serializer appears in the tool on the next start,
and an endpoint built later (media, usage) gets its real schema without any change here.
"""

import copy
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from drf_spectacular.generators import SchemaGenerator

from developer.mcp.catalog import DESTRUCTIVE, READ, TOOLS, ToolSpec
from developer.permissions import ANY_KEY

IDEMPOTENCY_ARGUMENT = "idempotency_key"
IDEMPOTENCY_SCHEMA = {
    "type": "string",
    "minLength": 1,
    "maxLength": 255,
    "description": "sent as the Idempotency-Key header: calling again with the same key and "
    "arguments replays the first successful answer instead of doing the work twice (kept 24 "
    "hours, per API key)",
}
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_REQUIRES = re.compile(r"\s*Requires (any valid API key|an API key with the `\w+` scope)\.$")


@dataclass(frozen=True)
class ToolDefinition:
    """A catalog entry with what the API document says about its operation."""

    spec: ToolSpec
    operation: dict | None  # None: the API does not offer this operation (yet)
    input_schema: dict
    description: str
    query_params: frozenset[str]
    body_params: frozenset[str] | None  # None: unknown (no operation), pass everything on

    @property
    def available(self) -> bool:
        return self.operation is not None


@lru_cache(maxsize=1)
def api_document() -> dict:
    """The OpenAPI document, generated the way /openapi.json generates it."""
    return SchemaGenerator().get_schema(request=None, public=True)


@lru_cache(maxsize=1)
def tool_definitions() -> dict[str, ToolDefinition]:
    document = api_document()
    return {spec.name: define(spec, document) for spec in TOOLS}


def find_operation(document: dict, method: str, path: str) -> tuple[str, dict] | None:
    """The document's (path, operation) for METHOD path, whatever its parameters are called."""
    wanted = _PLACEHOLDER.sub("{}", path)
    for documented, operations in document.get("paths", {}).items():
        if _PLACEHOLDER.sub("{}", documented) == wanted and method.lower() in operations:
            return documented, operations[method.lower()]
    return None


def define(spec: ToolSpec, document: dict) -> ToolDefinition:
    found = find_operation(document, spec.method, spec.path)
    if found is None:
        return _unavailable(spec)
    documented_path, operation = found
    properties: dict[str, Any] = {}
    required: list[str] = []

    # Path parameters keep the tool's names (launch_id, job_id...), matched by position.
    documented_names = [name[1:-1] for name in _PLACEHOLDER.findall(documented_path)]
    by_name = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "path"}
    for tool_name, api_name in zip(spec.path_params, documented_names, strict=True):
        properties[tool_name] = _parameter_schema(by_name[api_name], document)
        properties[tool_name].setdefault("description", f"the {{{api_name}}} in {spec.path}")
        required.append(tool_name)

    query = [p for p in operation.get("parameters", []) if p["in"] == "query"]
    for parameter in query:
        properties[parameter["name"]] = _parameter_schema(parameter, document)
        if parameter.get("required"):
            required.append(parameter["name"])

    body = _request_body(operation, document)
    body_params = frozenset(body.get("properties", {}))
    for name, schema in body.get("properties", {}).items():
        if name in properties:
            raise ValueError(f"{spec.name}: body field {name!r} collides with a parameter")
        properties[name] = schema
    required += body.get("required", [])

    if spec.method == "POST":
        properties[IDEMPOTENCY_ARGUMENT] = dict(IDEMPOTENCY_SCHEMA)

    input_schema = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,  # the API refuses fields it does not know
    }
    if body.get("description"):
        input_schema["description"] = body["description"]
    return ToolDefinition(
        spec=spec,
        operation=operation,
        input_schema=input_schema,
        description=_describe(spec, operation, document),
        query_params=frozenset(p["name"] for p in query),
        body_params=body_params,
    )


def _unavailable(spec: ToolSpec) -> ToolDefinition:
    properties = {name: {"type": "string"} for name in spec.path_params}
    description = (
        f"{spec.method} {spec.path} ({spec.category}). This server's API does not offer this "
        "operation yet: the tool answers the API's own error for it (a 404 SERVER_003) until "
        "it does, and then works with the API's own arguments."
    )
    return ToolDefinition(
        spec=spec,
        operation=None,
        input_schema={
            "type": "object",
            "properties": properties,
            "required": list(spec.path_params),
            "additionalProperties": True,
        },
        description=description,
        query_params=frozenset(),
        body_params=None,
    )


def _parameter_schema(parameter: dict, document: dict) -> dict:
    schema = inline(parameter.get("schema", {"type": "string"}), document)
    if parameter.get("description"):
        schema["description"] = parameter["description"]
    return schema


def _request_body(operation: dict, document: dict) -> dict:
    content = operation.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema")
    return inline(schema, document) if schema else {}


def inline(schema: Any, document: dict, seen: tuple[str, ...] = ()) -> Any:
    """``schema`` with every ``$ref`` replaced by the component it names.

    Tool schemas must stand alone: MCP clients before the 2026 revision read only type,
    properties and required, and none resolve references into another document.
    """
    if isinstance(schema, list):
        return [inline(item, document, seen) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name in seen:
            raise ValueError(f"recursive component {name} cannot be inlined")
        target = document["components"]["schemas"][name]
        merged = {**copy.deepcopy(target), **{k: v for k, v in schema.items() if k != "$ref"}}
        return inline(merged, document, (*seen, name))
    return {key: inline(value, document, seen) for key, value in schema.items()}


def _describe(spec: ToolSpec, operation: dict, document: dict) -> str:
    parts = [operation.get("summary", "").rstrip(".") + "."]
    description = _REQUIRES.sub("", operation.get("description", "")).strip()
    if description:
        parts.append(description)
    scope = operation.get("x-required-scope")
    needs = "any valid API key" if scope == ANY_KEY else f"an API key with the `{scope}` scope"
    parts.append(f"Needs {needs}.")
    parts.append(f"REST: {spec.method} {spec.path}.")
    parts.append(_returns(operation, document))
    errors = _errors(operation)
    if errors:
        parts.append(f"Errors: {errors}.")
    if spec.kind == DESTRUCTIVE:
        parts.append("This cannot be undone.")
    return "\n\n".join(part for part in parts if part)


def _returns(operation: dict, document: dict) -> str:
    for status, response in sorted(operation.get("responses", {}).items()):
        if not status.startswith("2"):
            continue
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return f"Returns nothing on success (HTTP {status})."
        body = inline(schema, document)
        fields = sorted(body.get("properties", {}))
        data = body.get("properties", {}).get("data", {})
        item = data.get("items", data)
        item_fields = ", ".join(item.get("properties", {}))
        shape = " + ".join(f"`{name}`" for name in fields)
        listed = "a list of objects" if data.get("type") == "array" else "an object"
        detail = f" (`data` is {listed} with {item_fields})" if item_fields else ""
        return f"Returns (HTTP {status}) the API's JSON: {shape}{detail}."
    return ""


def _errors(operation: dict) -> str:
    described = [
        response.get("description", "")
        for status, response in sorted(operation.get("responses", {}).items())
        if status[0] in "45" and status not in ("401", "429", "500")
    ]
    return "; ".join(d for d in described if d)


def annotations_for(spec: ToolSpec) -> dict[str, Any]:
    return {
        "title": spec.name.replace("_", " ").capitalize(),
        "read_only_hint": spec.kind == READ,
        "destructive_hint": spec.kind == DESTRUCTIVE,
        "idempotent_hint": spec.kind == READ or spec.idempotent,
        "open_world_hint": spec.open_world,
    }
