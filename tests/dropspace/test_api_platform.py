"""The API platform every endpoint shares: error envelope, routing errors, schema, scopes."""

import pytest
from django.test import override_settings
from django.urls import path
from django.urls.resolvers import URLPattern, URLResolver
from rest_framework import serializers
from rest_framework.views import APIView

from developer.models import ApiKey
from developer.permissions import required_scope
from dropspace import urls as root_urls
from dropspace.api.pagination import PagePagination

pytestmark = pytest.mark.django_db


class Boom(APIView):
    required_scopes = {"GET": "read"}

    def get(self, request):
        raise RuntimeError("database password is hunter2")


urlpatterns = [path("v1/boom", Boom.as_view())]


def test_unknown_route_is_404_server_003(api):
    response = api.get("/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SERVER_003"


def test_wrong_method_is_405_server_004(api):
    response = api.put("/v1/keys/me", {}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "SERVER_004"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ('"text"', "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_body_is_400_server_002(api, body, content_type):
    response = api.generic("POST", "/v1/keys", body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_unrecognized_fields_are_named(api):
    response = api.post("/v1/keys", {"name": "x", "extra": 1, "more": 2}, format="json")
    details = response.json()["error"]["details"]
    assert {detail["field"] for detail in details} == {"extra", "more"}
    assert all(detail["message"] == "unrecognized field" for detail in details)


@override_settings(ROOT_URLCONF=__name__)
def test_unexpected_exception_is_500_without_internals(api):
    api.raise_request_exception = False
    response = api.get("/v1/boom")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "SERVER_001", "message": "internal server error"}}
    assert "hunter2" not in response.content.decode()


def test_openapi_schema_is_3_1_and_documents_every_operation(client):
    schema = client.get("/openapi.json").json()

    assert schema["openapi"] == "3.1.0"
    operations = [
        (route, method, operation)
        for route, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert operations
    for route, method, operation in operations:
        where = f"{method.upper()} {route}"
        assert route.startswith("/v1/"), where
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("x-required-scope"), f"{where} has no scope"
        assert "401" in operation["responses"], f"{where} documents no 401"
        assert "429" in operation["responses"], f"{where} documents no 429"
        assert any(code.startswith("2") for code in operation["responses"]), where


def test_api_docs_page_is_served_from_local_assets(client):
    response = client.get("/docs/api")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/openapi.json" in html
    assert "cdn" not in html.lower()


def _api_views(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _api_views(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and hasattr(pattern.callback, "cls"):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_api_operation_declares_its_scope():
    views = [
        (route, cb) for route, cb in _api_views(root_urls.urlpatterns) if route.startswith("v1/")
    ]
    assert views
    for route, callback in views:
        view = callback.cls(**getattr(callback, "initkwargs", {}))
        actions = getattr(callback, "actions", None)
        if actions:
            for method, action in actions.items():
                view.action = action
                assert required_scope(view, method), route
        else:
            for method in ("get", "post", "patch", "put", "delete"):
                if hasattr(view, method):
                    assert required_scope(view, method), f"{method} {route}"


@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ("", True),
        ("?page=2&page_size=1", True),
        ("?page_size=100", True),
        ("?page_size=101", False),
        ("?page_size=0", False),
        ("?page=0", False),
        ("?page=abc", False),
    ],
)
def test_pagination_bounds(rf, query, ok):
    request = rf.get(f"/v1/x{query}")
    request.query_params = request.GET
    paginator = PagePagination()
    if ok:
        paginator.paginate_queryset(ApiKey.objects.all(), request)
        assert paginator.pagination()["page_size"] in (50, 1, 100)
    else:
        with pytest.raises(serializers.ValidationError):
            paginator.paginate_queryset(ApiKey.objects.all(), request)


def test_pagination_envelope_and_page_past_the_end(rf, user, make_api_client):
    for number in range(3):
        make_api_client(user, name=f"k{number}")
    request = rf.get("/v1/x?page=2&page_size=2")
    request.query_params = request.GET
    paginator = PagePagination()
    page = paginator.paginate_queryset(ApiKey.objects.all(), request)
    body = paginator.get_paginated_response([str(k.pk) for k in page]).data
    assert body["pagination"] == {"page": 2, "page_size": 2, "total": 3, "total_pages": 2}
    assert len(body["data"]) == 1

    request = rf.get("/v1/x?page=9&page_size=2")
    request.query_params = request.GET
    assert paginator.paginate_queryset(ApiKey.objects.all(), request) == []


def test_response_shape_is_the_data_envelope(api):
    assert list(api.get("/v1/keys/me").json()) == ["data"]


def test_api_docs_page_has_a_way_back_to_the_app(client):
    html = client.get("/docs/api").content.decode()

    back = html.split('data-testid="back-to-app"')[0].rsplit("<a", 1)[1]
    assert 'href="/"' in back
    assert 'href="/settings/api-keys/"' in html
    assert "fonts.googleapis.com" not in html  # nothing loaded from elsewhere
    assert 'id="redoc-container"' in html or "<redoc" in html
