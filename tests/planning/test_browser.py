"""The planning pages in a real browser: calendar navigation (buttons and keyboard), dragging a
launch to reschedule it, a CSV import with a bad row, the analytics page. Screenshots (desktop
and 390 px) land in /tmp/dropspace-planning-*.png."""

import re
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import User
from launches.models import Launch
from tests.browser import BROWSER_TESTS, CHROMIUM
from tests.launches.factories import LaunchFactory
from tests.launches.published import published

PASSWORD = "browser-pass-123"
EMAIL = "planner@example.com"

pytestmark = BROWSER_TESTS


@contextmanager
def browser_page(width=1360):
    # No ORM calls inside: Playwright runs beside its event loop, where Django refuses them.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": width, "height": 1000}).new_page()
            yield page
        finally:
            browser.close()


@pytest.fixture
def person(db):
    return User.objects.create_user(EMAIL, PASSWORD)


def log_in(page, live_server):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/launches/$"))


def next_month_day(day: int, hour: int = 9) -> datetime:
    first = (datetime.now(UTC).replace(day=1) + timedelta(days=32)).replace(day=1)
    return first.replace(day=day, hour=hour, minute=30, second=0, microsecond=0)


def test_calendar_navigation_by_buttons_and_keyboard(live_server, person):
    when = next_month_day(10)
    LaunchFactory(owner=person, status="scheduled", scheduled_date=when, name="Spring sale")
    today = datetime.now(UTC).date()
    with browser_page() as page:
        log_in(page, live_server)
        page.get_by_role("link", name="Calendar").click()
        page.wait_for_url(re.compile(r".*/calendar/$"))
        expect(page.locator("#cal-title")).to_have_text(today.strftime("%B %Y"))
        expect(page.locator("td.cal-today")).to_have_count(1)
        page.screenshot(path="/tmp/dropspace-planning-calendar.png", full_page=True)

        page.get_by_role("link", name="Next month").click()  # the "next" arrow button
        expect(page.locator("#cal-title")).to_have_text(when.strftime("%B %Y"))
        expect(page.locator("table.cal").get_by_text("Spring sale")).to_be_visible()
        expect(page.locator(".cal-agenda")).to_be_hidden()  # the list is the phone's view
        assert "date=" in page.url  # pushed into the history

        page.locator("td.cal-slot[tabindex='0']").focus()  # Tab lands on one day
        page.keyboard.press("PageUp")  # keyboard: back to this month, focus stays in the grid
        expect(page.locator("#cal-title")).to_have_text(today.strftime("%B %Y"))
        # The new month's grid takes the focus once htmx has settled it (today's cell); wait
        # for that before moving on, or it lands after the next focus and steals it.
        page.wait_for_function(
            "day => document.activeElement && document.activeElement.dataset.day === day",
            arg=today.isoformat(),
        )
        tenth = today.replace(day=10)  # in the middle of the grid whatever the date
        page.locator(f'td[data-day="{tenth.isoformat()}"]').focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.dataset.day") == "%s" % (
            tenth + timedelta(days=1)
        )
        page.keyboard.press("ArrowDown")  # the same weekday, a week later
        assert page.evaluate("document.activeElement.dataset.day") == "%s" % (
            tenth + timedelta(days=8)
        )

        page.get_by_role("link", name="Week").click()
        expect(page.locator("#cal-title")).to_contain_text("Week of")
        page.get_by_role("link", name="List view").click()
        expect(page.get_by_role("heading", name="Launches by day")).to_be_visible()

    with browser_page(width=390) as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/calendar/?date={when.date().isoformat()}")
        page.screenshot(path="/tmp/dropspace-planning-calendar-390.png", full_page=True)
        # A phone gets the month as a list of its days with launches, each named and timed,
        # instead of a grid of unlabelled coloured bars.
        expect(page.locator("table.cal-month")).to_be_hidden()
        day = page.locator(".cal-agenda .list-day")
        expect(day).to_have_count(1)
        expect(day.get_by_role("heading")).to_have_text(when.strftime("%A, %B %-d"))
        entry = day.get_by_role("link", name=re.compile("Spring sale"))
        expect(entry).to_be_visible()
        expect(entry).to_contain_text(when.strftime("%H:%M"))
        expect(entry).to_contain_text("scheduled")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.get_by_role("link", name="Previous month").click()  # this month: today, empty
        expect(page.locator(".cal-agenda")).to_contain_text("Nothing planned today")
        page.screenshot(path="/tmp/dropspace-planning-calendar-390-today.png", full_page=True)
        page.goto(f"{live_server.url}/calendar/list?date={when.date().replace(day=1).isoformat()}")
        expect(page.get_by_text("Spring sale")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-planning-list-390.png", full_page=True)


def test_drag_a_launch_to_reschedule_it(live_server, person):
    when = next_month_day(10)
    launch = LaunchFactory(owner=person, status="scheduled", scheduled_date=when, name="Drag me")
    with browser_page() as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/calendar/?date={when.date().isoformat()}")
        target = page.locator(f'td[data-day="{when.date().replace(day=13).isoformat()}"]')
        page.locator("table.cal").get_by_text("Drag me").drag_to(target)
        expect(page.get_by_text("Drag me now publishes")).to_be_visible()
        expect(target.get_by_text("Drag me")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-planning-dragged.png", full_page=True)

        # The move reached the database, not just the page: a reload shows it there.
        page.reload()
        expect(target.get_by_text("Drag me")).to_be_visible()

    launch.refresh_from_db()
    assert launch.scheduled_date == when.replace(day=13)


def test_csv_import_with_a_bad_row(live_server, person, tmp_path):
    future = next_month_day(3).strftime("%Y-%m-%d %H:%M")
    csv_file = tmp_path / "launches.csv"
    csv_file.write_text(
        "title,description,platforms,linkedin,scheduled_at\n"
        f"Good launch,Acme turns invoices into payments.,linkedin,Acme is live,{future}\n"
        "Bad launch,,myspace,,2001-01-01 10:00\n"
    )
    with browser_page() as page:
        log_in(page, live_server)
        page.get_by_role("link", name="Import").click()
        page.get_by_label("CSV or JSON file").set_input_files(str(csv_file))
        page.get_by_role("button", name="Check the file").click()
        expect(page.get_by_role("heading", name="Check 2 launches")).to_be_visible()
        expect(page.get_by_text("1 ready, 1 with problems (skipped)")).to_be_visible()
        expect(page.get_by_text("unknown platform 'myspace'")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-planning-import-preview.png", full_page=True)
        page.get_by_role("button", name="Create 1 launch").click()
        expect(page.get_by_text("1 launch created, 1 row skipped.")).to_be_visible()
        page.screenshot(path="/tmp/dropspace-planning-import-report.png", full_page=True)
        page.get_by_role("link", name="Good launch").click()
        page.wait_for_url(re.compile(r".*/launches/[0-9a-f-]+/$"))

    assert list(Launch.objects.values_list("name", flat=True)) == ["Good launch"]


def test_analytics_page(live_server, person):
    from planning.models import PostMetrics

    for platform, impressions, engagement in [("twitter", 900, 60), ("linkedin", 400, 90)]:
        launch = LaunchFactory(owner=person, status="completed", platforms=[platform])
        log = published(launch, platform)
        PostMetrics.objects.create(
            log=log, impressions=impressions, engagement=engagement, fetched_at=log.posted_at
        )
    with browser_page() as page:
        log_in(page, live_server)
        page.get_by_role("link", name="Analytics").click()
        expect(page.get_by_role("heading", name="Analytics")).to_be_visible()
        expect(page.locator(".stat dd").nth(1)).to_have_text("1,300")
        expect(page.locator("svg.chart")).to_have_count(2)
        page.screenshot(path="/tmp/dropspace-planning-analytics.png", full_page=True)
        page.get_by_label("Platform").select_option("linkedin")  # htmx swaps the report
        expect(page.locator(".stat dd").nth(1)).to_have_text("400")
        assert "platform=linkedin" in page.url
        page.emulate_media(color_scheme="dark")
        page.screenshot(path="/tmp/dropspace-planning-analytics-dark.png", full_page=True)

    with browser_page(width=390) as page:
        log_in(page, live_server)
        page.goto(f"{live_server.url}/analytics/")
        page.screenshot(path="/tmp/dropspace-planning-analytics-390.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390  # nothing overflows the phone's screen
