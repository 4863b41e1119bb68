"""The launch pages in a real browser: create, the live X counter, the thread editor, htmx save,
regenerate and delete. Screenshots land in /tmp/dropspace-launch-*.png."""

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import User
from launches import rules
from launches.models import Launch
from tests.browser import BROWSER_TESTS, CHROMIUM

PASSWORD = "browser-pass-123"
TWEET = "日本語 launch 🚀 https://acme.com/a/very/long/path/that/still/counts/as/twenty-three"

pytestmark = BROWSER_TESTS


@contextmanager
def browser_page():
    # No ORM calls inside: Playwright runs beside its event loop, where Django refuses them.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 1360, "height": 1000}).new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm
            yield page
        finally:
            browser.close()


@pytest.fixture
def person(db):
    return User.objects.create_user("launcher@example.com", PASSWORD)


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("launcher@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/launches/$"))


def create_launch(page):
    page.get_by_role("link", name="Create your first launch").click()
    page.get_by_label("Title", exact=True).fill("Acme Invoices")
    page.get_by_label("Product description").fill(
        "Acme turns invoices into payments in one click. It chases late payers politely."
    )
    page.get_by_label("Twitter / X").check()
    page.get_by_label("Reddit", exact=True).check()
    page.get_by_role("button", name="Create launch").click()
    page.wait_for_url(re.compile(r".*/launches/[0-9a-f-]+/$"))
    page.wait_for_load_state("load")


def test_launch_editor_in_a_real_browser(live_server, person):
    with browser_page() as page:
        log_in(page, live_server)
        create_launch(page)
        expect(page.get_by_text("written by the offline writer").first).to_be_visible()
        page.screenshot(path="/tmp/dropspace-launch-editor.png", full_page=True)

        first = page.locator("textarea[name=twitter-thread]").first
        first.fill(TWEET)
        counter = page.locator("[data-tweet] .counter").first
        expect(counter).to_have_text(f"{rules.tweet_length(TWEET)} / 280 (as X counts)")
        # the preview counts as X does, as the person types
        in_preview = page.locator("[data-preview-of=twitter-thread] .pp-count").first
        expect(in_preview).to_have_text(f"{rules.tweet_length(TWEET)} / 280")
        first.fill("x" * 290)
        expect(in_preview).to_have_text("290 / 280 · 10 over the limit")
        expect(in_preview).to_have_class(re.compile(r"\bis-over\b"))
        first.fill(TWEET)
        expect(in_preview).not_to_have_class(re.compile(r"\bis-over\b"))

        page.get_by_role("button", name="Add tweet").click()
        page.locator("textarea[name=twitter-thread]").nth(1).fill("second tweet")
        page.get_by_role("button", name="Move tweet up").nth(1).click()
        expect(
            page.locator("[data-preview-of=twitter-thread] .pp-tweet .pp-text").first
        ).to_have_text("second tweet")

        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_text("Saved.")).to_be_visible()

        page.get_by_role("tab", name="Reddit").click()
        title = page.get_by_label("Title", exact=True)
        written = title.input_value()
        title.fill("t" * 301)
        expect(page.locator("[data-count-of=reddit-title]")).to_have_text(
            "301 / 300 · 1 over the limit"
        )
        title.fill(written)
        page.get_by_role("button", name="Regenerate Reddit").click()
        expect(page.get_by_text("Rewritten by the offline writer: Reddit.")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-launch-regenerated.png", full_page=True)

        # The thread was edited by hand: regenerating it asks first, and Undo brings it back.
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        page.get_by_role("tab", name="Twitter / X").click()
        page.get_by_role("button", name="Regenerate Twitter / X").click()
        expect(page.get_by_text("Rewritten by the offline writer: Twitter / X.")).to_be_visible()
        assert "You edited the Twitter / X text" in asked[0]
        expect(page.locator("textarea[name=twitter-thread]").first).not_to_have_value(
            "second tweet"
        )
        page.get_by_role("button", name="Undo regenerate").click()
        expect(page.get_by_text("Restored the earlier Twitter / X text.")).to_be_visible()
        expect(page.locator("textarea[name=twitter-thread]").first).to_have_value("second tweet")

    launch = Launch.objects.get()
    assert launch.platform_contents["twitter"]["thread"] == ["second tweet", TWEET]

    with browser_page() as page:
        log_in(page, live_server)
        page.get_by_role("link", name="Acme Invoices").click()
        page.wait_for_load_state("load")
        page.get_by_role("button", name="Delete").click()
        page.wait_for_url(re.compile(r".*/launches/$"))
        expect(page.get_by_text("No launches yet")).to_be_visible()

    assert not Launch.objects.exists()
