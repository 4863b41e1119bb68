"""Settings -> Billing and the dashboard's limit notice in a real browser, desktop and phone.
Screenshots land in /tmp/dropspace-billing-*.png."""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from billing import services
from billing.models import Meter, Subscription
from tests.browser import BROWSER_TESTS
from tests.launches.test_browser import PASSWORD, browser_page, log_in

pytestmark = BROWSER_TESTS


@pytest.fixture
def person(db, settings):
    settings.BILLING_PLANS = {"starter": {"launches_per_month": 5}}
    person = User.objects.create_user("launcher@example.com", PASSWORD)
    for _ in range(4):
        services.charge(account=person, meter=Meter.LAUNCHES)
    services.charge(account=person, meter=Meter.AI_IMAGES)
    Subscription.objects.create(
        user=person,
        plan="starter",
        payment_failure_message="Your payment of 19.00 USD failed. Stripe will try again on "
        "2026-12-04; update your card in the Stripe customer portal to keep your plan.",
    )
    return person


@pytest.mark.parametrize(("width", "name"), [(1360, "desktop"), (390, "phone")])
def test_billing_page_on_desktop_and_phone(live_server, person, width, name):
    with browser_page() as page:
        page.set_viewport_size({"width": width, "height": 900})
        log_in(page, live_server)
        expect(page.get_by_text("you have used 4 of 5 launches this period")).to_be_visible()
        page.screenshot(path=f"/tmp/dropspace-billing-dashboard-{name}.png")
        page.get_by_role("link", name="upgrade your plan").click()
        page.wait_for_url(re.compile(r".*/billing/$"))
        expect(page.get_by_role("heading", name="Starter plan")).to_be_visible()
        expect(page.get_by_text("Billing is not configured on this server")).to_be_visible()
        expect(page.get_by_text("Payment failed.")).to_be_visible()
        expect(page.locator("progress").first).to_have_attribute("value", "4")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0  # nothing wider than the phone
        page.screenshot(path=f"/tmp/dropspace-billing-{name}.png", full_page=True)


def test_billing_page_with_stripe_offers_upgrades(live_server, person, stripe_on):
    with browser_page() as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/billing/")
        expect(page.get_by_role("button", name="Upgrade to Pro")).to_be_visible()
        expect(page.get_by_text("Billing is not configured")).to_have_count(0)
        page.screenshot(path="/tmp/dropspace-billing-stripe.png", full_page=True)
