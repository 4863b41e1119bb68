"""Idempotency-Key on POST: replay, conflict while running, mismatch, expiry, scoping."""

import pytest
import time_machine

from developer.models import ApiKey, IdempotencyRecord
from developer.tasks import purge_expired_idempotency_keys

pytestmark = pytest.mark.django_db


def create_key(api, name="k", key="idem-1"):
    return api.post("/v1/keys", {"name": name}, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_same_key_and_body_replays_the_first_response(api):
    first = create_key(api)
    second = create_key(api)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotency-Replayed"] == "true"
    assert ApiKey.objects.filter(name="k").count() == 1


def test_same_key_with_another_body_is_422(api):
    create_key(api, name="k")
    response = create_key(api, name="other")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "IDEMPOTENCY_002"
    assert not ApiKey.objects.filter(name="other").exists()


def test_request_still_running_is_409(api):
    create_key(api)
    # Turn the remembered outcome back into "in progress", as if the first were still running.
    IdempotencyRecord.objects.filter(key="idem-1").update(response_status=None)

    response = create_key(api)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "IDEMPOTENCY_001"


def test_in_progress_record_of_a_dead_process_is_taken_over(api):
    with time_machine.travel("2026-11-28 10:00:00Z"):
        create_key(api, name="a")
        IdempotencyRecord.objects.filter(key="idem-1").update(response_status=None)
        ApiKey.objects.filter(name="a").delete()
    with time_machine.travel("2026-11-28 10:06:00Z"):
        assert create_key(api, name="a").status_code == 201


def test_failed_requests_are_not_remembered(api):
    api.post("/v1/keys", {"name": "taken"}, format="json")
    conflict = create_key(api, name="taken", key="retry-me")
    assert conflict.status_code == 409
    api.delete(f"/v1/keys/{ApiKey.objects.get(name='taken').pk}")

    assert create_key(api, name="taken", key="retry-me").status_code == 201


def test_keys_are_scoped_to_the_credential(api, stranger_api):
    create_key(api)
    response = create_key(stranger_api)
    assert response.status_code == 201
    assert "Idempotency-Replayed" not in response


def test_keys_expire_after_24_hours(api):
    with time_machine.travel("2026-11-28 10:00:00Z"):
        create_key(api, name="a")
    with time_machine.travel("2026-11-29 10:00:01Z"):
        response = create_key(api, name="b")
        assert response.status_code == 201
        assert "Idempotency-Replayed" not in response


def test_purge_forgets_expired_records(api):
    with time_machine.travel("2026-11-27 09:00:00Z"):
        create_key(api, name="a", key="old")
    create_key(api, name="b", key="new")
    assert purge_expired_idempotency_keys() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_overlong_key_is_rejected(api):
    response = create_key(api, key="x" * 256)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_get_requests_ignore_the_header(api):
    assert api.get("/v1/keys", HTTP_IDEMPOTENCY_KEY="abc").status_code == 200
    assert not IdempotencyRecord.objects.exists()
