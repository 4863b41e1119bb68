import pytest
from django.urls import reverse

from accounts.models import User


@pytest.fixture
def admin_client(client, db):
    admin = User.objects.create_superuser("root@example.com", "pw-root-12345")
    client.force_login(admin)
    return client


def test_user_list_shows_email_name_timezone(admin_client, user):
    response = admin_client.get(reverse("admin:accounts_user_changelist"))
    html = response.content.decode()
    assert response.status_code == 200
    for column in [
        "column-email",
        "column-name",
        "column-timezone",
        "column-is_staff",
        "column-date_joined",
    ]:
        assert column in html
    assert "owner@example.com" in html


def test_user_search_by_email(admin_client, user, stranger):
    response = admin_client.get(reverse("admin:accounts_user_changelist"), {"q": "stranger"})
    html = response.content.decode()
    assert "stranger@example.com" in html
    assert "owner@example.com" not in html


def test_add_user_with_email_login(admin_client, client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Added@Example.com",
            "name": "Added",
            "timezone": "Europe/Berlin",
            "usable_password": "true",
            "password1": "added-secret-123",
            "password2": "added-secret-123",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = User.objects.get(email="added@example.com")
    assert added.check_password("added-secret-123")
    assert added.timezone == "Europe/Berlin"


def test_add_user_rejects_a_bad_timezone(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "x@example.com",
            "timezone": "Nowhere/Land",
            "usable_password": "true",
            "password1": "added-secret-123",
            "password2": "added-secret-123",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x@example.com").exists()


def test_change_user(admin_client, user):
    url = reverse("admin:accounts_user_change", args=[user.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(
        url,
        {
            "email": user.email,
            "name": "Renamed",
            "timezone": "Asia/Tokyo",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert (user.name, user.timezone) == ("Renamed", "Asia/Tokyo")
