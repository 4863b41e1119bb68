"""The calendar pages: month and week grids in the person's timezone, moving a launch with
htmx through the editor's rules, planning a launch on an empty day, the list view."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from launches.models import Launch
from tests.launches.factories import LaunchFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 14, 10, 0, tzinfo=UTC)  # a Thursday


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def paris(user):
    user.timezone = "Europe/Paris"
    user.save(update_fields=["timezone"])
    return user


def scheduled(owner, when, **fields):
    return LaunchFactory(owner=owner, status="scheduled", scheduled_date=when, **fields)


def test_month_shows_launches_on_the_persons_local_day(logged_in_client, paris):
    # 23:30 UTC on the 19th is 00:30 on the 20th in Paris.
    late = scheduled(paris, datetime(2030, 3, 19, 23, 30, tzinfo=UTC), name="Night launch")
    LaunchFactory(owner=paris, status="draft", name="Undated draft")
    response = logged_in_client.get("/calendar/?date=2030-03-01")
    assert response.status_code == 200
    html = response.content.decode()
    day_20 = html.split('data-day="2030-03-20"')[1].split("</td>")[0]
    assert "Night launch" in day_20
    assert "00:30" in day_20
    assert f'data-move-url="/calendar/{late.pk}/move"' in day_20  # scheduled: draggable
    assert "Undated draft" not in html
    today = html.split('data-day="2030-03-14"')[1].split(">")[0]
    assert "cal-today" in html.split('data-day="2030-03-14"')[0].rsplit("<td", 1)[1]
    assert 'aria-current="date"' in today


def test_published_and_failed_launches_are_shown_when_they_went_out(logged_in_client, user):
    started = datetime(2030, 3, 10, 8, 0, tzinfo=UTC)
    LaunchFactory(owner=user, status="completed", started_at=started, name="Went out")
    LaunchFactory(owner=user, status="failed", started_at=started, name="Broke")
    LaunchFactory(owner=user, status="cancelled", scheduled_date=started, name="Called off")
    html = logged_in_client.get("/calendar/?date=2030-03-10").content.decode()
    day = html.split('data-day="2030-03-10"')[1].split("</td>")[0]
    assert "Went out" in day
    assert "Broke" in day
    assert "Called off" not in html
    assert "draggable" not in day  # only a scheduled launch moves


def test_week_view_and_filters(logged_in_client, user):
    scheduled(
        user, datetime(2030, 3, 15, 9, 15, tzinfo=UTC), name="Tweet it", platforms=["twitter"]
    )
    scheduled(
        user, datetime(2030, 3, 15, 11, 0, tzinfo=UTC), name="Post it", platforms=["linkedin"]
    )
    html = logged_in_client.get("/calendar/?view=week&date=2030-03-14").content.decode()
    assert "Week of Mar 11, 2030" in html
    slot = html.split('data-day="2030-03-15" data-hour="9"')[1].split("</td>")[0]
    assert "Tweet it" in slot
    filtered = logged_in_client.get("/calendar/?view=week&date=2030-03-14&platform=linkedin")
    assert "Tweet it" not in filtered.content.decode()
    assert "Post it" in filtered.content.decode()


def test_navigation_is_an_htmx_fragment(logged_in_client, user):
    response = logged_in_client.get("/calendar/?date=2030-04-01", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card card-flush" id="calendar"')
    assert "April 2030" in html
    assert "<html" not in html
    assert "date=2030-03-01" in html
    assert "date=2030-05-01" in html


def test_a_broken_query_string_shows_this_month(logged_in_client):
    response = logged_in_client.get("/calendar/?date=yesterday&view=year")
    assert response.status_code == 200
    assert "March 2030" in response.content.decode()


def move(client, launch, **data):
    payload = {"view": "month", "date": "2030-03-01", **data}
    return client.post(f"/calendar/{launch.pk}/move", payload, HTTP_HX_REQUEST="true")


def test_dragging_reschedules_keeping_the_time_of_day(logged_in_client, paris):
    launch = scheduled(paris, datetime(2030, 3, 20, 8, 45, tzinfo=UTC))  # 09:45 in Paris
    response = move(logged_in_client, launch, day="2030-03-22")
    assert response.status_code == 200
    launch.refresh_from_db()
    assert launch.scheduled_date == datetime(2030, 3, 22, 8, 45, tzinfo=UTC)
    html = response.content.decode()
    assert "now publishes Fri Mar 22, 09:45 CET" in html
    day = html.split('data-day="2030-03-22"')[1].split("</td>")[0]
    assert launch.name in day


def test_dropping_on_an_hour_of_the_week_sets_the_hour(logged_in_client, user):
    launch = scheduled(user, datetime(2030, 3, 20, 8, 45, tzinfo=UTC))
    move(logged_in_client, launch, day="2030-03-21", hour="16", view="week")
    launch.refresh_from_db()
    assert launch.scheduled_date == datetime(2030, 3, 21, 16, 45, tzinfo=UTC)


def test_the_15_minute_rule_applies(logged_in_client, user):
    when = datetime(2030, 3, 20, 8, 0, tzinfo=UTC)
    launch = scheduled(user, when)
    response = move(logged_in_client, launch, day="2030-03-14")  # 08:00 today: in the past
    assert "must be at least 15 minutes from now" in response.content.decode()
    launch.refresh_from_db()
    assert launch.scheduled_date == when


def test_publish_time_checks_apply(logged_in_client, user, make_platform_connection):
    connection = make_platform_connection("twitter")
    when = datetime(2030, 3, 20, 8, 0, tzinfo=UTC)
    launch = scheduled(user, when, user_platform_accounts={"twitter": str(connection.pk)})
    connection.is_active = False  # disconnected since it was scheduled
    connection.save()
    response = move(logged_in_client, launch, day="2030-03-25")
    assert "is not one of your connected accounts" in response.content.decode()
    launch.refresh_from_db()
    assert launch.scheduled_date == when


def test_only_a_scheduled_launch_moves(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="completed", started_at=NOW - timedelta(days=1))
    response = move(logged_in_client, launch, day="2030-03-25")
    assert "only a scheduled launch can be moved" in response.content.decode()


def test_a_strangers_launch_is_not_found(client, stranger, user):
    launch = scheduled(user, datetime(2030, 3, 20, 8, 0, tzinfo=UTC))
    client.force_login(stranger)
    assert move(client, launch, day="2030-03-25").status_code == 404
    html = client.get("/calendar/?date=2030-03-01").content.decode()
    assert launch.name not in html


def test_moving_without_htmx_redirects_with_a_message(logged_in_client, user):
    launch = scheduled(user, datetime(2030, 3, 20, 8, 0, tzinfo=UTC))
    response = logged_in_client.post(
        f"/calendar/{launch.pk}/move", {"day": "2030-03-26"}, follow=True
    )
    assert "now publishes Tue Mar 26" in response.content.decode()


def test_an_empty_day_plans_a_launch_there(logged_in_client, user):
    html = logged_in_client.get("/calendar/?date=2030-03-01").content.decode()
    assert 'data-create-url="/launches/new?scheduled_date=2030-03-27T09:00"' in html
    form = logged_in_client.get("/launches/new?scheduled_date=2030-03-27T09:00").content.decode()
    assert 'value="2030-03-27T09:00"' in form


def test_list_view_groups_by_day(logged_in_client, user):
    scheduled(user, datetime(2030, 3, 16, 9, 0, tzinfo=UTC), name="Saturday launch")
    scheduled(user, datetime(2030, 5, 16, 9, 0, tzinfo=UTC), name="Far away")
    html = logged_in_client.get("/calendar/list?date=2030-03-14").content.decode()
    assert "Saturday, March 16" in html
    assert "Saturday launch" in html
    assert "Far away" not in html
    published_only = logged_in_client.get("/calendar/list?date=2030-03-14&status=published")
    assert "Saturday launch" not in published_only.content.decode()


def test_calendar_queries_do_not_grow_with_launches(
    logged_in_client, user, django_assert_max_num_queries
):
    for day in range(15, 29):
        scheduled(user, datetime(2030, 3, day, 9, 0, tzinfo=UTC))
    with django_assert_max_num_queries(6):
        html = logged_in_client.get("/calendar/?date=2030-03-01").content.decode()
    # Each launch once in the grid and once in the phone's list of days.
    assert html.count('class="cal-entry') == 2 * Launch.objects.count() == 28


def test_the_month_as_a_list_names_each_launch_on_its_day(logged_in_client, user):
    """What a phone shows: the month's days with launches (and today), each launch named,
    timed and with its status in words; a month with none says so."""
    scheduled(user, datetime(2030, 3, 16, 9, 0, tzinfo=UTC), name="Saturday launch")
    scheduled(user, datetime(2030, 4, 1, 9, 0, tzinfo=UTC), name="Next month")
    html = logged_in_client.get("/calendar/?date=2030-03-01").content.decode()
    agenda = html.split('class="cal-agenda"')[1].split("</section>\n</section>")[0]
    days = [d.strip() for d in re.findall(r"<h3 id=\"agenda-\d+\">([^<]+)", agenda)]
    assert days == ["Thursday, March 14", "Saturday, March 16"]  # today, then the launch
    assert "Nothing planned today" in agenda
    saturday = agenda.split("Saturday, March 16")[1]
    assert "Saturday launch" in saturday
    assert "09:00" in saturday
    assert "scheduled" in saturday
    assert "Next month" not in agenda  # April 1 pads the grid but is not March
    empty = logged_in_client.get("/calendar/?date=2030-05-01").content.decode()
    assert "Nothing planned in May." in empty


def test_a_past_day_offers_no_new_launch(logged_in_client):
    html = logged_in_client.get("/calendar/?date=2030-03-01").content.decode()
    yesterday = html.split('data-day="2030-03-13"')[1].split(">")[0]
    assert "data-create-url" not in yesterday
    today = html.split('data-day="2030-03-14"')[1].split(">")[0]
    assert "scheduled_date=2030-03-14T09:00" in today
