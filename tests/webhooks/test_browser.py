"""The webhook page in a real browser: "Send test event" says it was sent, on a phone too.

Screenshots land in /tmp/dropspace-webhook-*.png for a human (or a model) to look at.
"""

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.accounts.test_browser import PASSWORD, SHOTS, browser_page, log_in
from tests.browser import BROWSER_TESTS
from webhooks.models import WebhookDelivery

pytestmark = BROWSER_TESTS


@pytest.fixture
def person(db):
    return User.objects.create_user("browser@example.com", PASSWORD, name="Bea Browser")


@pytest.mark.parametrize(("name", "width"), [("desktop", 1360), ("phone", 390)])
def test_send_test_event_shows_a_confirmation(live_server, person, make_endpoint, name, width):
    endpoint = make_endpoint(person, url="https://hooks.example.com/dropspace")
    detail = f"{live_server.url}/webhooks/{endpoint.pk}/"

    with browser_page(viewport={"width": width, "height": 900}) as page:
        log_in(page, live_server)
        page.goto(detail)
        page.get_by_role("button", name="Send test event").click()
        notice = page.get_by_test_id("log-notice")
        expect(notice).to_contain_text("Test event sent")
        expect(page.locator("#delivery-log")).to_contain_text("webhook.test")
        expect(notice.get_by_role("button", name="Dismiss")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"dropspace-webhook-test-sent-{name}.png"))
        assert page.url == detail  # htmx: no navigation

    assert WebhookDelivery.objects.get().event.type == "webhook.test"
