"""Each tool's input schema is the API's request schema for the same operation: checked against
the OpenAPI document the live server serves and against the request serializers themselves."""

import re

import pytest
import requests

from developer.mcp.schemas import IDEMPOTENCY_ARGUMENT
from developer.serializers import ApiKeyCreateSerializer, ApiKeyRenameSerializer
from launches.serializers import LaunchCreateSerializer, LaunchUpdateSerializer, PlatformsSerializer
from personas.serializers import AnalyzeSerializer, PersonaCreateSerializer, PersonaUpdateSerializer
from webhooks.serializers import WebhookCreateSerializer, WebhookUpdateSerializer

pytestmark = pytest.mark.django_db(transaction=True)

PLACEHOLDER = re.compile(r"\{([^}]+)\}")
REQUEST_SERIALIZERS = {
    "create_launch": LaunchCreateSerializer,
    "update_launch": LaunchUpdateSerializer,
    "generate_launch_content": PlatformsSerializer,
    "retry_launch_content": PlatformsSerializer,
    "create_persona": PersonaCreateSerializer,
    "update_persona": PersonaUpdateSerializer,
    "analyze_persona": AnalyzeSerializer,
    "create_api_key": ApiKeyCreateSerializer,
    "rename_api_key": ApiKeyRenameSerializer,
    "create_webhook": WebhookCreateSerializer,
    "update_webhook": WebhookUpdateSerializer,
}
NO_BODY = {"publish_launch", "retry_launch", "rotate_webhook_secret"}


def resolve(schema, document):
    """``schema`` with its $refs replaced by the components they name (test's own copy)."""
    if isinstance(schema, list):
        return [resolve(item, document) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        target = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        rest = {k: v for k, v in schema.items() if k != "$ref"}
        return resolve({**target, **rest}, document)
    return {key: resolve(value, document) for key, value in schema.items()}


def tool_operation(tool, document):
    """(documented path, operation) of the REST call the tool's description names."""
    method, path = re.search(r"REST: (\w+) (\S+)\.", tool.description).groups()
    wanted = PLACEHOLDER.sub("{}", path)
    for documented, operations in document["paths"].items():
        if PLACEHOLDER.sub("{}", documented) == wanted and method.lower() in operations:
            return method, path, documented, operations[method.lower()]
    raise AssertionError(f"{tool.name}: {method} {path} is not in /openapi.json")


def expected_schema(tool, document) -> tuple[dict, set, set]:
    """The tool's arguments as the API documents them: path, query, body (+ Idempotency-Key)."""
    method, path, documented, operation = tool_operation(tool, document)
    parameters = operation.get("parameters", [])
    path_params = {p["name"]: p for p in parameters if p["in"] == "path"}
    properties, required = {}, set()
    for ours, theirs in zip(
        PLACEHOLDER.findall(path), PLACEHOLDER.findall(documented), strict=True
    ):
        properties[ours] = resolve(path_params[theirs]["schema"], document)
        required.add(ours)
    for parameter in (p for p in parameters if p["in"] == "query"):
        properties[parameter["name"]] = resolve(parameter["schema"], document)
        if parameter.get("required"):
            required.add(parameter["name"])
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    parameter_names = set(properties)
    if content:
        body = resolve(content["schema"], document)
        properties.update(body.get("properties", {}))
        required |= set(body.get("required", []))
    if method == "POST":
        properties[IDEMPOTENCY_ARGUMENT] = None  # ours: the Idempotency-Key header
    return properties, required, parameter_names


@pytest.fixture
def served(web, mcp_tools):
    document = requests.get(f"{web.url}/openapi.json", timeout=30).json()
    return document, {tool.name: tool for tool in mcp_tools.list()}


def test_every_tool_schema_is_the_apis_request_schema(served):
    document, tools = served
    checked = 0
    for tool in tools.values():
        if "does not offer this operation yet" in tool.description:
            continue  # checked below
        properties, required, parameters = expected_schema(tool, document)
        schema = tool.input_schema
        assert set(schema["properties"]) == set(properties), tool.name
        assert set(schema["required"]) == required, tool.name
        assert schema["additionalProperties"] is False, tool.name
        for name, expected in properties.items():
            got = dict(schema["properties"][name])
            if name in parameters:  # a parameter's description is worded for agents
                got.pop("description", None)
            if expected is not None:
                assert got == expected, f"{tool.name}.{name}"
        checked += 1
    assert checked >= 33


def test_tools_for_operations_the_api_lacks_say_so_and_pass_arguments_on(served):
    document, tools = served
    for tool in tools.values():
        if "does not offer this operation yet" not in tool.description:
            continue
        method, path = re.search(r"^(\w+) (\S+) ", tool.description).groups()
        wanted = PLACEHOLDER.sub("{}", path)
        documented = {
            PLACEHOLDER.sub("{}", p)
            for p, ops in document["paths"].items()
            if method.lower() in ops
        }
        assert wanted not in documented, f"{tool.name}: the API has it, the tool must use it"
        assert tool.input_schema["additionalProperties"] is True
        assert set(tool.input_schema["required"]) == set(PLACEHOLDER.findall(path))


@pytest.mark.parametrize("tool_name", sorted(REQUEST_SERIALIZERS) + sorted(NO_BODY))
def test_body_arguments_are_the_request_serializers_fields(served, tool_name):
    _document, tools = served
    tool = tools[tool_name]
    path = re.search(r"REST: \w+ (\S+)\.", tool.description).group(1)
    ids = set(PLACEHOLDER.findall(path))
    body = set(tool.input_schema["properties"]) - ids - {IDEMPOTENCY_ARGUMENT}
    required = set(tool.input_schema["required"]) - ids

    serializer = REQUEST_SERIALIZERS.get(tool_name)
    fields = {} if serializer is None else serializer().fields
    writable = {name for name, field in fields.items() if not field.read_only}
    assert body == writable
    assert required == {name for name in writable if fields[name].required}
