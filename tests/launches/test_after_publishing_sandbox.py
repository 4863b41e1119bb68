"""Analytics, the metrics refresh and deletion through the real adapters against the sandbox
served by the live server (real HTTP), for X, a Facebook page, Reddit and a LinkedIn profile."""

import pytest

from connections.models import Connection
from connections.sandbox import services as sandbox
from connections.sandbox.models import SandboxPost
from launches import analytics
from launches.analytics_tasks import refresh_metrics_batch
from launches.models import PostingLog
from tests.launches.factories import LaunchFactory
from tests.launches.published import published
from webhooks.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

POST_IDS = {
    "twitter": "1900000000000000001",
    "facebook": "1111_2222",
    "reddit": "q1w2e3r",
    "linkedin": "urn:li:share:7100000000000000001",
}


@pytest.fixture
def sandboxed(settings, live_server, no_real_http):
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
    }
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 5.0
    no_real_http.add_passthru(live_server.url)
    return live_server


def connect(owner, platform: str) -> Connection:
    """A sandbox account (the Facebook page, not the person) with a live token and one post."""
    person = sandbox.sign_in(platform=platform, username="olive")
    account = person.children.first() if platform == "facebook" else person
    token = sandbox.issue_token(account, lifetime=platform != "facebook")
    sandbox.create_post(account=account, post_id=POST_IDS[platform], text="Acme is live")
    return Connection.objects.create(
        owner=owner,
        platform=platform,
        account_type="page" if platform == "facebook" else "personal",
        entity_id=account.entity_id,
        username=account.username,
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        extra={"sub": account.entity_id} if platform == "linkedin" else {},
        is_sandbox=True,
    )


def test_metrics_removed_posts_and_deletion_through_the_sandbox(sandboxed, user, api):
    launch = LaunchFactory(owner=user, status="completed", platforms=list(POST_IDS))
    logs = {
        platform: published(launch, platform, connect(user, platform), post_id=post_id)
        for platform, post_id in POST_IDS.items()
    }

    data = api.get(f"/v1/launches/{launch.pk}/analytics").json()["data"]
    for entry in data["platforms"]:
        assert entry["cache_status"] == "refreshed", entry
        assert list(entry["metrics"]) == [*analytics.METRIC_FIELDS[entry["platform"]], "fetched_at"]

    # Removed on the platform: X and the Graph API say so, and the refresh notices.
    for platform in ("twitter", "facebook"):
        sandbox.delete_post(post=SandboxPost.objects.get(post_id=POST_IDS[platform]))
    counts = refresh_metrics_batch([str(log.pk) for log in logs.values()])
    assert counts["removed"] == 2
    statuses = dict(PostingLog.objects.filter(launch=launch).values_list("platform", "status"))
    assert statuses == {
        "twitter": "deleted",
        "facebook": "deleted",
        "reddit": "success",
        "linkedin": "success",
    }
    removed = Event.objects.filter(type="post.deleted", data__reason="removed_on_platform")
    assert sorted(e.data["platform"] for e in removed) == ["facebook", "twitter"]

    # Deleting the rest from dropspace removes them on the platform.
    body = api.delete(f"/v1/launches/{launch.pk}/posts").json()["data"]
    assert (body["deleted_count"], body["failed_count"], body["skipped_count"]) == (2, 0, 0)
    assert not SandboxPost.objects.filter(
        post_id__in=[POST_IDS["reddit"], POST_IDS["linkedin"]], deleted_at__isnull=True
    ).exists()
    assert set(PostingLog.objects.filter(launch=launch).values_list("status", flat=True)) == {
        "deleted"
    }
