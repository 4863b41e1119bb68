"""The styled 404, 403 and 500 pages, as served with DEBUG off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path

from dropspace import urls as project_urls
from tests.launches.factories import LaunchFactory

pytestmark = pytest.mark.django_db


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


# The project's URLs plus two views that fail on purpose (used through pytest.mark.urls).
urlpatterns = [path("test/forbidden", forbidden), path("test/broken", broken)]
urlpatterns += project_urls.urlpatterns


@override_settings(DEBUG=False)
def test_404_is_styled_and_offers_the_way_back(logged_in_client):
    response = logged_in_client.get("/no/such/page")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page not found · dropspace</title>" in html
    assert "We couldn't find that page" in html
    assert 'href="/launches/">Back to your launches</a>' in html
    assert 'class="sidebar"' in html  # the app's own layout, navigation included


@override_settings(DEBUG=False)
def test_a_strangers_launch_gets_the_styled_404(client, stranger, user):
    launch = LaunchFactory(owner=user)
    client.force_login(stranger)
    response = client.get(f"/launches/{launch.pk}/")
    assert response.status_code == 404
    assert "We couldn't find that page" in response.content.decode()


@override_settings(DEBUG=False)
def test_404_for_a_visitor_offers_the_login(client):
    html = client.get("/no/such/page").content.decode()
    assert 'href="/accounts/login/">Log in</a>' in html
    assert "Back to your launches" not in html


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_403_is_styled_and_names_the_account(logged_in_client, user):
    response = logged_in_client.get("/test/forbidden")
    assert response.status_code == 403
    html = response.content.decode()
    assert "<title>Not allowed · dropspace</title>" in html
    assert f"You are logged in as {user.email}" in html
    assert 'href="/launches/">Back to your launches</a>' in html


@pytest.mark.urls(__name__)
@override_settings(DEBUG=False)
def test_500_is_styled_and_self_contained(client):
    client.raise_request_exception = False
    response = client.get("/test/broken")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
    assert "<style>" in html  # no stylesheet to fetch: it may be the static files that broke
    assert "{%" not in html
    assert "{{" not in html


def test_500_renders_without_a_request_or_database(django_assert_num_queries):
    from django.template import loader

    with django_assert_num_queries(0):  # Django renders it with no context, no request
        html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
