"""New accounts start in the browser's timezone (sent by app.js on sign-up and first login)."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.test_browser import browser_page
from tests.browser import CHROMIUM

SIGN_UP = {"password1": "a-long-passphrase-9", "password2": "a-long-passphrase-9"}


def test_sign_up_and_login_forms_carry_the_hidden_timezone_field(client, db):
    for name in ("account_signup", "account_login"):
        page = client.get(reverse(name)).content.decode()
        assert 'type="hidden" name="timezone"' in page
        assert "data-browser-timezone" in page


def test_sign_up_starts_in_the_browsers_timezone(client, db):
    client.post(
        reverse("account_signup"),
        {**SIGN_UP, "email": "paris@example.com", "timezone": "Europe/Paris"},
    )
    assert User.objects.get(email="paris@example.com").timezone == "Europe/Paris"


def test_a_timezone_that_is_not_one_is_ignored(client, db):
    client.post(
        reverse("account_signup"),
        {**SIGN_UP, "email": "mars@example.com", "timezone": "Mars/Olympus"},
    )
    assert User.objects.get(email="mars@example.com").timezone == "UTC"


def test_first_login_adopts_it_later_logins_do_not(client, db):
    person = User.objects.create_user("first@example.com", "pw-first-123")
    login = {"login": person.email, "password": "pw-first-123", "timezone": "Asia/Tokyo"}
    assert client.post(reverse("account_login"), login).status_code == 302
    person.refresh_from_db()
    assert person.timezone == "Asia/Tokyo"
    client.logout()
    person.timezone = "UTC"  # chosen on the profile page afterwards
    person.save()
    client.post(reverse("account_login"), {**login, "timezone": "America/Lima"})
    person.refresh_from_db()
    assert person.timezone == "UTC"


def test_a_chosen_timezone_is_never_replaced(db):
    from accounts import services

    person = User.objects.create_user("chosen@example.com", "pw", timezone="Europe/Berlin")
    assert not services.adopt_browser_timezone(user=person, timezone="Asia/Tokyo")
    assert person.timezone == "Europe/Berlin"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium not installed at /usr/bin/chromium")
def test_a_browser_in_sao_paulo_signs_up_in_sao_paulo_time(live_server):
    with browser_page(timezone_id="America/Sao_Paulo") as page:
        page.goto(f"{live_server.url}{reverse('account_signup')}")
        page.get_by_label("Email").fill("brazil@example.com")
        page.get_by_label("Password", exact=True).fill(SIGN_UP["password1"])
        page.get_by_label("Password (again)").fill(SIGN_UP["password2"])
        page.get_by_role("button", name="Create account").click()
        page.wait_for_load_state("load")
    assert User.objects.get(email="brazil@example.com").timezone == "America/Sao_Paulo"
