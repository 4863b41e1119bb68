"""/v1/webhooks through the API: shapes, rules, scopes, tenancy."""

import uuid

import pytest

from webhooks import catalog, services
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

URL = "https://hooks.example.com/dropspace"
BODY = {"url": URL, "events": ["launch.completed", "launch.failed"]}


def create(api, **overrides):
    return api.post("/v1/webhooks", {**BODY, **overrides}, format="json")


def error_code(response):
    return response.json()["error"]["code"]


def test_create_shows_the_secret_once(api):
    response = create(api)

    assert response.status_code == 201
    data = response.json()["data"]
    assert data["secret"].startswith("whsec_")
    assert data["url"] == URL
    assert data["events"] == BODY["events"]
    assert data["active"] is True
    assert WebhookEndpoint.objects.get(pk=data["id"]).secret == data["secret"]
    listed = api.get("/v1/webhooks").json()["data"]
    assert [item["id"] for item in listed] == [data["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in api.get(f"/v1/webhooks/{data['id']}").json()["data"]


def test_get_has_the_documented_shape(api):
    webhook_id = create(api).json()["data"]["id"]

    data = api.get(f"/v1/webhooks/{webhook_id}").json()["data"]
    assert set(data) == {
        "id", "url", "events", "active", "disabled_reason", "created_at", "updated_at",
    }  # fmt: skip
    assert data["disabled_reason"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"url": URL, "events": ["launch.published"]},  # not in the catalog
        {"url": URL, "events": []},
        {"url": URL, "events": "launch.completed"},
        {"url": URL},
        {"events": ["launch.completed"]},
        {"url": "not a url", "events": ["launch.completed"]},
        {"url": "http://hooks.example.com/x", "events": ["launch.completed"]},
        {"url": "https://169.254.169.254/", "events": ["launch.completed"]},
        {**BODY, "secret": "mine"},  # unknown field
    ],
)
def test_malformed_or_unsafe_input_is_400(api, body):
    response = api.post("/v1/webhooks", body, format="json")

    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
    assert not WebhookEndpoint.objects.exists()


def test_at_most_10_endpoints(api, stranger_api):
    for number in range(10):
        assert create(api, url=f"{URL}/{number}").status_code == 201

    response = create(api)
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"
    assert response.json()["error"]["message"] == "maximum 10 webhook endpoints allowed"
    assert create(stranger_api).status_code == 201  # the limit is per account


def test_patch_updates_url_events_and_active(api):
    webhook_id = create(api).json()["data"]["id"]
    path = f"/v1/webhooks/{webhook_id}"

    response = api.patch(path, {"url": f"{URL}/v2", "events": ["post.published"]}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["url"] == f"{URL}/v2"
    assert response.json()["data"]["events"] == ["post.published"]

    disabled = api.patch(path, {"active": False}, format="json").json()["data"]
    assert (disabled["active"], disabled["disabled_reason"]) == (False, "manual")
    enabled = api.patch(path, {"active": True}, format="json").json()["data"]
    assert (enabled["active"], enabled["disabled_reason"]) == (True, None)


@pytest.mark.parametrize(
    "body",
    [
        {"events": ["nope.nope"]},
        {"url": "https://10.0.0.1/x"},
        {"active": "maybe"},
        {"secret": "whsec_x"},
    ],
)
def test_patch_rejects_bad_input(api, body):
    webhook_id = create(api).json()["data"]["id"]

    response = api.patch(f"/v1/webhooks/{webhook_id}", body, format="json")
    assert response.status_code == 400
    assert error_code(response) == "SERVER_002"


def test_enabling_an_auto_disabled_endpoint_clears_the_failure_state(api):
    webhook_id = create(api).json()["data"]["id"]
    WebhookEndpoint.objects.filter(pk=webhook_id).update(active=False, disabled_reason="gone")

    assert api.get(f"/v1/webhooks/{webhook_id}").json()["data"]["disabled_reason"] == "gone"
    api.patch(f"/v1/webhooks/{webhook_id}", {"active": True}, format="json")
    endpoint = WebhookEndpoint.objects.get(pk=webhook_id)
    assert endpoint.active
    assert endpoint.disabled_reason == ""
    assert endpoint.failing_since is None


def test_delete(api):
    webhook_id = create(api).json()["data"]["id"]

    assert api.delete(f"/v1/webhooks/{webhook_id}").status_code == 204
    assert api.get(f"/v1/webhooks/{webhook_id}").status_code == 404


def test_rotate_secret_shows_the_new_secret_once(api):
    created = create(api).json()["data"]

    response = api.post(f"/v1/webhooks/{created['id']}/rotate-secret")
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"id", "secret"}
    assert data["secret"].startswith("whsec_")
    assert data["secret"] != created["secret"]
    assert WebhookEndpoint.objects.get(pk=created["id"]).secret == data["secret"]


def test_test_queues_a_webhook_test_event_for_this_endpoint_only(api):
    webhook_id = create(api, events=["launch.completed"]).json()["data"]["id"]

    response = api.post(f"/v1/webhooks/{webhook_id}/test")
    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["event_type"], data["status"], data["attempts"]) == ("webhook.test", "pending", 0)
    event = Event.objects.get(pk=data["event_id"])
    assert event.data["webhook_id"] == webhook_id


def test_test_and_redeliver_refuse_a_disabled_endpoint(api, user):
    webhook_id = create(api).json()["data"]["id"]
    event = services.record_event(owner=user, type="launch.completed", data={})
    delivery = event.deliveries.get()
    api.patch(f"/v1/webhooks/{webhook_id}", {"active": False}, format="json")

    test = api.post(f"/v1/webhooks/{webhook_id}/test")
    redeliver = api.post(f"/v1/webhooks/{webhook_id}/deliveries/{delivery.pk}/redeliver")
    assert (test.status_code, error_code(test)) == (400, "SERVER_005")
    assert (redeliver.status_code, error_code(redeliver)) == (400, "SERVER_005")


def test_deliveries_are_paginated_newest_first(api, user, django_assert_max_num_queries):
    webhook_id = create(api).json()["data"]["id"]
    events = [services.record_event(owner=user, type="launch.completed", data={}) for _ in range(3)]

    with django_assert_max_num_queries(8):
        response = api.get(f"/v1/webhooks/{webhook_id}/deliveries?page_size=2")
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"page": 1, "page_size": 2, "total": 3, "total_pages": 2}
    first = body["data"][0]
    assert first["event_id"] == events[-1].pk
    assert set(first) >= {
        "id", "event_type", "status", "attempts", "response_status", "delivered_at", "created_at",
    }  # fmt: skip
    assert first["status"] == "pending"
    assert api.get(f"/v1/webhooks/{webhook_id}/deliveries?page_size=500").status_code == 400


def test_redeliver_queues_the_delivery_again(api, user):
    webhook_id = create(api).json()["data"]["id"]
    event = services.record_event(owner=user, type="launch.completed", data={})
    WebhookDelivery.objects.filter(event=event).update(status="failed", next_attempt_at=None)
    delivery = event.deliveries.get()

    response = api.post(f"/v1/webhooks/{webhook_id}/deliveries/{delivery.pk}/redeliver")
    assert response.status_code == 202
    assert response.json()["data"]["id"] == str(delivery.pk)
    assert response.json()["data"]["status"] == "pending"
    missing = api.post(f"/v1/webhooks/{webhook_id}/deliveries/{uuid.uuid4()}/redeliver")
    assert missing.status_code == 404


def _paths(webhook_id, delivery_id):
    base = f"/v1/webhooks/{webhook_id}"
    return [
        ("get", base),
        ("patch", base),
        ("delete", base),
        ("post", f"{base}/rotate-secret"),
        ("post", f"{base}/test"),
        ("get", f"{base}/deliveries"),
        ("post", f"{base}/deliveries/{delivery_id}/redeliver"),
    ]


def test_a_strangers_webhook_is_404_everywhere(api, stranger_api, user):
    webhook_id = create(api).json()["data"]["id"]
    delivery = services.record_event(owner=user, type="launch.completed", data={})
    delivery_id = delivery.deliveries.get().pk

    for method, path in _paths(webhook_id, delivery_id):
        response = getattr(stranger_api, method)(path, {}, format="json")
        assert response.status_code == 404, path
        assert error_code(response) == "SERVER_003"
    assert WebhookEndpoint.objects.get(pk=webhook_id).active
    assert stranger_api.get("/v1/webhooks").json()["data"] == []


def test_every_operation_needs_the_admin_scope(api, make_api_client, user):
    webhook_id = create(api).json()["data"]["id"]
    delivery_id = uuid.uuid4()
    limited = make_api_client(user, scopes=["read", "write", "publish", "generate", "delete"])

    operations = [("get", "/v1/webhooks"), ("post", "/v1/webhooks")]
    for method, path in operations + _paths(webhook_id, delivery_id):
        response = getattr(limited, method)(path, BODY, format="json")
        assert response.status_code == 403, path
        assert error_code(response) == "AUTH_003"


def test_the_openapi_schema_documents_every_event_payload(client):
    schema = client.get("/openapi.json").json()

    envelopes = schema["webhooks"]["event"]["post"]["requestBody"]["content"]["application/json"]
    types = [envelope["properties"]["type"]["const"] for envelope in envelopes["schema"]["oneOf"]]
    assert sorted(types) == sorted(catalog.EVENT_NAMES)
    assert "/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver" in schema["paths"]
