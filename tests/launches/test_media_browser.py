"""In a real browser: upload an image in the launch editor, attach it to sandbox Instagram and X,
publish, and see the image in both sandbox feeds. Screenshots land in /tmp/dropspace-media-*.png."""

import re
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from connections.models import Connection
from connections.sandbox import models as sandbox_models
from connections.sandbox import services as sandbox
from launches.models import Launch, PostingLog
from launches.publishing import posting
from tests.browser import BROWSER_TESTS
from tests.launches.test_browser import PASSWORD, browser_page
from tests.media.files import image_bytes

pytestmark = BROWSER_TESTS


@pytest.fixture
def sandboxed(settings, live_server, no_real_http, monkeypatch):
    settings.PLATFORM_CREDENTIALS = {
        name: {"client_id": "", "client_secret": ""} for name in settings.PLATFORM_CREDENTIALS
    }
    settings.SANDBOX_ENABLED = True
    settings.SITE_URL = live_server.url  # media URLs point here; the sandbox pulls them
    settings.SANDBOX_BASE_URL = f"{live_server.url}/sandbox"
    settings.PLATFORM_HTTP_TIMEOUT_SECONDS = 10.0
    monkeypatch.setattr(sandbox_models, "PROCESSING_SECONDS", 0)
    no_real_http.add_passthru(live_server.url)
    return live_server


def sandbox_connection(person, platform: str) -> tuple[Connection, int]:
    """A sandbox connection and the id of the sandbox account whose feed shows its posts."""
    # As the consent page does for a signed-in person: the sandbox account (and its feed and
    # media) is theirs.
    account = sandbox.sign_in(platform=platform, username="olive", person=person)
    token = sandbox.issue_token(account)
    target = account.children.first() if platform == "instagram" else account
    connection = Connection.objects.create(
        owner=person,
        platform=platform,
        account_type="business" if platform == "instagram" else "personal",
        entity_id=target.entity_id,
        username=f"@{target.username}",
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        expires_at=token.expires_at,
        is_sandbox=True,
    )
    return connection, target.pk


def in_thread(work) -> None:
    """ORM work beside Playwright's event loop runs in its own thread, as a worker would."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)


def work_the_posts(launch_id) -> None:
    for log in PostingLog.objects.filter(launch_id=launch_id):
        posting.publish_post(log_id=log.pk)
    for _ in range(10):  # the follow-up checks (Instagram's container), made due at once
        waiting = PostingLog.objects.filter(launch_id=launch_id, status="publishing")
        if not waiting.exists():
            return
        waiting.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        for log in list(waiting):
            posting.check_pending_post(log_id=log.pk)


def test_upload_in_the_editor_then_see_it_in_both_sandbox_feeds(sandboxed, tmp_path):
    live_server = sandboxed
    person = User.objects.create_user("media@example.com", PASSWORD)
    twitter, twitter_feed = sandbox_connection(person, "twitter")
    instagram, instagram_feed = sandbox_connection(person, "instagram")
    launch = Launch.objects.create(
        owner=person,
        name="Acme Invoices",
        status="trigger",
        platforms=["twitter", "instagram"],
        platform_contents={
            "twitter": {"platform": "twitter", "content": "Acme is live", "generated_by": "user"},
            "instagram": {
                "platform": "instagram",
                "content": "Acme is live",
                "generated_by": "user",
            },
        },
        user_platform_accounts={"twitter": str(twitter.pk), "instagram": str(instagram.pk)},
    )
    photo = tmp_path / "launch-hero.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(800, 600), color=(230, 80, 40)))

    with browser_page() as page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill("media@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r".*/launches/$"))
        page.goto(f"{live_server.url}/launches/{launch.pk}/")

        form = page.locator("#media-form")
        form.locator('input[name="files"]').set_input_files(str(photo))
        expect(form.get_by_label("X", exact=False).first).to_be_checked()
        form.get_by_role("button", name="Save media").click()
        expect(page.get_by_text("Media saved.")).to_be_visible(timeout=15_000)
        strip = page.locator("#launch-media .media-strip")
        expect(strip.get_by_text("launch-hero.jpg")).to_be_visible()
        expect(
            page.locator('[data-platform="instagram"][data-layout="carousel"] img')
        ).to_be_visible()
        page.screenshot(path="/tmp/dropspace-media-editor.png", full_page=True)

        page.get_by_role("button", name="Publish now").click()
        expect(page.get_by_text("Publishing started.")).to_be_visible()
        in_thread(lambda: work_the_posts(launch.pk))

        for platform in ("twitter", "instagram"):
            row = page.locator(f'#posting-status [data-platform="{platform}"]')
            expect(row).to_have_attribute("data-status", "success", timeout=15_000)

        for feed in (twitter_feed, instagram_feed):
            page.goto(f"{live_server.url}/sandbox/accounts/{feed}/")
            image = page.locator(".sandbox-media img").first
            expect(image).to_be_visible()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth === 800", arg=image.element_handle()
            )
            page.screenshot(path=f"/tmp/dropspace-media-feed-{feed}.png", full_page=True)


def test_choose_the_tweet_each_image_goes_on_then_see_it_on_that_tweet(sandboxed, tmp_path):
    live_server = sandboxed
    person = User.objects.create_user("media@example.com", PASSWORD)
    twitter, twitter_feed = sandbox_connection(person, "twitter")
    launch = Launch.objects.create(
        owner=person,
        name="Acme Invoices",
        status="trigger",
        platforms=["twitter"],
        platform_contents={
            "twitter": {
                "platform": "twitter",
                "thread": ["1/ Acme is live", "2/ here is the invoice screen"],
                "generated_by": "user",
            }
        },
        user_platform_accounts={"twitter": str(twitter.pk)},
    )
    hero, screen = tmp_path / "hero.jpg", tmp_path / "screen.jpg"
    hero.write_bytes(image_bytes("JPEG", size=(800, 600), color=(230, 80, 40)))
    screen.write_bytes(image_bytes("JPEG", size=(640, 400), color=(20, 90, 200)))

    with browser_page() as page:
        page.set_viewport_size({"width": 390, "height": 900})  # a phone
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill("media@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(re.compile(r".*/launches/$"))
        page.goto(f"{live_server.url}/launches/{launch.pk}/")
        page.locator("#launch-media .collapse-toggle").click()  # folded on a phone

        form = page.locator("#media-form")
        form.locator('input[name="files"]').set_input_files([str(hero), str(screen)])
        form.get_by_role("button", name="Save media").click()
        expect(page.get_by_text("Media saved.")).to_be_visible(timeout=15_000)
        form.get_by_label("Which tweet screen.jpg goes on").select_option(label="Tweet 2")
        form.get_by_role("button", name="Save media").click()
        expect(page.get_by_text("Media saved.")).to_be_visible(timeout=15_000)
        tweets = page.locator('[data-platform="twitter"] .preview-tweet')
        expect(tweets).to_have_count(2)
        expect(tweets.nth(0).locator('img[alt="hero.jpg"]')).to_be_visible()
        expect(tweets.nth(1).locator('img[alt="screen.jpg"]')).to_be_visible()
        page.locator("#launch-media").screenshot(path="/tmp/dropspace-media-tweets-phone.png")
        # ↑ is a submit button of the upload form: its action must travel with the form.
        form.get_by_role("button", name="Move screen.jpg earlier").click()
        expect(page.locator(".media-strip-item .media-name").first).to_have_text("1. screen.jpg")
        expect(tweets.nth(1).locator('img[alt="screen.jpg"]')).to_be_visible()  # still tweet 2

        page.get_by_role("button", name="Publish now").click()
        expect(page.get_by_text("Publishing started.")).to_be_visible()
        in_thread(lambda: work_the_posts(launch.pk))
        row = page.locator('#posting-status [data-platform="twitter"]')
        expect(row).to_have_attribute("data-status", "success", timeout=15_000)

        page.goto(f"{live_server.url}/sandbox/accounts/{twitter_feed}/")
        first = page.locator("article", has_text="1/ Acme is live")
        second = page.locator("article", has_text="2/ here is the invoice screen")
        for post, width in ((first, 800), (second, 640)):
            image = post.locator(".sandbox-media img")
            expect(image).to_have_count(1)
            page.wait_for_function(
                f"img => img.complete && img.naturalWidth === {width}",
                arg=image.element_handle(),
            )
        page.screenshot(path="/tmp/dropspace-media-thread-feed.png", full_page=True)
