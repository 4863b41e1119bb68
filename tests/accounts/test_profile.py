import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts import services
from dropspace.api.errors import ApiError, Code


def test_update_profile_saves_name_and_timezone(user):
    services.update_profile(user=user, name="  Olive O.  ", timezone="Europe/Paris")
    user.refresh_from_db()
    assert user.name == "Olive O."
    assert user.timezone == "Europe/Paris"


@pytest.mark.parametrize("timezone", ["Mars/Olympus", "", "europe/paris", "UTC+2"])
def test_update_profile_rejects_non_iana_timezones(user, timezone):
    with pytest.raises(ApiError) as caught:
        services.update_profile(user=user, name="x", timezone=timezone)
    assert caught.value.code is Code.SERVER_002
    assert caught.value.message.startswith("timezone:")
    user.refresh_from_db()
    assert user.timezone == "UTC"


def test_update_profile_rejects_long_names(user):
    with pytest.raises(ApiError, match="name: at most 150"):
        services.update_profile(user=user, name="x" * 151, timezone="UTC")


def test_profile_page_shows_the_form_with_sorted_timezones(logged_in_client, user):
    response = logged_in_client.get(reverse("accounts:profile"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="Olive Owner"' in html
    assert '<option value="UTC" selected>UTC</option>' in html
    values = [option.split('"')[0] for option in html.split('<option value="')[1:]]
    assert values == sorted(values)
    assert "America/New_York" in values


def test_profile_post_saves_and_redirects(logged_in_client, user):
    response = logged_in_client.post(
        reverse("accounts:profile"), {"name": "Olive", "timezone": "Asia/Tokyo"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.name, user.timezone) == ("Olive", "Asia/Tokyo")


def test_profile_post_rejects_unknown_timezone_next_to_the_field(logged_in_client, user):
    response = logged_in_client.post(
        reverse("accounts:profile"), {"name": "Olive", "timezone": "Mars/Olympus"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_timezone_error"' in html
    user.refresh_from_db()
    assert user.timezone == "UTC"


@time_machine.travel(dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_dates_are_shown_in_the_users_timezone(logged_in_client, user):
    user.date_joined = dt.datetime(2026, 1, 15, 23, 30, tzinfo=dt.UTC)
    user.timezone = "Asia/Tokyo"
    user.save()
    html = logged_in_client.get(reverse("accounts:profile")).content.decode()
    # 23:30 UTC on Jan 15 is 08:30 on Jan 16 in Tokyo (UTC+9).
    assert "Jan 16, 2026 08:30 JST" in html
    assert "Mar 1, 2026 21:00 JST" in html


@time_machine.travel(dt.datetime(2026, 7, 1, 12, 0, tzinfo=dt.UTC), tick=False)
def test_dates_follow_daylight_saving(logged_in_client, user):
    user.timezone = "America/New_York"
    user.save()
    html = logged_in_client.get(reverse("accounts:profile")).content.decode()
    assert "Jul 1, 2026 08:00 EDT" in html
