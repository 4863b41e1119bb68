"""The media library in a real browser at phone width: upload with the file picker (the page
shows the server's answer), then the grid and the details page. Screenshots in
/tmp/dropspace-media-library-*.png."""

import contextlib
import re

from playwright.sync_api import expect

from accounts.models import User
from tests.browser import BROWSER_TESTS, CHROMIUM
from tests.launches.test_browser import PASSWORD
from tests.media.files import image_bytes, video_bytes

pytestmark = BROWSER_TESTS


@contextlib.contextmanager
def library_on_a_phone(live_server):
    """Chromium at phone width, signed in as phone@example.com, on the media library."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            page.goto(f"{live_server.url}/accounts/login/")
            page.get_by_label("Email").fill("phone@example.com")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_url(re.compile(r".*/launches/$"))
            page.goto(f"{live_server.url}/media/")
            yield page
        finally:
            browser.close()


def test_upload_and_browse_the_library_on_a_phone(live_server, settings, tmp_path):
    settings.SITE_URL = live_server.url
    User.objects.create_user("phone@example.com", PASSWORD)
    photo, clip = tmp_path / "poster.png", tmp_path / "teaser.mp4"
    photo.write_bytes(image_bytes("PNG", size=(600, 400), color=(40, 120, 220)))
    clip.write_bytes(video_bytes(seconds=2, size=(320, 240)))
    with library_on_a_phone(live_server) as page:
        expect(page.get_by_text("No media yet")).to_be_visible()
        page.locator('input[name="files"]').set_input_files([str(photo), str(clip)])
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text("Uploaded 2 files.")).to_be_visible(timeout=15_000)
        tiles = page.locator(".media-tile")
        expect(tiles).to_have_count(2)
        expect(page.locator(".media-badge")).to_have_text("▶ 2s")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the library scrolls sideways on a phone"
        page.screenshot(path="/tmp/dropspace-media-library-phone.png", full_page=True)
        page.get_by_role("link", name="poster.png details").click()
        expect(page.get_by_text("600 \N{MULTIPLICATION SIGN} 400 px")).to_be_visible()
        expect(page.get_by_text("No launch uses it.")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-media-library-detail.png", full_page=True)
        page.get_by_role("button", name="Delete").click()
        expect(page.get_by_text("Deleted poster.png.")).to_be_visible()
        expect(tiles).to_have_count(1)


def test_add_from_a_link_shows_progress_then_the_file(live_server, settings, no_real_http):
    import threading

    from django.db import connections

    from media import services
    from media.models import MediaFetch

    settings.SITE_URL = live_server.url
    User.objects.create_user("phone@example.com", PASSWORD)
    clip = video_bytes(seconds=2, size=(320, 240))
    no_real_http.get(
        "https://cdn.example.com/launch-teaser.mp4",
        body=clip,
        headers={"Content-Length": str(len(clip))},
    )

    def worker():  # what the Celery worker does, beside Playwright's event loop
        try:
            services.run_fetch(MediaFetch.objects.get().pk)
        finally:
            connections.close_all()

    with library_on_a_phone(live_server) as page:
        page.get_by_label("From a link").fill("https://cdn.example.com/launch-teaser.mp4")
        page.get_by_role("button", name="Add from link").click()
        row = page.locator("#media-fetches .media-fetch").first
        expect(row).to_contain_text("Fetching… waiting for the server")
        expect(page.get_by_label("From a link")).to_have_value("")  # ready for the next
        page.screenshot(path="/tmp/dropspace-media-fetch-waiting.png", full_page=True)
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join(timeout=60)
        # The row polls every second and turns into the file once the worker is done.
        expect(row).to_have_attribute("data-status", "completed", timeout=10_000)
        expect(row.get_by_role("link", name="launch-teaser.mp4")).to_be_visible()
        expect(page.locator("#media-library .media-tile")).to_have_count(1)  # no reload
        expect(page.locator("#library-title")).to_contain_text("(1)")
        page.screenshot(path="/tmp/dropspace-media-fetch-done.png", full_page=True)
