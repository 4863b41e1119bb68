"""The MCP server over streamable HTTP at /mcp, driven by the official MCP Python client
against a live uvicorn web process (Django + /mcp in one ASGI app)."""

import json

import httpx2
import pytest
import requests

from connections.models import Connection
from connections.sandbox import services as sandbox
from connections.sandbox.models import SandboxPost
from developer.mcp.catalog import TOOLS
from developer.models import ApiKey
from launches.models import Launch
from personas.models import Persona
from tests.developer.mcp.conftest import Tools, over_http

pytestmark = pytest.mark.django_db(transaction=True)

CATEGORIES = {
    "launches": 11,
    "posts": 2,
    "personas": 6,
    "media": 2,
    "connections": 1,
    "API keys": 5,
    "webhooks": 7,
    "dropspace": 1,
    "usage": 1,
}


def connect(owner, platform: str) -> Connection:
    """A sandbox account connected the way the OAuth flow leaves it."""
    account = sandbox.sign_in(platform=platform, username="olive")
    token = sandbox.issue_token(account)
    entity_id, extra = account.entity_id, {}
    if platform == "linkedin":  # LinkedIn posts as the member's URN
        entity_id = f"urn:li:person:{account.entity_id}"
        extra = {"author": entity_id, "person": entity_id}
    return Connection.objects.create(
        owner=owner,
        platform=platform,
        account_type="personal",
        entity_id=entity_id,
        username=account.username,
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        extra=extra,
        is_sandbox=True,
    )


def rest(web, key, method, path, body=None):
    """The same operation through the REST API, for answers that must be identical."""
    response = requests.request(
        method,
        f"{web.url}{path}",
        headers={"Authorization": f"Bearer {key}"},
        json=body,
        timeout=30,
    )
    return response.status_code, (response.json() if response.content else None)


def status_of(result) -> int:
    return result.meta["dev.dropspace/http"]["status"]


def data(result):
    assert not result.is_error, result.content[0].text
    return result.structured_content["data"]


def test_all_36_tools_are_listed_with_schemas_descriptions_and_hints(mcp_tools):
    tools = {tool.name: tool for tool in mcp_tools.list()}

    assert sorted(tools) == sorted(spec.name for spec in TOOLS)
    assert len(tools) == 36
    by_category = {}
    for tool in tools.values():
        by_category.setdefault(tool.meta["dev.dropspace/category"], []).append(tool.name)
        assert tool.input_schema["type"] == "object"
        assert tool.description
    assert {name: len(names) for name, names in by_category.items()} == CATEGORIES

    create = tools["create_launch"]
    assert {"title", "product_description", "platforms"} <= set(create.input_schema["required"])
    assert "Needs an API key with the `write` scope." in create.description
    assert "Returns (HTTP 201)" in create.description
    assert create.annotations.read_only_hint is False
    assert create.annotations.destructive_hint is False
    assert tools["get_launch_status"].annotations.read_only_hint is True
    assert tools["delete_launch"].annotations.destructive_hint is True
    assert tools["revoke_api_key"].annotations.destructive_hint is True
    assert tools["get_current_api_key"].description.count("any valid API key") == 1
    # path ids keep the names the issue promised, list tools page
    assert tools["delete_post"].input_schema["required"] == ["launch_id", "log_id"]
    assert tools["rename_api_key"].input_schema["required"][0] == "key_id"
    for name in ("list_launches", "list_personas", "list_connections", "list_webhook_deliveries"):
        assert {"page", "page_size"} <= set(tools[name].input_schema["properties"]), name


def test_a_whole_launch_through_tools_only(mcp_tools, user, eager_celery):
    twitter, linkedin = connect(user, "twitter"), connect(user, "linkedin")

    created = mcp_tools.call(
        "create_launch",
        title="Acme 2.0",
        product_description="Acme turns a launch day into one calm click.",
        platforms=["twitter", "linkedin"],
        user_platform_accounts={"twitter": str(twitter.pk), "linkedin:personal": str(linkedin.pk)},
    )
    assert status_of(created) == 201
    launch = data(created)
    assert set(launch["platform_contents"]) == {"twitter", "linkedin"}  # written for us

    text = "Acme 2.0 is live: one calm click for launch day."
    updated = mcp_tools.call(
        "update_launch",
        launch_id=launch["id"],
        platform_contents={"twitter": {"content": text}},
    )
    assert data(updated)["platform_contents"]["twitter"]["content"] == text

    published = mcp_tools.call("publish_launch", launch_id=launch["id"])
    assert status_of(published) == 202
    assert data(published) == {"message": "publish queued"}

    status = data(mcp_tools.call("get_launch_status", launch_id=launch["id"]))
    assert status["launch_status"] == "completed"
    assert {log["platform"]: log["status"] for log in status["posting_logs"]} == {
        "twitter": "success",
        "linkedin": "success",
    }
    tweet = SandboxPost.objects.get(account__platform="twitter")
    assert tweet.text == text  # really posted to the sandbox platform

    analytics = data(mcp_tools.call("get_launch_analytics", launch_id=launch["id"]))
    assert {entry["platform"] for entry in analytics["platforms"]} == {"twitter", "linkedin"}

    listed = mcp_tools.call("list_launches", page=1, page_size=10)
    assert listed.structured_content["pagination"]["total"] == 1
    connections = data(mcp_tools.call("list_connections"))
    assert {c["platform"] for c in connections} == {"twitter", "linkedin"}
    assert data(mcp_tools.call("get_dropspace_status"))["platforms"]

    deleted = data(mcp_tools.call("delete_all_posts", launch_id=launch["id"]))
    assert deleted["deleted_count"] == 2
    assert not SandboxPost.objects.filter(deleted_at__isnull=True).exists()


def test_personas_webhooks_and_keys_through_tools(mcp_tools, user, eager_celery, dns):
    persona = data(
        mcp_tools.call(
            "create_persona",
            name="Olive",
            description="Warm, precise, a little dry.",
            twitter_samples=["Shipping beats talking. Today we ship.", "Small tools, big days."],
        )
    )
    started = mcp_tools.call("analyze_persona", persona_id=persona["id"], platforms=["twitter"])
    assert not started.is_error, started.content[0].text
    analyzed = data(mcp_tools.call("get_persona", persona_id=persona["id"]))
    assert analyzed["build_status"] == Persona.BuildStatus.COMPLETE
    assert analyzed["persona_analysis"]

    webhook = data(
        mcp_tools.call(
            "create_webhook", url="https://hooks.example.com/dropspace", events=["launch.completed"]
        )
    )
    rotated = data(mcp_tools.call("rotate_webhook_secret", webhook_id=webhook["id"]))
    assert rotated["secret"] != webhook["secret"]
    deliveries = mcp_tools.call("list_webhook_deliveries", webhook_id=webhook["id"])
    assert deliveries.structured_content["data"] == []

    me = data(mcp_tools.call("get_current_api_key"))
    new_key = data(mcp_tools.call("create_api_key", name="agent", scopes=["read"]))
    assert new_key["key"].startswith("ds_live_")
    renamed = data(mcp_tools.call("rename_api_key", key_id=new_key["api_key"]["id"], name="bot"))
    assert renamed["name"] == "bot"
    revoked = mcp_tools.call("revoke_api_key", key_id=new_key["api_key"]["id"])
    assert not revoked.is_error
    assert status_of(revoked) == 204
    assert ApiKey.objects.get(pk=new_key["api_key"]["id"]).revoked_at is not None
    assert me["id"] in [key["id"] for key in data(mcp_tools.call("list_api_keys"))]


def test_tools_for_endpoints_not_built_answer_exactly_what_the_api_answers(web, api, mcp_tools):
    """media and usage tools dispatch by URL: whatever the API answers, they answer."""
    calls = [
        ("get_usage", {}, "GET", "/v1/usage", None),
        ("get_media_job", {"job_id": "job-1"}, "GET", "/v1/media/job-1", None),
        ("generate_media", {"prompt": "a calm launch"}, "POST", "/v1/media/generate",
         {"prompt": "a calm launch"}),
    ]  # fmt: skip
    for tool, arguments, method, path, body in calls:
        result = mcp_tools.call(tool, **arguments)
        status, rest_body = rest(web, api.raw_key, method, path, body)
        assert status_of(result) == status, tool
        if status >= 400:
            assert result.is_error
            assert result.structured_content == rest_body, tool
        else:  # the endpoint exists now: the same data comes back
            assert result.structured_content.keys() == rest_body.keys(), tool


def test_a_read_only_key_cannot_call_a_write_tool(web, make_api_client, user):
    reader = Tools(web.url, make_api_client(user, scopes=["read"]).raw_key)

    refused = reader.call("create_launch", title="x", product_description="y", platforms=["x"])

    assert refused.is_error
    assert refused.structured_content["error"]["code"] == "AUTH_003"
    assert "'write' scope" in refused.structured_content["error"]["message"]
    assert status_of(refused) == 403
    assert not Launch.objects.exists()
    assert not reader.call("list_launches").is_error


@pytest.mark.parametrize("key", [None, "ds_live_not-a-real-key", "Basic abc"])
def test_a_missing_or_bad_key_is_refused_before_any_tool_runs(web, key):
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call"}
    call["params"] = {"name": "create_launch", "arguments": {"title": "x"}}
    headers = {"Accept": "application/json, text/event-stream"}
    if key:
        headers["Authorization"] = key if " " in key else f"Bearer {key}"

    response = httpx2.post(f"{web.url}/mcp", json=call, headers=headers, timeout=60)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert not Launch.objects.exists()


def test_the_official_client_cannot_connect_with_a_revoked_key(web, api):
    api.delete(f"/v1/keys/{api.api_key.pk}")

    with pytest.raises(ExceptionGroup) as refused:  # the SDK raises inside its task groups
        over_http(web.url, api.raw_key, lambda session: session.list_tools())
    assert "MCPError" in repr(refused.value)
    bearer = {"Authorization": f"Bearer {api.raw_key}"}
    raw = httpx2.post(f"{web.url}/mcp", json={}, headers=bearer, timeout=60)
    assert raw.status_code == 401


def test_validation_errors_are_tool_errors_with_the_api_code_and_details(web, api, mcp_tools):
    arguments = {"title": "", "product_description": "y", "platforms": ["myspace"]}

    result = mcp_tools.call("create_launch", **arguments)

    assert result.is_error
    error = result.structured_content["error"]
    assert error["code"] == "SERVER_002"
    assert {detail["field"] for detail in error["details"]} >= {"platforms"}
    assert result.content[0].text.startswith("SERVER_002: ")
    assert (status_of(result), result.structured_content) == rest(
        web, api.raw_key, "POST", "/v1/launches", arguments
    )


def test_unknown_arguments_are_refused_like_unknown_fields(mcp_tools):
    for tool, arguments in [
        ("create_launch", {"title": "x", "colour": "red"}),  # the API refuses it
        ("list_launches", {"colour": "red"}),  # a GET: refused before the request
    ]:
        result = mcp_tools.call(tool, **arguments)
        assert result.is_error
        assert result.structured_content["error"]["code"] == "SERVER_002"
        assert {"field": "colour", "message": "unrecognized field"} in result.structured_content[
            "error"
        ]["details"]


def test_a_path_argument_cannot_reach_another_endpoint(mcp_tools, api):
    result = mcp_tools.call("get_launch", launch_id="x/status")
    assert result.structured_content["error"]["code"] == "SERVER_002"
    assert result.structured_content["error"]["details"][0]["field"] == "launch_id"


def test_a_strangers_launch_is_not_found(web, stranger_api, mcp_tools):
    created = stranger_api.post(
        "/v1/launches",
        {"title": "theirs", "product_description": "not yours", "platforms": ["hackernews"]},
        format="json",
    )
    theirs = created.json()["data"]["id"]

    for tool in ("get_launch", "get_launch_status", "publish_launch", "delete_launch"):
        result = mcp_tools.call(tool, launch_id=theirs)
        assert result.is_error, tool
        assert result.structured_content["error"]["code"] == "LAUNCH_001", tool
    assert Launch.objects.filter(pk=theirs, status="draft").exists()


def test_idempotency_key_replays_the_first_answer(mcp_tools):
    arguments = {
        "title": "Once",
        "product_description": "Created once, however often the agent retries.",
        "platforms": ["hackernews"],
        "idempotency_key": "launch-once-1",
    }
    first = mcp_tools.call("create_launch", **arguments)
    again = mcp_tools.call("create_launch", **arguments)

    assert data(first)["id"] == data(again)["id"]
    assert again.meta["dev.dropspace/http"]["headers"]["idempotency-replayed"] == "true"
    assert Launch.objects.count() == 1
    changed = mcp_tools.call("create_launch", **{**arguments, "title": "Twice"})
    assert changed.structured_content["error"]["code"] == "IDEMPOTENCY_002"


def test_tool_calls_count_against_the_keys_rate_limit(mcp_tools, plan_limits):
    plan_limits(api_requests_per_minute=2)

    answers = [mcp_tools.call("list_launches") for _ in range(3)]

    assert [answer.is_error for answer in answers] == [False, False, True]
    assert answers[0].meta["dev.dropspace/http"]["headers"]["x-ratelimit-remaining"] == "1"
    throttled = answers[2]
    assert throttled.structured_content["error"]["code"] == "RATE_001"
    assert int(throttled.meta["dev.dropspace/http"]["headers"]["retry-after"]) >= 1


def test_static_files_and_pages_are_still_served_by_the_asgi_process(web, client):
    assert requests.get(f"{web.url}/static/css/app.css", timeout=60).status_code == 200
    login = requests.get(f"{web.url}/accounts/login/", timeout=60)
    assert login.status_code == 200
    assert "csrfmiddlewaretoken" in login.text
    schema = requests.get(f"{web.url}/openapi.json", timeout=60)
    assert json.loads(schema.content)["openapi"].startswith("3.1")


def test_a_session_keeps_working_across_many_calls(web, api):
    async def scenario(session):
        results = [await session.call_tool("list_launches", {}) for _ in range(3)]
        return [result.is_error for result in results]

    assert over_http(web.url, api.raw_key, scenario) == [False, False, False]


def test_plan_limits_apply_to_tool_calls(mcp_tools, plan_limits):
    plan_limits(launches_per_month=1)
    launch = {"title": "One", "product_description": "The only one.", "platforms": ["hackernews"]}

    first = mcp_tools.call("create_launch", **launch)
    second = mcp_tools.call("create_launch", **{**launch, "title": "Two"})

    assert not first.is_error
    assert second.is_error
    assert second.structured_content["error"]["code"] == "LAUNCH_002"
    assert status_of(second) == 429
    assert Launch.objects.count() == 1


def test_an_unknown_tool_is_a_protocol_error(web, api):
    async def scenario(session):
        return await session.call_tool("post_to_myspace", {})

    with pytest.raises(ExceptionGroup) as refused:
        over_http(web.url, api.raw_key, scenario)
    assert "unknown tool: post_to_myspace" in repr(refused.value)
