"""The small things a first-time user noticed: each fixed, each checked on the page."""

import pytest

from connections.sandbox import services as sandbox
from launches.models import PostingLog
from tests.launches.factories import LaunchFactory
from tests.launches.published import published

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def sandbox_on(settings):
    """Sandbox pages exist only with the sandbox on (off outside the embedded mode, as in CI)."""
    settings.SANDBOX_ENABLED = True


def test_a_published_launchs_editor_offers_no_thread_tools(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        status="completed",
        platform_contents={"twitter": {"thread": ["one", "two"], "generated_by": "offline"}},
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    read_only = ("Add tweet", "Remove tweet", "Move tweet up", "Regenerate", ">Save<")
    for tool in (*read_only, "Up to 6 tweets", "when content is regenerated"):  # and no help
        assert tool not in page, tool
    assert page.count('name="twitter-thread" rows="4"') == 2
    assert "readonly" in page
    draft = LaunchFactory(owner=user)
    page = logged_in_client.get(f"/launches/{draft.pk}/").content.decode()
    assert "Add tweet" in page
    assert "Remove tweet" in page
    assert "Up to 6 tweets" in page


def test_sandbox_view_post_opens_the_sandbox_post_page(
    logged_in_client, user, make_platform_connection, settings
):
    account = sandbox.sign_in(platform="twitter", username="olive", person=user)
    sandbox.create_post(account=account, post_id="1900000000000000001", text="Acme is live")
    connection = make_platform_connection(
        "twitter", is_sandbox=True, username="olive", entity_id=account.entity_id
    )
    launch = LaunchFactory(owner=user, status="completed", platforms=["twitter"])
    published(
        launch,
        "twitter",
        connection,
        post_id="1900000000000000001",
        post_url="https://x.com/olive/status/1900000000000000001",
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/status", **HX).content.decode()
    assert 'href="/sandbox/posts/1900000000000000001"' in page
    assert "https://x.com/olive" not in page
    post_page = logged_in_client.get("/sandbox/posts/1900000000000000001")
    assert post_page.status_code == 200
    assert "Acme is live" in post_page.content.decode()
    assert "sandbox" in post_page.content.decode()


def test_a_real_accounts_view_post_goes_to_the_platform(
    logged_in_client, user, make_platform_connection
):
    connection = make_platform_connection("twitter", username="olive")
    launch = LaunchFactory(owner=user, status="completed", platforms=["twitter"])
    published(launch, "twitter", connection, post_id="1", post_url="https://x.com/olive/status/1")
    page = logged_in_client.get(f"/launches/{launch.pk}/status", **HX).content.decode()
    assert 'href="https://x.com/olive/status/1"' in page


def test_a_deleted_post_has_no_view_post(logged_in_client, user, make_platform_connection):
    connection = make_platform_connection("twitter", username="olive")
    launch = LaunchFactory(owner=user, status="completed", platforms=["twitter"])
    published(
        launch,
        "twitter",
        connection,
        status=PostingLog.Status.DELETED,
        post_id="1",
        post_url="https://x.com/olive/status/1",
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/status", **HX).content.decode()
    assert "View post" not in page
    assert ">Deleted</span>" in page  # the status badge in words


def test_a_strangers_sandbox_post_is_404(logged_in_client):
    account = sandbox.sign_in(platform="twitter", username="someone-else")
    sandbox.create_post(account=account, post_id="77", text="not yours")
    assert logged_in_client.get("/sandbox/posts/77").status_code == 404


def test_a_deleted_sandbox_post_page_says_so(logged_in_client, user, make_platform_connection):
    account = sandbox.sign_in(platform="twitter", username="olive", person=user)
    make_platform_connection("twitter", is_sandbox=True, entity_id=account.entity_id)
    post = sandbox.create_post(account=account, post_id="42", text="gone soon")
    post.deleted_at = post.created_at
    post.save()
    response = logged_in_client.get("/sandbox/posts/42")
    assert response.status_code == 410
    assert "This post was deleted" in response.content.decode()
    assert "gone soon" not in response.content.decode()


def test_the_account_chooser_and_consent_page_name_the_platform(logged_in_client):
    response = logged_in_client.get(
        "/sandbox/linkedin/auth/oauth/v2/authorization",
        {
            "client_id": "sandbox",
            "redirect_uri": "http://testserver/connections/linkedin/callback",
            "response_type": "code",
            "scope": "openid profile w_member_social",
            "state": "s",
        },
    )
    page = response.content.decode()
    assert "Authorize dropspace on LinkedIn" in page
    assert "Linkedin" not in page


def test_a_tabs_posting_status_is_in_words(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="completed", platforms=["twitter"])
    published(launch, "twitter", status=PostingLog.Status.MANUAL, post_id="", post_url="")
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert '<span class="badge badge-manual">Post it yourself</span>' in page
    assert ">manual<" not in page
