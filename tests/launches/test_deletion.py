"""DELETE /v1/launches/:id/posts/:logId and DELETE /v1/launches/:id/posts (mocked platforms)."""

import uuid

import pytest
import responses

from developer.models import DEFAULT_SCOPES, Scope
from launches import deletion
from launches.models import PostingLog
from tests.launches.factories import LaunchFactory
from tests.launches.published import (
    GRAPH,
    LINKEDIN_POSTS,
    POST_IDS,
    REDDIT_API,
    X_API,
    launch_with_posts,
    published,
)
from webhooks.models import Event

pytestmark = pytest.mark.django_db

SUCCESS_KEYS = {"success", "platform", "post_id", "deleted_at"}
FAILURE_KEYS = {"success", "platform", "post_id", "error", "error_code"}


def url(launch, log=None):
    suffix = f"/{getattr(log, 'pk', log)}" if log is not None else ""
    return f"/v1/launches/{launch.pk}/posts{suffix}"


def mock_delete(rsps, platform, status=200, **kwargs):
    """Register the platform's delete call for its post."""
    post_id = POST_IDS[platform]
    if platform == "twitter":
        rsps.delete(f"{X_API}/{post_id}", status=status, **kwargs)
    elif platform == "linkedin":
        rsps.delete(f"{LINKEDIN_POSTS}/urn%3Ali%3Ashare%3A7000000000000000001", status=status)
    elif platform == "facebook":
        rsps.delete(f"{GRAPH}/{post_id}", status=status, **kwargs)
    elif platform == "reddit":
        rsps.post(f"{REDDIT_API}/api/del", status=status, json={}, **kwargs)


@pytest.fixture
def rsps(no_real_http):
    return no_real_http


@pytest.mark.parametrize("platform", ["twitter", "linkedin", "facebook", "reddit"])
def test_delete_one_post(api, user, make_platform_connection, rsps, platform):
    launch, [log] = launch_with_posts(user, make_platform_connection, [platform])
    mock_delete(rsps, platform)
    response = api.delete(url(launch, log))
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == SUCCESS_KEYS
    assert data["success"] is True
    assert (data["platform"], data["post_id"]) == (platform, POST_IDS[platform])
    assert len(rsps.calls) == 1
    log.refresh_from_db()
    assert log.status == PostingLog.Status.DELETED
    event = Event.objects.get(type="post.deleted")
    assert event.owner == user
    assert event.data == {
        "launch_id": str(launch.pk),
        "post_id": str(log.pk),
        "platform": platform,
        "reason": "deleted_by_user",
    }


@pytest.mark.parametrize(
    ("platform", "gone"),
    [
        ("twitter", {"status": 404, "json": {"title": "Not Found Error", "detail": "gone"}}),
        ("facebook", {"status": 400, "json": {"error": {"code": 100, "error_subcode": 33}}}),
        ("linkedin", {"status": 404}),
    ],
)
def test_a_post_already_gone_counts_as_deleted(
    api, user, make_platform_connection, rsps, platform, gone
):
    launch, [log] = launch_with_posts(user, make_platform_connection, [platform])
    mock_delete(rsps, platform, **gone)
    data = api.delete(url(launch, log)).json()["data"]
    assert data["success"] is True
    log.refresh_from_db()
    assert log.status == PostingLog.Status.DELETED


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_instagram_and_tiktok_answer_not_supported_in_the_body(
    api, user, make_platform_connection, rsps, platform
):
    launch, [log] = launch_with_posts(user, make_platform_connection, [platform])
    response = api.delete(url(launch, log))
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == FAILURE_KEYS
    assert data["success"] is False
    assert data["error_code"] == "DELETE_NOT_SUPPORTED"
    assert data["post_id"] == POST_IDS[platform]
    assert not rsps.calls
    log.refresh_from_db()
    assert log.status == PostingLog.Status.SUCCESS
    assert not Event.objects.exists()


def test_a_platform_failure_keeps_the_post(api, user, make_platform_connection, rsps):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    mock_delete(rsps, "twitter", status=503)
    data = api.delete(url(launch, log)).json()["data"]
    assert data["success"] is False
    assert data["error_code"] == deletion.PLATFORM_UNAVAILABLE
    log.refresh_from_db()
    assert log.status == PostingLog.Status.SUCCESS


def test_a_revoked_token_asks_for_a_reconnect(api, user, make_platform_connection, rsps):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["linkedin"])
    rsps.delete(f"{LINKEDIN_POSTS}/urn%3Ali%3Ashare%3A7000000000000000001", status=403)
    data = api.delete(url(launch, log)).json()["data"]
    assert data["error_code"] == deletion.RECONNECT_REQUIRED


def test_a_disconnected_account_asks_for_a_reconnect(api, user, make_platform_connection):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    PostingLog.objects.filter(pk=log.pk).update(connection_id=uuid.uuid4())
    data = api.delete(url(launch, log)).json()["data"]
    assert (data["success"], data["error_code"]) == (False, deletion.RECONNECT_REQUIRED)


def test_a_thread_is_deleted_reply_first(api, user, make_platform_connection, rsps):
    launch = LaunchFactory(owner=user, status="completed")
    head = POST_IDS["twitter"]
    log = published(
        launch, "twitter", make_platform_connection("twitter"), thread_post_ids=[head, "2", "3"]
    )
    for post_id in ["3", "2", head]:
        rsps.delete(f"{X_API}/{post_id}", json={"data": {"deleted": True}})
    assert api.delete(url(launch, log)).json()["data"]["success"] is True
    assert [call.request.url.rsplit("/", 1)[1] for call in rsps.calls] == ["3", "2", head]


@pytest.mark.parametrize("status", ["failed", "pending", "deleted", "unconfirmed", "manual"])
def test_only_published_posts_with_an_id_are_deletable(api, user, status):
    launch = LaunchFactory(owner=user, status="partial")
    log = published(launch, "twitter", status=status)
    response = api.delete(url(launch, log))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "SERVER_003"


def test_unknown_malformed_or_another_launchs_log_is_404(api, user, make_platform_connection):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    _other, [other_log] = launch_with_posts(user, make_platform_connection, ["reddit"])
    for log_id in [other_log.pk, uuid.uuid4(), "not-a-uuid"]:
        response = api.delete(url(launch, log_id))
        assert (response.status_code, response.json()["error"]["code"]) == (404, "SERVER_003")
    without_id = published(launch, "linkedin", post_id="")
    assert api.delete(url(launch, without_id)).status_code == 404


def test_a_strangers_launch_is_404(stranger_api, user, make_platform_connection):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    for path in [url(launch, log), url(launch)]:
        response = stranger_api.delete(path)
        assert (response.status_code, response.json()["error"]["code"]) == (404, "LAUNCH_001")
    log.refresh_from_db()
    assert log.status == PostingLog.Status.SUCCESS


def test_the_delete_scope_is_required(make_api_client, user, make_platform_connection):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    client = make_api_client(user, scopes=[str(s) for s in DEFAULT_SCOPES])
    for path in [url(launch, log), url(launch)]:
        response = client.delete(path)
        assert (response.status_code, response.json()["error"]["code"]) == (403, "AUTH_003")
    assert str(Scope.DELETE) not in client.api_key.scopes


def test_delete_all_posts(api, user, make_platform_connection, rsps):
    platforms = ["twitter", "linkedin", "instagram", "reddit", "tiktok"]
    launch, _logs = launch_with_posts(user, make_platform_connection, platforms)
    published(launch, "facebook", status="failed", post_id="")
    mock_delete(rsps, "twitter")
    mock_delete(rsps, "linkedin", status=404)
    rsps.post(f"{REDDIT_API}/api/del", status=429, headers={"X-Ratelimit-Reset": "30"})
    response = api.delete(url(launch))
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == {"results", "no_failures", "deleted_count", "failed_count", "skipped_count"}
    assert (data["deleted_count"], data["failed_count"], data["skipped_count"]) == (2, 1, 2)
    assert data["no_failures"] is False
    by_platform = {item["platform"]: item for item in data["results"]}
    assert list(by_platform) == platforms
    assert set(by_platform["twitter"]) == SUCCESS_KEYS
    assert by_platform["instagram"]["error_code"] == "DELETE_NOT_SUPPORTED"
    assert by_platform["reddit"]["error_code"] == deletion.PLATFORM_UNAVAILABLE
    statuses = dict(PostingLog.objects.filter(launch=launch).values_list("platform", "status"))
    assert statuses == {
        "twitter": "deleted",
        "linkedin": "deleted",
        "instagram": "success",
        "reddit": "success",
        "tiktok": "success",
        "facebook": "failed",
    }
    assert Event.objects.filter(type="post.deleted").count() == 2


def test_delete_all_without_posts_has_no_failures(api, user):
    launch = LaunchFactory(owner=user, status="failed")
    data = api.delete(url(launch)).json()["data"]
    assert data == {
        "results": [],
        "no_failures": True,
        "deleted_count": 0,
        "failed_count": 0,
        "skipped_count": 0,
    }


def test_a_second_deletion_records_no_second_event(user, make_platform_connection, rsps):
    _launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    rsps.add(responses.DELETE, f"{X_API}/{POST_IDS['twitter']}", json={"data": {"deleted": True}})
    stale_copy = PostingLog.objects.get(pk=log.pk)
    assert deletion.delete_post(log=log)["success"] is True
    assert deletion.delete_post(log=stale_copy)["success"] is True  # raced, already gone
    assert Event.objects.filter(type="post.deleted").count() == 1
