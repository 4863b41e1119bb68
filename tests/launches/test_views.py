"""The dashboard pages, through the client (full pages and htmx fragments)."""

import re

import pytest

from launches.models import Launch
from tests.launches.factories import LaunchFactory

HX = {"HTTP_HX_REQUEST": "true"}


def test_list_requires_login(client):
    response = client.get("/launches/")
    assert response.status_code == 302


def test_empty_list_offers_the_first_launch(logged_in_client):
    response = logged_in_client.get("/launches/")
    assert response.status_code == 200
    assert b"Create your first launch" in response.content


def test_list_shows_own_launches_with_filter_and_fragment(logged_in_client, user, stranger):
    LaunchFactory(owner=user, name="Mine scheduled", status="scheduled")
    LaunchFactory(owner=user, name="Mine draft")
    LaunchFactory(owner=stranger, name="Theirs")
    page = logged_in_client.get("/launches/").content.decode()
    assert "Mine draft" in page
    assert "Theirs" not in page
    fragment = logged_in_client.get("/launches/?status=scheduled", **HX).content.decode()
    assert "Mine scheduled" in fragment
    assert "Mine draft" not in fragment
    assert "<html" not in fragment
    assert 'class="badge badge-scheduled"' in fragment


def test_list_paginates(logged_in_client, user):
    LaunchFactory.create_batch(21, owner=user)
    page = logged_in_client.get("/launches/").content.decode()
    assert "Page 1 of 2" in page


def test_create_page_and_create(logged_in_client, user):
    assert logged_in_client.get("/launches/new").status_code == 200
    response = logged_in_client.post(
        "/launches/new",
        {
            "title": "Acme",
            "product_description": "Acme turns invoices into payments.",
            "platforms": ["twitter", "hackernews"],
            "scheduled_date": "",
        },
    )
    launch = Launch.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == f"/launches/{launch.pk}/"
    assert launch.platform_contents["hackernews"]["generated_by"] == "offline"


def test_the_platform_choices_carry_each_platforms_logo(logged_in_client):
    page = logged_in_client.get("/launches/new").content.decode()
    label = re.search(r'<label for="id_platforms_3">.*?</label>', page, re.S).group(0)
    assert 'value="facebook"' in label
    assert 'class="platform-logo platform-logo-facebook"' in label
    assert 'aria-hidden="true"' in label  # the name beside it is what is read
    assert label.endswith("Facebook</label>")


def test_create_errors_show_next_to_fields(logged_in_client, user):
    response = logged_in_client.post(
        "/launches/new",
        {
            "title": "Acme",
            "product_description": "d" * 2001,
            "platforms": ["twitter"],
            "custom_content": "x" * 281,
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="field-error"') >= 2
    assert "the limit is 2000" in page
    assert not Launch.objects.exists()


def test_create_schedule_is_read_in_the_users_timezone(logged_in_client, user):
    user.timezone = "Europe/Paris"
    user.save()
    logged_in_client.post(
        "/launches/new",
        {
            "title": "Acme",
            "product_description": "Invoices.",
            "platforms": ["linkedin"],
            "scheduled_date": "2099-07-01T09:00",
        },
    )
    launch = Launch.objects.get(owner=user)
    assert launch.scheduled_date.isoformat() == "2099-07-01T07:00:00+00:00"
    assert launch.status == "scheduled"


def test_detail_shows_tabs_counters_and_writer(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "reddit", "tiktok"],
        platform_contents={
            "twitter": {"thread": ["one", "two"], "generated_by": "offline"},
            "reddit": {"title": "T", "content": "Body", "subreddits": [{"name": "webdev"}]},
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert page.count('role="tab"') == 3
    assert page.count('name="twitter-thread"') == 2
    assert 'data-count="twitter"' in page
    assert "written by the offline writer" in page
    assert 'value="webdev"' in page
    assert "PUBLIC_TO_EVERYONE" in page
    assert "launches/editor.js" in page


def test_strangers_launch_page_is_404(client, stranger, launch):
    client.force_login(stranger)
    assert client.get(f"/launches/{launch.pk}/").status_code == 404
    assert client.post(f"/launches/{launch.pk}/delete").status_code == 404


def test_save_through_htmx_returns_the_editor(logged_in_client, launch):
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {
            "name": "Renamed",
            "product_description": "Still here.",
            "twitter-thread": ["first", "second"],
            "linkedin-content": "New post",
        },
        **HX,
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="editor"' in page
    assert "<html" not in page
    launch.refresh_from_db()
    assert launch.name == "Renamed"
    assert launch.platform_contents["twitter"]["thread"] == ["first", "second"]
    assert launch.platform_contents["linkedin"]["content"] == "New post"


def test_save_error_is_shown_next_to_the_tweet_and_nothing_is_saved(logged_in_client, launch):
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {"name": "Renamed", "product_description": "x", "twitter-thread": ["ok", "x" * 281]},
        **HX,
    )
    page = response.content.decode()
    assert "Tweet 2 is 281 characters long as X counts them; the limit is 280." in page
    assert "x" * 281 in page  # what was typed stays in the editor
    launch.refresh_from_db()
    assert launch.name == "Acme launch"


def test_regenerate_one_platform_with_htmx(logged_in_client, launch):
    response = logged_in_client.post(
        f"/launches/{launch.pk}/regenerate", {"platform": "linkedin", "confirmed": "yes"}, **HX
    )
    assert response.status_code == 200
    assert "Rewritten by the offline writer: LinkedIn." in response.content.decode()
    launch.refresh_from_db()
    assert launch.platform_contents["linkedin"]["generated_by"] == "offline"
    assert launch.platform_contents["twitter"]["content"] == "Acme is live"


def test_regenerate_all_without_htmx_redirects(logged_in_client, launch):
    response = logged_in_client.post(f"/launches/{launch.pk}/regenerate", {"confirmed": "yes"})
    assert response.status_code == 302
    launch.refresh_from_db()
    assert launch.platform_contents["twitter"]["generated_by"] == "offline"


def test_regenerate_limit_is_shown(logged_in_client, launch, settings):
    settings.BILLING_PLANS = {"starter": {"regenerations_per_launch": 0}}
    response = logged_in_client.post(
        f"/launches/{launch.pk}/regenerate", {"confirmed": "yes"}, **HX
    )
    assert "Regeneration limit reached" in response.content.decode()


def test_cancel_and_delete(logged_in_client, launch):
    logged_in_client.post(f"/launches/{launch.pk}/cancel", **HX)
    launch.refresh_from_db()
    assert launch.status == "cancelled"
    response = logged_in_client.post(f"/launches/{launch.pk}/delete", **HX)
    assert response["HX-Redirect"] == "/launches/"
    assert not Launch.objects.filter(pk=launch.pk).exists()


@pytest.mark.parametrize("status", ["running"])
def test_delete_running_shows_the_error(logged_in_client, user, status):
    launch = LaunchFactory(owner=user, status=status)
    response = logged_in_client.post(f"/launches/{launch.pk}/delete", **HX)
    assert "currently running" in response.content.decode()
    assert Launch.objects.filter(pk=launch.pk).exists()


def test_editor_schedules_in_the_users_timezone_and_unschedules(logged_in_client, user, launch):
    user.timezone = "America/New_York"
    user.save()
    logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {"name": launch.name, "product_description": "d", "scheduled_date": "2099-01-10T09:30"},
        **HX,
    )
    launch.refresh_from_db()
    assert launch.scheduled_date.isoformat() == "2099-01-10T14:30:00+00:00"
    assert launch.status == "scheduled"
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert 'value="2099-01-10T09:30"' in page
    logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {"name": launch.name, "product_description": "d", "scheduled_date": ""},
        **HX,
    )
    launch.refresh_from_db()
    assert launch.scheduled_date is None
    assert launch.status == "manual"


def test_editor_schedule_in_the_past_shows_the_error(logged_in_client, launch):
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {"name": launch.name, "product_description": "d", "scheduled_date": "2001-01-01T09:30"},
        **HX,
    )
    assert "at least 15 minutes from now" in response.content.decode()
    launch.refresh_from_db()
    assert launch.scheduled_date is None


def test_editor_edits_each_subreddit_and_keeps_flair_ids(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        platforms=["reddit"],
        platform_contents={
            "reddit": {
                "title": "Main",
                "content": "Body",
                "subreddits": [{"name": "webdev", "title": "Old", "flair_id": "f1"}],
            }
        },
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert 'name="reddit-sub-title" value="Old"' in page
    logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {
            "name": launch.name,
            "product_description": "d",
            "reddit-title": "Main",
            "reddit-content": "Body",
            "reddit-subreddits": "webdev r/startups",
            "reddit-sub-name": ["webdev"],
            "reddit-sub-title": ["Technical angle"],
            "reddit-sub-content": [""],
            "reddit-sub-flair_text": ["Show"],
        },
        **HX,
    )
    launch.refresh_from_db()
    assert launch.platform_contents["reddit"]["subreddits"] == [
        {"name": "webdev", "flair_id": "f1", "title": "Technical angle", "flair_text": "Show"},
        {"name": "startups"},
    ]


def test_editor_changes_the_persona(logged_in_client, user, launch):
    from personas.models import Persona

    persona = Persona.objects.create(owner=user, name="Dry wit")
    page = logged_in_client.get(f"/launches/{launch.pk}/").content.decode()
    assert "Dry wit" in page
    logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {"name": launch.name, "product_description": "d", "persona": str(persona.pk)},
        **HX,
    )
    launch.refresh_from_db()
    assert launch.persona == persona
