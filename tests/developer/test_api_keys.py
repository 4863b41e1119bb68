"""/v1/keys and /v1/keys/me: the key lifecycle through the API."""

import pytest

from developer import services
from developer.models import ApiKey, Scope, hash_key
from dropspace.api.errors import ApiError

pytestmark = pytest.mark.django_db


def test_create_returns_the_raw_key_once_and_stores_only_its_hash(api):
    response = api.post("/v1/keys", {"name": "ci"}, format="json")

    assert response.status_code == 201
    raw = response.json()["data"]["key"]
    body = response.json()["data"]["api_key"]
    assert raw.startswith("ds_live_")
    assert len(raw) == len("ds_live_") + 32
    assert body["scopes"] == ["read", "write", "publish", "generate"]
    assert body["key_prefix"] == raw[:12] + "..."
    stored = ApiKey.objects.get(pk=body["id"])
    assert stored.key_hash == hash_key(raw)
    assert not ApiKey.objects.filter(key_hash__contains=raw[8:]).exists()
    assert "key" not in api.get("/v1/keys").json()["data"][0]


def test_new_key_authenticates_with_exactly_its_scopes(api, client):
    raw = api.post("/v1/keys", {"name": "reader", "scopes": ["read"]}, format="json").json()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw['data']['key']}"}

    me = client.get("/v1/keys/me", **headers)
    assert me.status_code == 200
    assert me.json()["data"]["scopes"] == ["read"]
    assert set(me.json()["data"]) == {"id", "name", "key_prefix", "scopes", "created_at"}
    denied = client.get("/v1/keys", **headers)
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "AUTH_003"


def test_scopes_are_validated_and_normalized(api):
    response = api.post(
        "/v1/keys", {"name": "x", "scopes": ["admin", "read", "read"]}, format="json"
    )
    assert response.json()["data"]["api_key"]["scopes"] == ["read", "admin"]

    bad = api.post("/v1/keys", {"name": "y", "scopes": ["root"]}, format="json")
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "SERVER_002"
    empty = api.post("/v1/keys", {"name": "z", "scopes": []}, format="json")
    assert empty.status_code == 400


def test_list_shows_revoked_keys_with_revoked_at(api):
    created = api.post("/v1/keys", {"name": "old"}, format="json").json()["data"]["api_key"]
    api.delete(f"/v1/keys/{created['id']}")

    keys = {key["name"]: key for key in api.get("/v1/keys").json()["data"]}
    assert keys["old"]["revoked_at"] is not None
    assert set(keys["old"]) == {
        "id", "name", "key_prefix", "scopes", "last_used_at", "revoked_at", "created_at",
    }  # fmt: skip


def test_revocation_takes_effect_at_once(api, client):
    created = api.post("/v1/keys", {"name": "temp"}, format="json").json()["data"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {created['key']}"}
    assert client.get("/v1/keys/me", **headers).status_code == 200

    assert api.delete(f"/v1/keys/{created['api_key']['id']}").status_code == 204

    response = client.get("/v1/keys/me", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"
    assert api.delete(f"/v1/keys/{created['api_key']['id']}").status_code == 404


def test_at_most_ten_active_keys(api):
    for number in range(9):  # the client's own key is the first
        assert api.post("/v1/keys", {"name": f"k{number}"}, format="json").status_code == 201

    response = api.post("/v1/keys", {"name": "eleventh"}, format="json")
    assert response.status_code == 400
    assert "maximum 10" in response.json()["error"]["message"]

    first = api.get("/v1/keys").json()["data"][0]["id"]
    api.delete(f"/v1/keys/{first}")
    assert api.post("/v1/keys", {"name": "eleventh"}, format="json").status_code == 201


def test_duplicate_name_conflicts_but_a_revoked_name_is_free(api):
    created = api.post("/v1/keys", {"name": "dup"}, format="json").json()["data"]["api_key"]
    again = api.post("/v1/keys", {"name": "dup"}, format="json")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "SERVER_009"

    api.delete(f"/v1/keys/{created['id']}")
    assert api.post("/v1/keys", {"name": "dup"}, format="json").status_code == 201


def test_rename(api):
    created = api.post("/v1/keys", {"name": "before"}, format="json").json()["data"]["api_key"]
    api.post("/v1/keys", {"name": "taken"}, format="json")

    response = api.patch(f"/v1/keys/{created['id']}", {"name": "after"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "after"
    assert "scopes" not in response.json()["data"]

    clash = api.patch(f"/v1/keys/{created['id']}", {"name": "taken"}, format="json")
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "SERVER_009"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_a_strangers_key_is_not_found(api, stranger_api, method):
    theirs = stranger_api.api_key
    response = getattr(api, method)(f"/v1/keys/{theirs.pk}", {"name": "mine now"}, format="json")

    assert response.status_code == 404
    assert response.json()["error"] == {"code": "SERVER_003", "message": "api key not found"}
    theirs.refresh_from_db()
    assert theirs.name != "mine now"
    assert theirs.revoked_at is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "ok", "colour": "blue"}, "colour"),
        ({"name": "ok", "scopes": "read"}, "scopes"),
    ],
)
def test_malformed_create_is_a_validation_error(api, payload, field):
    response = api.post("/v1/keys", payload, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "SERVER_002"
    assert error["details"][0]["field"] == field


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/keys"),
        ("post", "/v1/keys"),
        ("patch", "/v1/keys/00000000-0000-0000-0000-000000000000"),
        ("delete", "/v1/keys/00000000-0000-0000-0000-000000000000"),
    ],
)
def test_managing_keys_needs_the_admin_scope(make_api_client, user, method, path):
    client = make_api_client(user, scopes=["read", "write", "delete", "publish", "generate"])
    response = getattr(client, method)(path, {"name": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"
    assert "admin" in response.json()["error"]["message"]


def test_last_used_at_is_recorded(api):
    api.get("/v1/keys/me")
    api.api_key.refresh_from_db()
    assert api.api_key.last_used_at is not None


# A key grants only what it holds: `admin` manages keys, it does not hand out every scope.


def test_an_admin_only_key_cannot_create_a_key_with_every_scope(make_api_client, user):
    admin_only = make_api_client(user, scopes=["admin"])

    response = admin_only.post(
        "/v1/keys", {"name": "everything", "scopes": Scope.values}, format="json"
    )

    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "AUTH_003"
    assert [detail["scope"] for detail in error["details"]] == [
        "read", "write", "delete", "publish", "generate",
    ]  # fmt: skip
    assert {detail["field"] for detail in error["details"]} == {"scopes"}
    assert "read, write, delete, publish, generate" in error["message"]
    assert not ApiKey.objects.filter(name="everything").exists()


def test_an_admin_only_key_cannot_fall_back_on_the_default_scopes(make_api_client, user):
    admin_only = make_api_client(user, scopes=["admin"])

    response = admin_only.post("/v1/keys", {"name": "defaults"}, format="json")

    assert response.status_code == 403
    assert [detail["scope"] for detail in response.json()["error"]["details"]] == [
        "read", "write", "publish", "generate",
    ]  # fmt: skip
    assert not ApiKey.objects.filter(name="defaults").exists()


def test_a_key_can_grant_the_scopes_it_holds(make_api_client, user):
    granter = make_api_client(user, scopes=["read", "publish", "admin"])

    narrower = granter.post("/v1/keys", {"name": "reader", "scopes": ["read"]}, format="json")
    same = granter.post(
        "/v1/keys", {"name": "twin", "scopes": ["admin", "publish", "read"]}, format="json"
    )
    wider = granter.post(
        "/v1/keys", {"name": "wider", "scopes": ["read", "write", "admin"]}, format="json"
    )

    assert narrower.status_code == 201
    assert narrower.json()["data"]["api_key"]["scopes"] == ["read"]
    assert same.status_code == 201
    assert same.json()["data"]["api_key"]["scopes"] == ["read", "publish", "admin"]
    assert wider.status_code == 403
    assert [detail["scope"] for detail in wider.json()["error"]["details"]] == ["write"]


def test_unknown_scopes_are_a_validation_error_before_the_grant_check(make_api_client, user):
    admin_only = make_api_client(user, scopes=["admin"])
    response = admin_only.post("/v1/keys", {"name": "x", "scopes": ["root"]}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_the_grant_rule_is_in_the_openapi_description(client):
    operation = client.get("/openapi.json").json()["paths"]["/v1/keys"]["post"]

    assert "can grant only scopes it holds itself" in operation["description"]
    assert "AUTH_003" in operation["responses"]["403"]["description"]
    assert "scopes it does not hold" in operation["responses"]["403"]["description"]


def test_the_grant_rule_protects_every_caller_of_the_service(user, stranger):
    key, _ = services.create_api_key(owner=user, granter=user, name="k", scopes=["admin"])

    with pytest.raises(ApiError) as denied:
        services.create_api_key(owner=user, granter=key, name="wide", scopes=["delete"])
    assert denied.value.code.name == "AUTH_003"
    with pytest.raises(ValueError, match="owner"):  # never on another person's account
        services.create_api_key(owner=stranger, granter=key, name="theirs", scopes=["admin"])
    with pytest.raises(ValueError, match="owner"):
        services.create_api_key(owner=stranger, granter=user, name="theirs", scopes=["admin"])
