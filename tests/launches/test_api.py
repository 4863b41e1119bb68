"""The /v1/launches contract: shapes, defaults, status codes and error codes."""

import datetime as dt

import pytest
from django.utils import timezone

from developer.models import Scope
from launches.models import Launch
from personas.models import Persona
from tests.launches.factories import LaunchFactory, PostingLogFactory

CREATE = {
    "title": "Acme",
    "product_description": "Acme turns invoices into payments. One click.",
    "platforms": ["twitter", "linkedin", "reddit"],
}


def url(launch=None, action=""):
    if launch is None:
        return "/v1/launches"
    suffix = f"/{action}" if action else ""
    return f"/v1/launches/{getattr(launch, 'pk', launch)}{suffix}"


def error_code(response):
    return response.json()["error"]["code"]


# --- list -------------------------------------------------------------------------------------


def test_list_shape_and_pagination(api, user, stranger):
    LaunchFactory.create_batch(3, owner=user)
    LaunchFactory(owner=stranger)
    response = api.get(url(), {"page_size": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"page": 1, "page_size": 2, "total": 3, "total_pages": 2}
    item = body["data"][0]
    assert set(item) == {
        "id",
        "name",
        "status",
        "platforms",
        "scheduled_date",
        "product_url",
        "product_description",
        "persona_id",
        "media_mode",
        "media_assets",
        "dropspace_platforms",
        "user_platform_accounts",
        "created_at",
        "updated_at",
    }
    assert item["product_url"] is None
    assert item["media_mode"] is None


def test_list_defaults_to_50_per_page(api):
    assert api.get(url()).json()["pagination"]["page_size"] == 50


@pytest.mark.parametrize(
    "params", [{"page_size": 0}, {"page_size": 101}, {"page": 0}, {"status": "x"}]
)
def test_list_malformed_query_is_400(api, params):
    response = api.get(url(), params)
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_list_filters_by_status(api, user):
    LaunchFactory(owner=user, status="scheduled")
    LaunchFactory(owner=user)
    data = api.get(url(), {"status": "scheduled"}).json()["data"]
    assert [item["status"] for item in data] == ["scheduled"]


@pytest.mark.parametrize("page_size", [5, 50])
def test_list_query_count_is_constant(api, user, django_assert_num_queries, page_size):
    persona = Persona.objects.create(owner=user, name="P")
    LaunchFactory.create_batch(50, owner=user, persona=persona)
    # A key's first request also writes last_used_at and reads the owner's plan; after that:
    api.get(url())
    # auth key lookup + count + page (last_used_at at most once a minute; rate limit and plan
    # in the cache)
    with django_assert_num_queries(3):
        response = api.get(url(), {"page_size": page_size})
    assert len(response.json()["data"]) == page_size


# --- create -----------------------------------------------------------------------------------


def test_create_is_201_with_written_content(api):
    response = api.post(url(), CREATE, format="json")
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["status"] == "draft"
    assert data["name"] == "Acme"
    assert set(data["platform_contents"]) == {"twitter", "linkedin", "reddit"}
    assert data["platform_contents"]["reddit"]["platform"] == "reddit"
    assert data["platform_contents"]["reddit"]["generated_by"] == "offline"
    assert data["media_assets"] == []
    assert data["posting_status"] == {}
    assert data["generation_failures"] == {}


def test_create_with_a_schedule_is_scheduled(api):
    when = (timezone.now() + dt.timedelta(hours=2)).isoformat()
    data = api.post(url(), {**CREATE, "scheduled_date": when}, format="json").json()["data"]
    assert data["status"] == "scheduled"


def test_create_naive_schedule_is_400_with_a_message(api):
    response = api.post(url(), {**CREATE, "scheduled_date": "2099-01-01T09:00:00"}, format="json")
    assert response.status_code == 400
    assert "timezone offset" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        {**CREATE, "title": "t" * 201},
        {**CREATE, "platforms": []},
        {**CREATE, "media": [{"source": "url", "url": "https://x.test/a.png"}]},
        {**CREATE, "surprise": 1},
        {k: v for k, v in CREATE.items() if k != "title"},
        {**CREATE, "platform_contents": {"twitter": {"content": "a", "thread": ["b"]}}},
        {**CREATE, "platform_contents": {"twitter": {"tweets": ["b"]}}},
        {**CREATE, "custom_content": 42},
        {**CREATE, "persona_id": "not-a-uuid"},
    ],
)
def test_create_malformed_is_400_server_002(api, body):
    response = api.post(url(), body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
    assert response.json()["error"]["details"]


def test_create_with_a_strangers_persona_is_404_server_003(api, stranger):
    persona = Persona.objects.create(owner=stranger, name="Theirs")
    response = api.post(url(), {**CREATE, "persona_id": str(persona.pk)}, format="json")
    assert response.status_code == 404
    assert error_code(response) == "SERVER_003"


def test_create_over_the_monthly_limit_is_429_launch_002(api, settings):
    settings.BILLING_PLANS = {"starter": {"launches_per_month": 1}}
    assert api.post(url(), CREATE, format="json").status_code == 201
    response = api.post(url(), CREATE, format="json")
    assert response.status_code == 429
    assert error_code(response) == "LAUNCH_002"


def test_create_stores_posting_targets(api, make_platform_connection):
    twitter = make_platform_connection("twitter")
    org = make_platform_connection(
        "linkedin", account_type="organization", entity_id="urn:li:organization:42"
    )
    accounts = {"twitter": str(twitter.pk), "linkedin:organization:42": str(org.pk)}
    body = {**CREATE, "user_platform_accounts": accounts, "dropspace_platforms": ["reddit"]}
    data = api.post(url(), body, format="json").json()["data"]
    assert data["user_platform_accounts"] == accounts
    assert data["dropspace_platforms"] == ["reddit"]


def test_create_with_custom_thread(api):
    body = {**CREATE, "custom_content": ["one", "two"], "custom_content_reddit_title": "T"}
    contents = api.post(url(), body, format="json").json()["data"]["platform_contents"]
    assert contents["twitter"]["thread"] == ["one", "two"]
    assert contents["reddit"] == {
        "content": "one\n\ntwo",
        "title": "T",
        "platform": "reddit",
        "generated_by": "user",
    }


# --- detail -----------------------------------------------------------------------------------


def test_get_returns_contents_and_posting_status(api, launch):
    PostingLogFactory(
        launch=launch,
        status="success",
        post_url="https://x.com/a/status/1",
        posted_at=timezone.now(),
    )
    PostingLogFactory(
        launch=launch,
        platform="linkedin",
        target_key="linkedin:personal",
        status="failed",
        error_message="rate limited by platform",
    )
    data = api.get(url(launch)).json()["data"]
    assert data["platform_contents"]["twitter"]["content"] == "Acme is live"
    assert data["posting_status"]["twitter"]["status"] == "success"
    assert data["posting_status"]["linkedin"] == {
        "status": "failed",
        "error_message": "rate limited by platform",
    }
    assert data["started_at"] is None


@pytest.mark.parametrize(
    ("method", "action", "body"),
    [
        ("get", "", None),
        ("patch", "", {"name": "x"}),
        ("delete", "", None),
        ("post", "generate-content", {}),
        ("post", "retry-content", {}),
    ],
)
def test_strangers_launch_is_404_launch_001(stranger_api, launch, method, action, body):
    response = getattr(stranger_api, method)(url(launch, action), body, format="json")
    assert response.status_code == 404
    assert error_code(response) == "LAUNCH_001"
    assert Launch.objects.filter(pk=launch.pk, name="Acme launch").exists()


def test_malformed_id_is_404_launch_001(api):
    response = api.get(url("not-a-uuid"))
    assert response.status_code == 404
    assert error_code(response) == "LAUNCH_001"


@pytest.mark.parametrize(
    ("method", "action", "scopes"),
    [
        ("get", None, [Scope.WRITE]),
        ("post", None, [Scope.READ]),
        ("get", "", [Scope.WRITE]),
        ("patch", "", [Scope.READ]),
        ("delete", "", [Scope.WRITE]),
        ("post", "generate-content", [Scope.WRITE]),
        ("post", "retry-content", [Scope.WRITE]),
    ],
)
def test_missing_scope_is_403_auth_003(make_api_client, user, launch, method, action, scopes):
    client = make_api_client(user, scopes=scopes)
    target = url() if action is None else url(launch, action)
    response = getattr(client, method)(target, {}, format="json")
    assert response.status_code == 403
    assert error_code(response) == "AUTH_003"


# --- update -----------------------------------------------------------------------------------


def test_patch_merges_and_returns_the_launch(api, launch):
    body = {"name": "Renamed", "platform_contents": {"twitter": {"thread": ["a", "b"]}}}
    response = api.patch(url(launch), body, format="json")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["name"] == "Renamed"
    assert data["platform_contents"]["twitter"]["thread"] == ["a", "b"]
    assert data["platform_contents"]["linkedin"]["content"] == "Acme!"


@pytest.mark.parametrize(
    "body", [{}, {"colour": "red"}, {"status": "running"}, {"name": "n" * 201}]
)
def test_patch_malformed_is_400(api, launch, body):
    response = api.patch(url(launch), body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_patch_product_url_empty_clears_and_persona_null_clears(api, user):
    persona = Persona.objects.create(owner=user, name="P")
    launch = LaunchFactory(owner=user, product_url="https://acme.com", persona=persona)
    data = api.patch(url(launch), {"product_url": "", "persona_id": None}, format="json").json()
    assert data["data"]["product_url"] is None
    assert data["data"]["persona_id"] is None


@pytest.mark.parametrize("status", ["running", "completed", "partial"])
def test_patch_of_a_running_or_finished_launch_is_409(api, user, status):
    launch = LaunchFactory(owner=user, status=status)
    response = api.patch(url(launch), {"name": "x"}, format="json")
    assert response.status_code == 409
    assert error_code(response) == "LAUNCH_003"


def test_patch_cancels_a_running_launch(api, user):
    launch = LaunchFactory(owner=user, status="running")
    response = api.patch(url(launch), {"status": "cancelled"}, format="json")
    assert response.json()["data"]["status"] == "cancelled"


# --- delete -----------------------------------------------------------------------------------


def test_delete_is_204(api, launch):
    assert api.delete(url(launch)).status_code == 204
    assert not Launch.objects.filter(pk=launch.pk).exists()


def test_delete_running_is_409_launch_003(api, user):
    launch = LaunchFactory(owner=user, status="running")
    response = api.delete(url(launch))
    assert response.status_code == 409
    assert error_code(response) == "LAUNCH_003"


# --- content ----------------------------------------------------------------------------------


def test_generate_content_shape(api, launch):
    response = api.post(url(launch, "generate-content"), {"platforms": ["twitter"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert set(body["data"]) == {"id", "name", "platform_contents"}
    assert body["data"]["platform_contents"]["twitter"]["generated_by"] == "offline"
    assert body["data"]["platform_contents"]["linkedin"]["content"] == "Acme!"
    assert body["generation"] == {
        "platforms_generated": ["twitter"],
        "failures": None,
        "generated_by": "offline",
    }


@pytest.mark.parametrize(
    "body", [{"platforms": ["substack"]}, {"generate_video_scripts": ["tiktok"]}, {"x": 1}]
)
def test_generate_content_malformed_is_400(api, launch, body):
    response = api.post(url(launch, "generate-content"), body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_generate_content_on_a_running_launch_is_409(api, user):
    launch = LaunchFactory(owner=user, status="running")
    response = api.post(url(launch, "generate-content"), {}, format="json")
    assert response.status_code == 409
    assert error_code(response) == "LAUNCH_003"


def test_generate_content_over_the_regeneration_limit_is_429(api, launch, settings):
    settings.BILLING_PLANS = {"starter": {"regenerations_per_launch": 0}}
    response = api.post(url(launch, "generate-content"), {}, format="json")
    assert response.status_code == 429
    assert error_code(response) == "LAUNCH_002"


def test_generate_content_rate_limited_is_429_rate_001(api, launch, claude):
    import httpx

    body = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    claude.post("/v1/messages").mock(
        return_value=httpx.Response(429, json=body, headers={"retry-after": "12"})
    )
    response = api.post(url(launch, "generate-content"), {}, format="json")
    assert response.status_code == 429
    assert error_code(response) == "RATE_001"
    assert response["Retry-After"] == "12"


def test_generate_content_unavailable_is_503_server_001(api, launch, claude):
    import httpx

    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    claude.post("/v1/messages").mock(return_value=httpx.Response(529, json=body))
    response = api.post(url(launch, "generate-content"), {}, format="json")
    assert response.status_code == 503
    assert error_code(response) == "SERVER_001"


def test_retry_content_without_failures_is_400(api, launch):
    response = api.post(url(launch, "retry-content"), {}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_retry_content_retries_the_failed_platforms(api, user):
    failure = {"message": "too long", "at": "2026-01-01T00:00:00+00:00"}
    launch = LaunchFactory(
        owner=user,
        platform_contents={},
        generation_failures={"twitter": failure, "linkedin": failure},
    )
    response = api.post(url(launch, "retry-content"), {"platforms": ["twitter"]}, format="json")
    assert response.json() == {
        "data": {
            "retried": ["twitter"],
            "succeeded": ["twitter"],
            "still_failing": [],
            "rate_limited": [],
        }
    }
    launch.refresh_from_db()
    assert list(launch.generation_failures) == ["linkedin"]


def test_openapi_schema_documents_launches(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/launches", "/v1/launches/{launch_id}"} <= set(paths)
    assert "/v1/launches/{launch_id}/retry-content" in paths


def test_create_when_the_writer_is_rate_limited_is_429_and_saves_nothing(api, claude):
    import httpx

    body = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
    claude.post("/v1/messages").mock(return_value=httpx.Response(429, json=body))
    response = api.post(url(), CREATE, format="json")
    assert response.status_code == 429
    assert error_code(response) == "RATE_001"
    assert not Launch.objects.exists()


@pytest.mark.parametrize("body", [{"platforms": "twitter"}, {"platforms": [1, {}]}, {"x": 1}])
def test_retry_content_malformed_is_400(api, launch, body):
    response = api.post(url(launch, "retry-content"), body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_non_json_body_is_400(api):
    response = api.post(url(), "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
