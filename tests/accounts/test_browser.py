"""Smoke test in a real browser: the shell, the API keys page with htmx, the mobile menu.

Screenshots of the main pages land in /tmp/dropspace-*.png for a human (or a model) to look at.
"""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import User
from developer.models import ApiKey
from tests.browser import BROWSER_TESTS, CHROMIUM

SHOTS = Path("/tmp")
PASSWORD = "browser-pass-123"

pytestmark = BROWSER_TESTS


@contextmanager
def browser_page(**context_options):
    """A Chromium page through Playwright's sync API.

    Keep ORM calls outside this block: Playwright runs the test in a greenlet beside its event
    loop, where Django refuses database access (and a connection opened there would leak).
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser.new_context(**context_options).new_page()
        finally:
            browser.close()


@pytest.fixture
def person(db):
    return User.objects.create_user("browser@example.com", PASSWORD, name="Bea Browser")


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/launches/$"))


def test_api_keys_flow_in_a_real_browser(live_server, person):
    with browser_page(viewport={"width": 1360, "height": 900}) as page:
        log_in(page, live_server)
        page.screenshot(path=SHOTS / "dropspace-launches.png", full_page=True)

        page.get_by_role("link", name="API keys").click()
        page.get_by_label("Name").fill("Browser key")
        page.get_by_role("button", name="Create key").click()
        raw_key = page.locator("#new-raw-key").inner_text()
        assert raw_key.startswith("ds_live_")
        expect(page.get_by_role("button", name="Copy")).to_be_visible()  # revealed by app.js
        page.screenshot(path=SHOTS / "dropspace-api-key-created.png", full_page=True)

        # Inline rename through htmx: the row turns into a form and back, without a page load.
        page.wait_for_load_state("load")  # htmx initialised before we click
        page.evaluate("window.__same_page = true")
        page.get_by_role("link", name="Rename Browser key").click()
        page.locator("tr input[name=name]").fill("Renamed in browser")
        page.locator("tr").get_by_role("button", name="Save").click()
        page.locator("tr", has_text="Renamed in browser").wait_for()
        assert page.evaluate("window.__same_page") is True

        # Revoke behind a confirmation, also in place.
        page.get_by_role("link", name="Revoke Renamed in browser").click()
        page.get_by_role("button", name="Revoke key").click()
        page.locator("tr .badge-cancelled").wait_for()
        expect(page.locator("#key-count")).to_have_text("0 of 10 active keys.")
        assert page.evaluate("window.__same_page") is True
        page.screenshot(path=SHOTS / "dropspace-api-keys.png", full_page=True)

        # A flash message can be dismissed.
        page.get_by_role("link", name="Profile").click()
        page.get_by_role("button", name="Save profile").click()
        alert = page.locator(".alert-success")
        alert.wait_for()
        page.screenshot(path=SHOTS / "dropspace-profile.png", full_page=True)
        page.get_by_role("button", name="Dismiss").click()
        expect(alert).to_have_count(0)

    api_key = ApiKey.objects.get(owner=person)
    assert api_key.name == "Renamed in browser"
    assert api_key.revoked_at is not None


def test_mobile_menu_and_entrance_pages(live_server, person):
    with browser_page(viewport={"width": 390, "height": 844}, is_mobile=True) as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.screenshot(path=SHOTS / "dropspace-mobile-login.png", full_page=True)
        log_in(page, live_server)

        nav = page.locator("#primary-nav")
        toggle = page.get_by_role("button", name="Menu")
        expect(nav).to_be_hidden()
        toggle.click()
        expect(nav).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.screenshot(path=SHOTS / "dropspace-mobile-menu.png", full_page=True)
        nav.get_by_role("link", name="API keys").click()
        page.wait_for_url(re.compile(r".*/settings/api-keys/$"))
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=SHOTS / "dropspace-mobile-api-keys.png", full_page=True)


def test_pages_work_without_javascript(live_server, person):
    with browser_page(viewport={"width": 390, "height": 844}, java_script_enabled=False) as page:
        log_in(page, live_server)
        # Without JS the navigation is a visible strip and the copy button stays hidden.
        expect(page.locator("#primary-nav")).to_be_visible()
        page.goto(f"{live_server.url}/settings/api-keys/")
        page.get_by_label("Name").fill("No JS key")
        page.get_by_role("button", name="Create key").click()
        assert page.locator("#new-raw-key").inner_text().startswith("ds_live_")
        expect(page.locator("[data-copy-target]")).to_be_hidden()
        # Rename and the revoke confirmation fall back to their own pages (and a redirect back).
        page.get_by_role("link", name="Rename No JS key").click()
        page.get_by_label("New name").fill("Still works")
        page.get_by_role("button", name="Save name").click()
        expect(page.locator(".alert-success")).to_contain_text("Key renamed to “Still works”.")
        page.get_by_role("link", name="Revoke Still works").click()
        page.get_by_role("button", name="Revoke key").click()
        expect(page.locator(".alert-success")).to_contain_text("revoked")
        page.screenshot(path=SHOTS / "dropspace-nojs-api-keys.png", full_page=True)
