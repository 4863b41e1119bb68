"""Token refresh: the single-use refresh token race, the beat task, failures -> needs_reauth."""

import threading
import time
from datetime import timedelta

import pytest
import responses
from django.db import connection as db
from django.db import connections
from django.utils import timezone

from connections import services, tasks
from connections.models import Connection
from connections.platforms.base import ReauthError

TOKEN_URL = "https://api.x.com/2/oauth2/token"
pytestmark = pytest.mark.usefixtures("configured")


def rotating_token_endpoint(calls):
    """X's token endpoint: each refresh token works once and yields a new pair."""
    spent = set()

    def answer(request):
        calls.append(request.body)
        time.sleep(0.2)  # a slow platform widens the race window
        token = dict(pair.split("=") for pair in request.body.split("&"))["refresh_token"]
        if token in spent:
            return (400, {}, '{"error": "invalid_request"}')
        spent.add(token)
        n = len(spent) + 1
        return (
            200,
            {},
            f'{{"access_token": "access-{n}", "refresh_token": "refresh-{n}", "expires_in": 7200}}',
        )

    return answer


def test_a_worker_that_waited_for_the_lock_uses_the_new_token_instead_of_spending_again(
    make_connection,
):
    # What select_for_update serialises: the second refresher holds the same stale access token.
    connection = make_connection("twitter")
    first, second = (
        Connection.objects.get(pk=connection.pk),
        Connection.objects.get(pk=connection.pk),
    )
    calls = []
    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.POST, TOKEN_URL, callback=rotating_token_endpoint(calls))
        services.refresh_connection(connection=first, spent_token="access-1")
        services.refresh_connection(connection=second, spent_token="access-1")
    assert len(calls) == 1
    assert first.access_token == second.access_token == "access-2"
    assert Connection.objects.get(pk=connection.pk).refresh_token == "refresh-2"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_refreshes_spend_the_token_once(make_connection):
    if db.vendor != "postgresql":
        pytest.skip("real row locks need PostgreSQL; the sequential test above covers SQLite")
    connection = make_connection("twitter")
    calls, results, errors = [], [], []

    def worker():
        try:
            mine = Connection.objects.get(pk=connection.pk)
            services.refresh_connection(connection=mine, spent_token="access-1")
            results.append(mine.access_token)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    with responses.RequestsMock() as mocked:
        mocked.add_callback(responses.POST, TOKEN_URL, callback=rotating_token_endpoint(calls))
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert len(calls) == 1
    assert results == ["access-2", "access-2"]


def test_failed_refresh_marks_needs_reauth_with_an_actionable_message(make_connection):
    connection = make_connection("twitter")
    with responses.RequestsMock() as mocked:
        mocked.post(
            TOKEN_URL,
            status=400,
            json={
                "error": "invalid_request",
                "error_description": "Value passed for the token was invalid.",
            },
        )
        with pytest.raises(ReauthError):
            services.refresh_connection(connection=connection)
    stored = Connection.objects.get(pk=connection.pk)
    assert stored.health == Connection.Health.NEEDS_REAUTH
    assert "Reconnect the account in Settings -> Connections" in stored.last_error
    assert stored.refresh_token == "refresh-1"  # kept: a reconnect replaces it


def test_beat_task_refreshes_only_tokens_expiring_soon(make_connection):
    soon = make_connection(
        "twitter", entity_id="a", expires_at=timezone.now() + timedelta(minutes=5)
    )
    make_connection("reddit", entity_id="b", expires_at=timezone.now() + timedelta(days=1))
    make_connection(
        "tiktok", entity_id="c", refresh_token="", expires_at=timezone.now() + timedelta(minutes=5)
    )
    with responses.RequestsMock() as mocked:
        mocked.post(
            TOKEN_URL, json={"access_token": "new", "refresh_token": "r2", "expires_in": 7200}
        )
        assert tasks.refresh_expiring_connections() == 1
    assert Connection.objects.get(pk=soon.pk).access_token == "new"


def test_beat_task_survives_one_failing_account(make_connection):
    make_connection("twitter", entity_id="a", expires_at=timezone.now())
    with responses.RequestsMock() as mocked:
        mocked.post(TOKEN_URL, status=503)
        assert tasks.refresh_expiring_connections() == 0


def test_adapter_call_refreshes_ahead_of_expiry(make_connection):
    from connections.platforms import adapter_for
    from connections.platforms.base import PostRequest

    connection = make_connection("twitter", expires_at=timezone.now() + timedelta(seconds=10))
    with responses.RequestsMock() as mocked:
        mocked.post(
            TOKEN_URL,
            json={"access_token": "access-2", "refresh_token": "refresh-2", "expires_in": 7200},
        )
        mocked.post(
            "https://api.x.com/2/tweets",
            status=201,
            json={"data": {"id": "1", "text": "x"}},
            match=[responses.matchers.header_matcher({"Authorization": "Bearer access-2"})],
        )
        adapter_for(connection).publish(connection, PostRequest(text="x"))
