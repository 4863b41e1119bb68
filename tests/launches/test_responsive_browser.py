"""Every main page at a desktop (1280 px) and a phone (390 px) width in a real browser: nothing
runs off the right edge and the controls a person needs are on screen. Screenshots land in
/tmp/dropspace-responsive-<page>-<width>.png."""

import re
from contextlib import contextmanager

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import User
from developer import services as developer_services
from launches import services as launch_services
from personas import services as persona_services
from tests.browser import BROWSER_TESTS, CHROMIUM
from webhooks import services as webhook_services

PASSWORD = "browser-pass-123"
WIDTHS = {"desktop": 1280, "phone": 390}
PLATFORMS = ["twitter", "linkedin", "reddit", "facebook", "instagram", "tiktok", "producthunt"]
PLATFORMS += ["hackernews"]
LONG_POST = " ".join(["Shipping notes nobody reads are a tax on every release."] * 8)

pytestmark = BROWSER_TESTS


@contextmanager
def browser_at(width):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            yield browser.new_context(viewport={"width": width, "height": 900}).new_page()
        finally:
            browser.close()


@pytest.fixture
def account(db, dns):
    person = User.objects.create_user("phone@example.com", PASSWORD, name="Pat Phone")
    launch, _ = launch_services.create_launch(
        owner=person,
        title="Acme Changelog",
        product_description=(
            "Acme Changelog turns merged pull requests into a public changelog your users "
            "actually read. It groups changes by feature and writes a summary per release."
        ),
        platforms=PLATFORMS,
    )
    developer_services.create_api_key(
        owner=person, granter=person, name="Deploy bot with a long name", scopes=["read", "write"]
    )
    webhook_services.create_endpoint(
        owner=person,
        url="https://hooks.example.com/dropspace/receiver/with/a/long/path",
        events=["launch.completed", "launch.failed", "post.published"],
    )
    persona_services.create_persona(owner=person, name="Founder voice")
    make_connection(person, "twitter", username="pat_ships", display_name="Pat Ships")
    return person, launch


def make_connection(owner, platform, **fields):
    from connections.models import Connection

    return Connection.objects.create(
        owner=owner, platform=platform, entity_id=f"{platform}-1", access_token="token", **fields
    )


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("phone@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/launches/$"))


def assert_fits(page, name, width):
    page.screenshot(path=f"/tmp/dropspace-responsive-{name}-{width}.png", full_page=True)
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert scroll_width <= inner_width, f"{name} at {width}px is {scroll_width}px wide"


def assert_on_screen(page, locator):
    """Visible and inside the viewport horizontally (not clipped by a scrolling table)."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    inner_width = page.evaluate("window.innerWidth")
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= inner_width, box


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_launch_list_and_editor_fit(live_server, account, width):
    _, launch = account
    with browser_at(width) as page:
        log_in(page, live_server)
        assert_fits(page, "launch-list", width)
        assert_on_screen(page, page.get_by_role("link", name="Acme Changelog"))
        assert_on_screen(page, page.locator("td[data-label=Created]").first)

        page.goto(f"{live_server.url}/launches/{launch.pk}/")
        assert_fits(page, "launch-editor", width)
        assert_on_screen(page, page.get_by_role("tab", name=re.compile("LinkedIn")))
        assert_on_screen(page, page.locator("textarea[name=twitter-thread]").first)
        assert_on_screen(page, page.get_by_label("Preview on Twitter / X"))

        preview = page.get_by_label("Preview on Twitter / X")
        expect(preview.locator(".pp-tweet")).to_have_count(
            len(launch.platform_contents["twitter"]["thread"])
        )
        expect(preview.locator(".pp-handle").first).to_have_text("@pat_ships · now")

        media = page.get_by_role("button", name="Media", exact=True)
        if width == WIDTHS["phone"]:  # secondary sections fold to their heading on a phone
            expect(media).to_have_attribute("aria-expanded", "false")
            expect(page.get_by_text("Drop images or videos here")).to_be_hidden()
            media.click()
            expect(page.get_by_text("Drop images or videos here")).to_be_visible()
        else:
            expect(media).to_have_count(0)
            expect(page.get_by_text("Drop images or videos here")).to_be_visible()

        page.goto(f"{live_server.url}/launches/{launch.pk}/?tab=linkedin")
        linkedin = page.locator("#panel-linkedin")
        linkedin.locator("textarea[data-preview=linkedin-content]").fill(LONG_POST)
        card = page.get_by_label("Preview on LinkedIn")
        more = card.get_by_role("button", name="…see more")
        assert_on_screen(page, more)
        expect(card.locator(".pp-rest")).to_be_hidden()
        more.click()
        expect(card.locator(".pp-rest")).to_be_visible()
        assert_fits(page, "launch-editor-linkedin", width)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_platforms_preview_is_drawn_with_its_count(live_server, account, width):
    _, launch = account
    with browser_at(width) as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/launches/{launch.pk}/")
        for tab in page.get_by_role("tab").all():
            tab.click()
            card = page.locator("[role=tabpanel]:not([hidden]) .post-preview")
            card.scroll_into_view_if_needed()
            box = card.bounding_box()
            # a card whose content is all absolutely placed (TikTok's frame) once drew 0 x 0
            assert box["width"] >= 200, (tab.inner_text(), box)
            assert box["height"] >= 100, (tab.inner_text(), box)
            assert_on_screen(page, card)
        page.get_by_role("tab", name="Instagram").click()
        instagram = page.get_by_label("Preview on Instagram")
        missing = instagram.get_by_text("Instagram needs an image or video to post.")
        assert_on_screen(page, missing)  # said in words where the picture goes
        assert_on_screen(page, instagram.get_by_role("link", name="Add media"))
        instagram.screenshot(path=f"/tmp/dropspace-responsive-instagram-preview-{width}.png")
        page.get_by_role("tab", name="TikTok").click()
        tiktok = page.get_by_label("Preview on TikTok")
        assert_on_screen(page, tiktok.locator(".pp-count"))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_settings_tables_fit(live_server, account, width):
    with browser_at(width) as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/settings/api-keys/")
        assert_fits(page, "api-keys", width)
        assert_on_screen(page, page.get_by_role("link", name="Rename Deploy bot with a long name"))
        assert_on_screen(page, page.get_by_role("link", name="Revoke Deploy bot with a long name"))
        assert_on_screen(page, page.locator("td[data-label=Created]").first)
        assert_on_screen(page, page.locator("td[data-label='Last used']").first)

        for name, path in {
            "webhooks": "/webhooks/",
            "personas": "/personas/",
            "connections": "/connections/",
            "billing": "/billing/",
            "calendar": "/calendar/",
            "analytics": "/analytics/",
            "media": "/media/",
            "profile": "/settings/",
        }.items():
            page.goto(f"{live_server.url}{path}")
            assert_fits(page, name, width)

        # the guide is a real button under the intro on a phone, not floating text
        page.goto(f"{live_server.url}/webhooks/")
        guide = page.get_by_role("link", name="Webhook guide")
        assert_on_screen(page, guide)
        intro = page.locator(".page-header p").bounding_box()
        assert guide.bounding_box()["y"] >= intro["y"] + intro["height"] or width > 640

        # a connected account's name keeps a readable width (it was squeezed to one word)
        page.goto(f"{live_server.url}/connections/")
        name = page.locator(".connection-row .grow").first
        assert name.bounding_box()["width"] >= 200
        assert_on_screen(page, page.get_by_role("button", name="Disconnect pat_ships"))


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_persona_sample_tabs_and_webhook_detail_fit(live_server, account, width):
    person, _ = account
    persona = person.personas.get()
    endpoint = person.webhook_endpoints.get()
    with browser_at(width) as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/personas/{persona.pk}/")
        assert_fits(page, "persona-detail", width)
        for tab in page.get_by_role("tab").all():
            assert_on_screen(page, tab)  # the sample tabs wrap, none cut off at the right
        page.goto(f"{live_server.url}/webhooks/{endpoint.pk}/")
        assert_fits(page, "webhook-detail", width)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_keyboard_focus_ring_is_thick_and_in_the_focus_colour(live_server, account, scheme):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_context(
                viewport={"width": 390, "height": 900}, color_scheme=scheme
            ).new_page()
            log_in(page, live_server)
            page.goto(f"{live_server.url}/settings/api-keys/")
            page.keyboard.press("Tab")  # the skip link
            page.keyboard.press("Tab")
            ring = page.evaluate(
                "(() => { const s = getComputedStyle(document.activeElement);"
                " return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; })()"
            )
            page.screenshot(path=f"/tmp/dropspace-responsive-focus-{scheme}.png")
        finally:
            browser.close()
    style, width, colour = ring
    assert style == "solid"
    assert width >= 3
    assert colour == {"light": "rgb(91, 75, 240)", "dark": "rgb(160, 149, 255)"}[scheme]
