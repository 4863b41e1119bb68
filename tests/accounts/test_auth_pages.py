"""Sign-up, log-in, log-out and password reset through allauth, rendered in our layout."""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.core import mail
from django.urls import reverse

from accounts.models import User


@pytest.fixture(autouse=True)
def _no_allauth_rate_limits(settings):
    # allauth counts attempts per IP and email in the cache; these tests repeat the same ones.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.mark.parametrize(
    "url_name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_use_our_layout(client, db, url_name):
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="card entrance-card stack"' in html
    assert "css/app.css" in html
    assert 'class="skip-link"' in html


def test_login_form_fields_have_labels(client, db):
    html = client.get(reverse("account_login")).content.decode()
    assert '<label for="id_login">Email</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert f'href="{reverse("account_reset_password")}"' in html


def test_sign_up_creates_a_user_logs_in_and_sends_a_confirmation(client, db):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "New.Person@Example.com",
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.com")
    assert user.timezone == "UTC"
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert len(mail.outbox) == 1
    assert "new.person@example.com" in mail.outbox[0].to


def test_sign_up_errors_show_next_to_the_field(client, user):
    response = client.post(
        reverse("account_signup"),
        {"email": user.email, "password1": "short", "password2": "other"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="form-field has-error"' in html
    assert 'aria-invalid="true"' in html
    assert 'class="field-error" id="id_email_error"' in html


def test_log_in_and_out(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "pw-owner-123"}
    )
    assert response.status_code == 302
    assert response.url == reverse("launches:list")
    assert client.get(reverse("accounts:profile")).status_code == 200

    confirm = client.get(reverse("account_logout"))
    assert "Log out?" in confirm.content.decode()
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_shows_a_form_error(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="alert alert-error" role="alert"' in html


def test_password_reset_end_to_end(client, user):
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    assert link

    # allauth moves the token from the URL into the session, then shows the form.
    form_page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in form_page.content.decode()
    action = form_page.redirect_chain[-1][0]
    response = client.post(
        action,
        {"password1": "brand-new-secret-42", "password2": "brand-new-secret-42"},
        follow=True,
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password("brand-new-secret-42")

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "brand-new-secret-42"}
    )
    assert response.status_code == 302


def test_used_or_bad_reset_link_explains_itself(client, user):
    response = client.get("/accounts/password/reset/key/1-bogus/", follow=True)
    assert "This link no longer works" in response.content.decode()


def test_email_confirmation_page(client, user):
    address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)

    key = EmailConfirmationHMAC(address).key
    url = reverse("account_confirm_email", args=[key])
    page = client.get(url)
    assert "Confirm your email" in page.content.decode()
    client.post(url)
    address.refresh_from_db()
    assert address.verified


@pytest.mark.parametrize("url_name", ["account_email", "account_change_password"])
def test_account_management_pages_render_in_the_shell(logged_in_client, url_name):
    html = logged_in_client.get(reverse(url_name)).content.decode()
    assert 'class="card stack container-narrow"' in html
    assert '<nav id="primary-nav"' in html
    assert 'class="btn btn-primary"' in html


def test_change_password(logged_in_client, user):
    response = logged_in_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "pw-owner-123",
            "password1": "another-long-one-7",
            "password2": "another-long-one-7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-long-one-7")
