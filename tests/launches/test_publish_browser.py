"""Publish from the launch page in a real browser against the sandbox: live status polling,
the post link, polling stopping once settled, then analytics with charts. Screenshots land in
/tmp/dropspace-publish-*.png."""

import re
import threading

import pytest
from django.db import connections
from playwright.sync_api import expect

from accounts.models import User
from connections.models import Connection
from connections.sandbox import services as sandbox
from launches import tasks
from launches.models import Launch, PostingLog
from tests.browser import BROWSER_TESTS
from tests.launches.test_browser import PASSWORD, browser_page

pytestmark = BROWSER_TESTS


@pytest.fixture
def sandboxed(settings, live_server, no_real_http):
    """Every platform on the sandbox served by the live server (requests pass through)."""
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
    }
    settings.SANDBOX_ENABLED = True
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    no_real_http.add_passthru(live_server.url)
    return live_server


def ready_launch(person) -> Launch:
    account = sandbox.sign_in(platform="twitter", username="olive")
    token = sandbox.issue_token(account)
    connection = Connection.objects.create(
        owner=person,
        platform="twitter",
        entity_id=account.entity_id,
        username="@olive",
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        is_sandbox=True,
    )
    return Launch.objects.create(
        owner=person,
        name="Acme Invoices",
        status="trigger",
        platforms=["twitter"],
        platform_contents={
            "twitter": {"platform": "twitter", "content": "Acme is live", "generated_by": "user"}
        },
        user_platform_accounts={"twitter": str(connection.pk)},
    )


def post_in_background(log_id: str) -> None:
    """The posting task, as a worker would run it (its own thread and connection)."""

    def work():
        try:
            tasks.publish_post(log_id)
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(timeout=30)


def test_publish_then_live_status_until_completed(sandboxed):
    live_server = sandboxed
    person = User.objects.create_user("publisher@example.com", PASSWORD)
    launch = ready_launch(person)
    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill("publisher@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r".*/launches/$"))
        page.goto(f"{live_server.url}/launches/{launch.pk}/")
        page.get_by_role("button", name="Publish now").click()
        expect(page.get_by_text("Publishing started.")).to_be_visible()
        status = page.locator("#posting-status")
        expect(status).to_have_attribute("hx-trigger", "every 2s")
        expect(status.get_by_text("Waiting to post…")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-publish-running.png", full_page=True)

        log_id = page.locator('#posting-status [data-platform="twitter"]').get_attribute("data-log")
        post_in_background(log_id)

        row = page.locator('#posting-status [data-platform="twitter"]')
        expect(row).to_have_attribute("data-status", "success", timeout=10_000)
        # A sandbox account's post has its page in the sandbox, not on the real x.com.
        expect(row.get_by_role("link", name="View post")).to_have_attribute(
            "href", re.compile(r"^/sandbox/posts/\d+$")
        )
        # Settled: the page reloads itself once and shows the finished launch with analytics.
        expect(page.locator("#launch-header .badge-completed")).to_be_visible(timeout=10_000)
        expect(page.locator("#posting-status")).not_to_have_attribute("hx-trigger", "every 2s")
        expect(page.locator(".analytics-card[data-platform=twitter] svg.bar-chart")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-publish-completed.png", full_page=True)

    launch.refresh_from_db()
    assert launch.status == "completed"
    assert PostingLog.objects.get(launch=launch).status == "success"
