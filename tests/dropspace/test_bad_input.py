"""Bad input gets a clear 4xx in the API's JSON error shape, never a 500 or an HTML page."""

import pytest
from rest_framework.test import APIClient

from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

LISTS = ["/v1/launches", "/v1/personas", "/v1/connections"]
HUGE_PAGES = [
    "page=9223372036854775808",
    "page=999999999999999999999",
    "page=9223372036854775807&page_size=100",
    "page=1000001",
]


def error_code(response) -> str:
    assert response["Content-Type"].startswith("application/json")
    return response.json()["error"]["code"]


@pytest.mark.parametrize("megabytes", [5, 50])
@pytest.mark.parametrize("idempotent", [False, True])
def test_a_body_over_the_limit_is_413(api, megabytes, idempotent):
    body = b'{"name": "' + b"a" * (megabytes * 1024 * 1024) + b'"}'
    headers = {"HTTP_IDEMPOTENCY_KEY": "big"} if idempotent else {}
    response = api.generic("POST", "/v1/keys", body, content_type="application/json", **headers)
    assert response.status_code == 413
    assert error_code(response) == "SERVER_002"
    assert "larger than 2.5 MB" in response.json()["error"]["message"]
    assert not api.api_key.owner.api_keys.filter(name__startswith="aaa").exists()


@pytest.mark.parametrize("path", ["/v1/launches", "/v1/personas", "/v1/keys", "/v1/webhooks"])
def test_json_nested_thousands_deep_is_400(api, path):
    body = b'{"name": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    response = api.generic("POST", path, body, content_type="application/json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
    assert "nested too deeply" in response.json()["error"]["message"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("query", HUGE_PAGES)
def test_a_page_past_any_real_list_is_400(api, path, query):
    response = api.get(f"{path}?{query}")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
    assert response.json()["error"]["details"][0]["field"] == "page"


@pytest.mark.parametrize("path", LISTS)
def test_the_last_allowed_page_is_an_empty_page(api, path):
    response = api.get(f"{path}?page=1000000&page_size=100")
    assert response.status_code == 200
    assert response.json()["data"] == []


def test_huge_page_on_webhook_deliveries_is_400(api):
    endpoint = WebhookEndpoint.objects.create(
        owner=api.api_key.owner, url="https://hooks.example.com/in", events=["launch.failed"]
    )
    response = api.get(f"/v1/webhooks/{endpoint.pk}/deliveries?page=9223372036854775808")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "get"])
@pytest.mark.parametrize("path", ["/v1/webhooks/not-a-uuid/test", "/v1/nothing/here", "/v1/"])
def test_unknown_api_routes_answer_json_for_every_method(api, method, path):
    client = APIClient(enforce_csrf_checks=True)  # as a real client: no CSRF exemption
    client.credentials(HTTP_AUTHORIZATION=api._credentials["HTTP_AUTHORIZATION"])
    response = getattr(client, method)(path, {}, format="json")
    assert response.status_code == 404
    assert error_code(response) == "SERVER_003"


def test_unknown_api_route_with_a_session_cookie_is_still_json(logged_in_client):
    logged_in_client.handler.enforce_csrf_checks = True
    response = logged_in_client.post("/v1/webhooks/not-a-uuid/test")
    assert response.status_code == 404
    assert error_code(response) == "SERVER_003"


def test_an_html_error_django_makes_under_v1_becomes_json(client, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    response = client.get("/v1/launches", HTTP_HOST="evil.example")  # DisallowedHost: 400
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_pages_outside_the_api_keep_their_html_errors(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("url", ["http://[", "https://[::1", "ftp://example.com", "example.com"])
def test_a_malformed_product_url_is_400(api, url):
    body = {"title": "Acme", "product_description": "Acme", "platforms": ["twitter"]}
    response = api.post("/v1/launches", {**body, "product_url": url}, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/launches", {"title": "A", "product_description": "B", "platforms": ["twitter"]}),
        ("/v1/personas", {"name": "Acme"}),
        ("/v1/keys", {"name": "ci"}),
    ],
)
def test_null_for_an_optional_field_means_not_given(api, path, body, dns):
    nulls = {
        "/v1/launches": ["product_url", "custom_content_reddit_title", "platform_contents"],
        "/v1/personas": ["description", "tone", "terminology", "twitter_samples"],
        "/v1/keys": ["scopes"],
    }[path]
    response = api.post(path, {**body, **dict.fromkeys(nulls)}, format="json")
    assert response.status_code == 201, response.json()


def test_null_for_an_optional_field_of_a_patch_changes_nothing(api):
    created = api.post(
        "/v1/launches",
        {
            "title": "A",
            "product_description": "B",
            "platforms": ["twitter"],
            "product_url": "https://acme.example.com",
        },
        format="json",
    ).json()["data"]
    response = api.patch(
        f"/v1/launches/{created['id']}", {"product_url": None, "name": "C"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["data"]["product_url"] == "https://acme.example.com"


def test_a_required_field_sent_as_null_is_400(api):
    response = api.post("/v1/keys", {"name": None}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == "name"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/personas", {"name": "Acme", "linkedin_samples": [0]}, "linkedin_samples"),
        ("/v1/personas", {"name": 5}, "name"),
        ("/v1/keys", {"name": 1.5}, "name"),
    ],
)
def test_a_number_for_a_string_field_is_400(api, path, body, field):
    response = api.post(path, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


def test_launch_create_and_update_take_inline_media_bodies_other_routes_do_not(api, settings):
    settings.API_BODY_MAX_BYTES = 1024
    settings.API_MEDIA_BODY_MAX_BYTES = 64 * 1024
    medium = b'{"title": "' + b"a" * 8 * 1024 + b'"}'  # over the API cap, under the media cap

    keys = api.generic("POST", "/v1/keys", medium, content_type="application/json")
    launch = api.generic("POST", "/v1/launches", medium, content_type="application/json")
    huge = b'{"title": "' + b"a" * 128 * 1024 + b'"}'
    too_big = api.generic("POST", "/v1/launches", huge, content_type="application/json")

    assert keys.status_code == 413
    assert "request body is larger than" in keys.json()["error"]["message"]
    assert launch.status_code == 400  # read and validated: the title is too long, not a 413
    assert error_code(launch) == "SERVER_002"
    assert too_big.status_code == 413
    assert error_code(too_big) == "SERVER_002"
