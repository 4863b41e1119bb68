"""The sandbox itself: fault injection seen through the real adapters, OAuth rules, gating."""

import time

import pytest
import requests

from connections.models import Connection
from connections.platforms import adapter_for
from connections.platforms.base import (
    PermanentError,
    PlatformTimeout,
    PostGoneError,
    PostRequest,
    ReauthError,
    RetryableError,
    Subreddit,
)
from connections.sandbox import services
from connections.sandbox.models import SandboxAccount, SandboxFault, SandboxPost
from tests.connections.test_end_to_end import connect

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def x_account(sandbox_server, logged_in_client):
    connection = connect(logged_in_client, "twitter").get()
    return connection, SandboxAccount.objects.get(
        platform="twitter", entity_id=connection.entity_id
    )


def test_injected_rate_limit_then_recovery(x_account):
    connection, account = x_account
    services.inject_fault(
        account=account, kind=SandboxFault.Kind.RATE_LIMIT, count=2, retry_after=90
    )
    adapter = adapter_for(connection)
    for _ in range(2):
        with pytest.raises(RetryableError) as failure:
            adapter.publish(connection, PostRequest(text="hi"))
        assert failure.value.retry_after == pytest.approx(90, abs=2)
    assert adapter.publish(connection, PostRequest(text="hi")).post_id


def test_injected_server_error_rejection_and_timeout(x_account):
    connection, account = x_account
    adapter = adapter_for(connection)
    services.inject_fault(account=account, kind=SandboxFault.Kind.SERVER_ERROR)
    with pytest.raises(RetryableError):
        adapter.publish(connection, PostRequest(text="a"))
    services.inject_fault(account=account, kind=SandboxFault.Kind.REJECTED)
    with pytest.raises(PermanentError, match="duplicate"):
        adapter.publish(connection, PostRequest(text="b"))
    services.inject_fault(account=account, kind=SandboxFault.Kind.TIMEOUT)
    with pytest.raises(PlatformTimeout):
        adapter.publish(connection, PostRequest(text="c"))
    time.sleep(0.5)  # let the sandbox thread finish its late answer before the test tears down


def test_revoked_token_ends_in_needs_reauth(x_account):
    connection, account = x_account
    services.inject_fault(account=account, kind=SandboxFault.Kind.REVOKED)
    with pytest.raises(ReauthError):
        adapter_for(connection).publish(connection, PostRequest(text="a"))
    assert Connection.objects.get(pk=connection.pk).health == Connection.Health.NEEDS_REAUTH


def test_sandbox_refresh_rotates_and_a_reused_token_kills_the_family(x_account):
    connection, _ = x_account
    adapter = adapter_for(connection)
    first = adapter.refresh(connection.refresh_token)
    assert first.refresh_token
    assert first.refresh_token != connection.refresh_token
    with pytest.raises(ReauthError):
        adapter.refresh(connection.refresh_token)  # spent: X revokes the whole family
    with pytest.raises(ReauthError):
        adapter.refresh(first.refresh_token)


def test_reddit_rejection_arrives_in_a_200(sandbox_server, logged_in_client):
    connection = connect(logged_in_client, "reddit").get()
    with pytest.raises(PermanentError) as failure:
        adapter_for(connection).publish(
            connection, PostRequest(title="t", text="b", subreddits=[Subreddit("doesnotexist")])
        )
    assert failure.value.code == "SUBREDDIT_NOEXIST"


def test_denial_on_the_sandbox_consent_page(sandbox_server, logged_in_client):
    from urllib.parse import urlsplit

    authorize = urlsplit(logged_in_client.post("/connections/twitter/connect/")["Location"])
    page = logged_in_client.get(f"{authorize.path}?{authorize.query}")
    params = {**dict(page.context["params"].items()), "decision": "deny"}
    back = urlsplit(logged_in_client.post(authorize.path, params)["Location"])
    response = logged_in_client.get(f"{back.path}?{back.query}", follow=True)
    assert "not authorized" in " ".join(str(m) for m in response.context["messages"])
    assert not Connection.objects.exists()


def test_pkce_mismatch_is_refused(db):
    account = services.sign_in(platform="twitter", username="olive")
    grant = services.grant_code(account=account, redirect_uri="http://t/cb", code_challenge="abc")
    with pytest.raises(services.SandboxError):
        services.redeem_code(code=grant.code, redirect_uri="http://t/cb", code_verifier="wrong")


def test_sandbox_is_404_when_disabled(client, settings, user):
    settings.SANDBOX_ENABLED = False
    client.force_login(user)
    assert client.get("/sandbox/").status_code == 404
    assert client.post("/sandbox/twitter/api/2/oauth2/token").status_code == 404


def test_feed_page_and_fault_form(sandbox_server, logged_in_client):
    connection = connect(logged_in_client, "twitter").get()
    adapter_for(connection).publish(connection, PostRequest(text="hello sandbox"))
    account = SandboxAccount.objects.get(entity_id=connection.entity_id)
    page = logged_in_client.get(f"/sandbox/accounts/{account.pk}/").content.decode()
    assert 'class="sandbox-label"' in page
    assert "hello sandbox" in page
    logged_in_client.post(
        f"/sandbox/accounts/{account.pk}/faults",
        {"kind": "server_error", "count": 3, "retry_after": 5},
    )
    assert account.faults.get().remaining == 3


# platform, account type, a post id in the platform's own format
GONE_CASES = [
    ("twitter", "personal", "1900000000000000001"),
    ("facebook", "page", "1111_2222"),
    ("instagram", "business", "17900000000000001"),
    ("linkedin", "personal", "urn:li:share:7100000000000000001"),
    ("linkedin", "organization", "urn:li:share:7100000000000000002"),
    ("reddit", "personal", "q1w2e3r"),
    ("tiktok", "personal", "7300000000000000001"),
]


@pytest.mark.parametrize(("platform", "account_type", "post_id"), GONE_CASES)
def test_a_post_deleted_on_the_sandbox_is_post_gone_for_metrics(
    sandbox_server, settings, user, platform, account_type, post_id
):
    """Each sandbox platform answers a deleted post the way the real one does, and the real
    adapter turns that into PostGoneError."""
    # No timeout fault here; the live server's first answers (URLconf import) can exceed 1s.
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 5.0
    person = services.sign_in(platform=platform, username="olive")
    account = (
        person
        if account_type == "personal"
        else person.children.filter(account_type=account_type).first()
    )
    token = services.issue_token(account if platform == "facebook" else person)
    entity = f"urn:li:organization:{account.entity_id}" if account_type == "organization" else ""
    connection = Connection.objects.create(
        owner=user,
        platform=platform,
        account_type=account_type,
        entity_id=entity or account.entity_id,
        username=account.username,
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        is_sandbox=True,
    )
    post = services.create_post(account=account, post_id=post_id, text="Acme is live")
    adapter = adapter_for(connection)
    assert adapter.metrics(connection, post_id)  # live: numbers

    services.delete_post(post=SandboxPost.objects.get(pk=post.pk))
    with pytest.raises(PostGoneError) as failure:
        adapter.metrics(connection, post_id)
    assert failure.value.reason
    if adapter.supports_delete:
        adapter.delete(connection, post_id)  # already gone counts as deleted


def test_an_account_posting_too_fast_gets_xs_own_429(x_account, settings):
    """Past its window's allowance the sandbox answers like X: 429 with x-rate-limit-*."""
    settings.SANDBOX_ACCOUNT_POST_LIMIT = 2
    settings.SANDBOX_ACCOUNT_POST_WINDOW_SECONDS = 900
    connection, account = x_account
    adapter = adapter_for(connection)
    for text in ("one", "two"):
        assert adapter.publish(connection, PostRequest(text=text)).post_id
    with pytest.raises(RetryableError) as failure:
        adapter.publish(connection, PostRequest(text="three"))
    assert failure.value.retry_after == pytest.approx(900, abs=5)
    assert SandboxPost.objects.filter(account=account).count() == 2

    answer = requests.post(
        f"{settings.SANDBOX_BASE_URL}/twitter/api/2/tweets",
        json={"text": "four"},
        headers={"Authorization": f"Bearer {connection.access_token}"},
        timeout=5,
    )
    assert answer.status_code == 429
    assert answer.json()["type"].endswith("rate-limit-exceeded")
    assert answer.headers["x-rate-limit-limit"] == "2"
    assert answer.headers["x-rate-limit-remaining"] == "0"
    assert int(answer.headers["x-rate-limit-reset"]) == pytest.approx(time.time() + 900, abs=5)


def test_another_account_is_not_slowed_by_one_posting_too_fast(
    sandbox_server, logged_in_client, settings
):
    settings.SANDBOX_ACCOUNT_POST_LIMIT = 1
    olive = connect(logged_in_client, "twitter", username="olive").get()
    pablo = connect(logged_in_client, "twitter", username="pablo").first()
    assert olive.pk != pablo.pk
    assert adapter_for(olive).publish(olive, PostRequest(text="a")).post_id
    with pytest.raises(RetryableError):
        adapter_for(olive).publish(olive, PostRequest(text="b"))
    assert adapter_for(pablo).publish(pablo, PostRequest(text="c")).post_id


def test_sandbox_latency_is_the_platforms_setting_plus_minus_jitter(settings):
    settings.SANDBOX_LATENCY_MS = 300
    settings.SANDBOX_JITTER_MS = 50
    settings.SANDBOX_PLATFORM_LATENCY_MS = {"linkedin": 100}
    waits = [services.latency_seconds("twitter") for _ in range(200)]
    assert all(0.25 <= wait <= 0.35 for wait in waits)
    assert max(waits) - min(waits) > 0.05  # jitter actually varies
    assert all(0.05 <= services.latency_seconds("linkedin") <= 0.15 for _ in range(50))
    settings.SANDBOX_LATENCY_MS = settings.SANDBOX_JITTER_MS = 0
    assert services.latency_seconds("twitter") == 0
