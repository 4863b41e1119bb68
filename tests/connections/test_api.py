from datetime import timedelta

import pytest
from django.utils import timezone

from connections.models import Connection


@pytest.fixture
def official(db):
    def make(platform, **fields):
        defaults = {
            "owner": None,
            "entity_id": f"official-{platform}",
            "username": "@dropspace",
            "access_token": "t",
        }
        defaults.update(fields)
        return Connection.objects.create(platform=platform, **defaults)

    return make


def test_list_connections_has_the_spec_fields_and_never_a_token(api, make_connection):
    make_connection(
        "twitter",
        username="@olive",
        display_name="Olive",
        access_token="SECRET-A",
        refresh_token="SECRET-R",
    )
    response = api.get("/v1/connections")
    assert response.status_code == 200
    [row] = response.json()["data"]
    assert set(row) == {
        "id",
        "platform",
        "entity_id",
        "account_info",
        "account_type",
        "is_active",
        "expires_at",
        "created_at",
        "updated_at",
    }
    assert row["account_info"] == {"username": "@olive", "display_name": "Olive"}
    assert row["is_active"] is True
    assert "SECRET" not in response.content.decode()
    assert response.json()["pagination"] == {
        "page": 1,
        "page_size": 50,
        "total": 1,
        "total_pages": 1,
    }


def test_list_is_paginated_and_scoped_to_the_owner(
    api, make_connection, stranger, django_assert_max_num_queries
):
    for n in range(3):
        make_connection("linkedin", entity_id=f"urn:li:organization:{n}")
    make_connection("twitter", owner=stranger)
    api.get("/v1/connections")  # a key's first request also stamps last_used_at, reads its plan
    with django_assert_max_num_queries(6):
        response = api.get("/v1/connections", {"page_size": 2, "page": 2})
    body = response.json()
    assert len(body["data"]) == 1
    assert body["pagination"]["total"] == 3


def test_disconnected_and_official_accounts_are_not_listed(api, make_connection, official):
    make_connection("twitter", is_active=False)
    official("reddit")
    assert api.get("/v1/connections").json()["data"] == []


def test_needs_reauth_shows_as_inactive(api, make_connection):
    make_connection("twitter", health=Connection.Health.NEEDS_REAUTH)
    assert api.get("/v1/connections").json()["data"][0]["is_active"] is False


def test_list_needs_the_read_scope(make_api_client, user):
    response = make_api_client(user, scopes=["write"]).get("/v1/connections")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"


def test_malformed_pagination_is_a_validation_error(api):
    response = api.get("/v1/connections", {"page_size": 500})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_unauthenticated_is_rejected(client, db):
    assert client.get("/v1/connections").status_code == 401


def test_dropspace_status_lists_all_six_platforms_in_canonical_order(api, official):
    official("twitter", username="@dropspace")
    official("linkedin", username="", display_name="dropspace")
    official("reddit", is_active=False)
    official("tiktok", refresh_token="", expires_at=timezone.now() - timedelta(days=1))
    official("instagram", refresh_token="r", expires_at=timezone.now() - timedelta(days=1))
    data = api.get("/v1/dropspace/status").json()["data"]
    assert [row["platform"] for row in data["platforms"]] == [
        "facebook",
        "linkedin",
        "twitter",
        "reddit",
        "instagram",
        "tiktok",
    ]
    rows = {row["platform"]: row for row in data["platforms"]}
    assert rows["facebook"] == {"platform": "facebook", "connected": False}
    assert rows["twitter"] == {
        "platform": "twitter",
        "connected": True,
        "account_name": "@dropspace",
    }
    assert rows["linkedin"]["account_name"] == "dropspace"
    assert rows["reddit"]["connected"] is False
    assert rows["tiktok"]["connected"] is False  # expired, nothing to refresh with
    assert rows["instagram"]["connected"] is True  # expired but renewable
    assert data["connected_platforms"] == ["linkedin", "twitter", "instagram"]
    assert "timestamp" in data


def test_dropspace_status_needs_the_read_scope(make_api_client, user):
    assert make_api_client(user, scopes=["publish"]).get("/v1/dropspace/status").status_code == 403


def test_user_connections_do_not_count_as_official(api, make_connection):
    make_connection("twitter")
    assert api.get("/v1/dropspace/status").json()["data"]["connected_platforms"] == []
