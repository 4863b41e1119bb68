"""The launch page's publishing panel through the client: full pages and htmx fragments."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.utils import timezone

from connections.models import Connection
from launches.models import Launch, PostingLog
from tests.launches.factories import LaunchFactory
from tests.launches.published import (
    GRAPH,
    POST_IDS,
    X_API,
    launch_with_posts,
    published,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def page(client, launch, suffix="", **extra):
    response = client.get(f"/launches/{launch.pk}/{suffix}", **extra)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def flashes(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def rsps(no_real_http):
    return no_real_http


# --- the panel --------------------------------------------------------------------------------


def test_a_ready_launch_offers_publish_schedule_and_accounts(
    logged_in_client, user, make_platform_connection
):
    mine = make_platform_connection("twitter", username="@olive")
    org = make_platform_connection(
        "linkedin", account_type="organization", entity_id="urn:li:organization:42"
    )
    make_platform_connection("linkedin", entity_id="person-1", account_type="personal")
    make_platform_connection("facebook", owner=None, username="dropspace", entity_id="page-1")
    launch = LaunchFactory(owner=user, status="manual", platforms=["twitter", "linkedin"])
    html = page(logged_in_client, launch)
    assert "Publish now" not in html  # no posting account chosen yet
    assert "Choose the accounts to post through, then publish" in html
    assert 'href="#posting-accounts"' in html
    assert 'name="scheduled_date" type="datetime-local"' in html
    assert f'value="twitter={mine.pk}"' in html
    assert f'value="linkedin:organization:42={org.pk}"' in html
    assert 'value="linkedin:personal=' in html
    assert "dropspace:facebook" not in html  # facebook is not one of the launch's platforms
    assert "Nothing has been posted yet" in html


def test_posting_accounts_are_named_in_words_with_their_picture(
    logged_in_client, user, make_platform_connection
):
    make_platform_connection(
        "linkedin",
        display_name="Acme Inc",
        account_type="organization",
        entity_id="urn:li:organization:42",
        health="needs_reauth",
        avatar_name="avatars/acme.png",
    )
    launch = LaunchFactory(owner=user, status="manual", platforms=["linkedin"])
    html = page(logged_in_client, launch)
    assert "Acme Inc (Company page)" in html
    assert "(organization)" not in html
    assert ">Reconnect needed</span>" in html
    assert ">needs_reauth<" not in html
    assert re.search(r'<img class="avatar" src="/connections/[0-9a-f-]+/avatar/acme.png"', html)


def test_posting_accounts_are_saved_through_the_service(
    logged_in_client, user, make_platform_connection
):
    mine = make_platform_connection("twitter")
    make_platform_connection("linkedin", owner=None, username="dropspace", entity_id="org-9")
    launch = LaunchFactory(owner=user, status="manual", platforms=["twitter", "linkedin"])
    assert "dropspace:linkedin" in page(logged_in_client, launch)
    response = logged_in_client.post(
        f"/launches/{launch.pk}/accounts",
        {"account": [f"twitter={mine.pk}", "dropspace:linkedin"]},
    )
    assert response.status_code == 302
    launch.refresh_from_db()
    assert launch.user_platform_accounts == {"twitter": str(mine.pk)}
    assert launch.dropspace_platforms == ["linkedin"]
    assert launch.status == "trigger"
    # A stranger's connection id is refused by the rules, with the reason shown.
    theirs = Connection.objects.create(
        platform="twitter", owner=None, entity_id="x", access_token="t"
    )
    response = logged_in_client.post(
        f"/launches/{launch.pk}/accounts", {"account": [f"twitter={theirs.pk}"]}, follow=True
    )
    assert "is not one of your connected accounts" in response.content.decode()
    launch.refresh_from_db()
    assert launch.user_platform_accounts == {"twitter": str(mine.pk)}


def test_schedule_in_the_persons_timezone_then_unschedule(logged_in_client, user):
    user.timezone = "America/New_York"
    user.save()
    launch = LaunchFactory(owner=user, status="manual")
    now = timezone.now()
    local = (now + dt.timedelta(days=2)).astimezone(zoneinfo.ZoneInfo("America/New_York"))
    typed = local.strftime("%Y-%m-%dT%H:%M")
    response = logged_in_client.post(f"/launches/{launch.pk}/schedule", {"scheduled_date": typed})
    assert response.status_code == 302
    assert flashes(response) == [f"Scheduled for {local:%b %-d, %Y %H:%M} {local.tzname()}."]
    launch.refresh_from_db()
    assert launch.status == "scheduled"
    assert launch.scheduled_date == local.replace(second=0, microsecond=0)
    html = page(logged_in_client, launch)
    assert "Unschedule" in html
    assert local.strftime("%H:%M") in html  # shown in the person's timezone
    logged_in_client.post(f"/launches/{launch.pk}/unschedule")
    launch.refresh_from_db()
    assert (launch.status, launch.scheduled_date) == ("manual", None)


def test_schedule_errors_are_told(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="manual")
    response = logged_in_client.post(f"/launches/{launch.pk}/schedule", {"scheduled_date": ""})
    assert flashes(response) == ["Choose a date and time to schedule the launch."]
    past = (timezone.now() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = logged_in_client.post(f"/launches/{launch.pk}/schedule", {"scheduled_date": past})
    assert flashes(response)[-2:] == [
        "Fix these first:",
        "Scheduled time must be at least 15 minutes from now.",
    ]
    launch.refresh_from_db()
    assert launch.scheduled_date is None


def test_cancel_from_the_panel(logged_in_client, user):
    launch = LaunchFactory(
        owner=user, status="scheduled", scheduled_date=timezone.now() + dt.timedelta(days=1)
    )
    assert "Cancel launch" in page(logged_in_client, launch)
    response = logged_in_client.post(f"/launches/{launch.pk}/cancel")
    assert response.status_code == 302
    launch.refresh_from_db()
    assert launch.status == "cancelled"


def test_publish_now_then_live_status_until_completed(
    logged_in_client, user, make_platform_connection, rsps
):
    from launches import tasks

    twitter = make_platform_connection("twitter", username="@olive")
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter", "hackernews"],
        product_url="https://acme.example",
        user_platform_accounts={"twitter": str(twitter.pk)},
        platform_contents={
            "twitter": {"platform": "twitter", "content": "Acme is live", "generated_by": "user"},
            "hackernews": {"platform": "hackernews", "title": "Show HN: Acme"},
        },
    )
    response = logged_in_client.post(f"/launches/{launch.pk}/publish")
    assert flashes(response) == [
        "Fix these first:",
        "Hacker News has no content yet: write or generate it.",
    ]
    launch.platform_contents["hackernews"]["content"] = "We built Acme."
    launch.save()
    assert "Publish now" in page(logged_in_client, launch)
    response = logged_in_client.post(f"/launches/{launch.pk}/publish")
    assert flashes(response)[-1] == "Publishing started."
    launch.refresh_from_db()
    assert launch.status == "running"
    html = page(logged_in_client, launch, "status", **HX)
    assert 'hx-trigger="every 2s"' in html
    assert "Waiting to post" in html

    rsps.post(f"{X_API}", json={"data": {"id": "555", "text": "Acme is live"}})
    tweet = launch.posting_logs.get(platform="twitter")
    tasks.publish_post(str(tweet.pk))
    html = page(logged_in_client, launch, "status", **HX)
    assert 'href="https://x.com/olive/status/555"' in html
    assert "hx-trigger" not in html  # settled: the guided step waits for the person

    guided = launch.posting_logs.get(platform="hackernews")
    response = logged_in_client.post(
        f"/launches/{launch.pk}/posts/{guided.pk}/posted",
        {"url": "https://news.ycombinator.com/item?id=1"},
    )
    assert flashes(response)[-1] == "Marked Hacker News as posted."
    guided.refresh_from_db()
    assert guided.post_url == "https://news.ycombinator.com/item?id=1"
    assert 'href="https://news.ycombinator.com/item?id=1"' in page(logged_in_client, launch)


def test_publish_problems_are_told_in_plain_words(logged_in_client, user, make_platform_connection):
    twitter = make_platform_connection("twitter")
    launch = LaunchFactory(
        owner=user,
        status="running",
        user_platform_accounts={"twitter": str(twitter.pk)},
        platforms=["twitter"],
    )
    response = logged_in_client.post(f"/launches/{launch.pk}/publish")
    assert flashes(response) == ["The launch is already publishing."]


def test_retry_failed_from_the_panel(logged_in_client, user, make_platform_connection, rsps):
    twitter = make_platform_connection("twitter")
    launch = LaunchFactory(
        owner=user,
        status="partial",
        platforms=["twitter", "linkedin"],
        user_platform_accounts={"twitter": str(twitter.pk)},
    )
    published(launch, "linkedin")
    failed = published(
        launch, "twitter", twitter, status="failed", post_id="", post_url="", error_message="500"
    )
    assert "Retry failed" in page(logged_in_client, launch)
    response = logged_in_client.post(f"/launches/{launch.pk}/retry")
    assert flashes(response) == ["Retrying: Twitter / X."]
    failed.refresh_from_db()
    assert failed.status == "pending"
    response = logged_in_client.post(f"/launches/{launch.pk}/retry")
    assert flashes(response)[-1] == "The launch is already running."


# --- live status ------------------------------------------------------------------------------


def test_status_fragment_polls_while_running_and_stops_when_settled(
    logged_in_client, user, make_platform_connection
):
    launch = LaunchFactory(owner=user, status="running", platforms=["twitter", "linkedin"])
    log = published(launch, "twitter", make_platform_connection("twitter"))
    pending = published(launch, "linkedin", status="pending", post_id="", post_url="")
    html = page(logged_in_client, launch, "status", **HX)
    assert "<html" not in html
    assert 'hx-trigger="every 2s"' in html
    assert f'hx-get="/launches/{launch.pk}/status?live=1"' in html
    assert "Waiting to post" in html
    assert f'href="{log.post_url}"' in html
    assert "Delete</a>" not in html  # no deleting while it runs

    PostingLog.objects.filter(pk=pending.pk).update(status="success", post_id="urn:li:share:1")
    Launch.objects.filter(pk=launch.pk).update(status="completed")
    html = page(logged_in_client, launch, "status", **HX)
    assert "hx-trigger" not in html
    assert "hx-get" not in html
    assert "(updating live)" not in html
    # The page that was watching reloads once, so everything around the fragment is current.
    response = logged_in_client.get(f"/launches/{launch.pk}/status?live=1", **HX)
    assert response["HX-Refresh"] == "true"
    assert "HX-Refresh" not in logged_in_client.get(f"/launches/{launch.pk}/status", **HX)
    # Without htmx the fragment URL leads back to the page.
    response = logged_in_client.get(f"/launches/{launch.pk}/status")
    assert response["Location"] == f"/launches/{launch.pk}/"


def test_failures_in_plain_words_with_reconnect_and_unconfirmed(
    logged_in_client, user, make_platform_connection
):
    revoked = make_platform_connection("twitter", health="needs_reauth")
    launch = LaunchFactory(owner=user, status="partial", platforms=["twitter", "reddit", "tiktok"])
    published(
        launch,
        "twitter",
        revoked,
        status="failed",
        post_id="",
        post_url="",
        error_message="X rejected the token",
    )
    published(
        launch,
        "reddit",
        make_platform_connection("reddit"),
        status="failed",
        post_id="",
        error_message="subreddit requires flair",
    )
    published(
        launch, "tiktok", make_platform_connection("tiktok"), status="unconfirmed", post_id=""
    )
    html = page(logged_in_client, launch)
    assert "Could not post: the account needs to be reconnected (X rejected the token)." in html
    assert len(re.findall(r'<a href="/connections/">Reconnect</a>', html)) == 1
    assert "Could not post: subreddit requires flair" in html
    assert "Check the platform before retrying." in html
    assert "Retry failed" in html


# --- guided platforms -------------------------------------------------------------------------


def test_guided_checklist_with_copy_buttons(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        status="running",
        platforms=["producthunt", "hackernews"],
        product_url="https://acme.example",
        platform_contents={
            "producthunt": {
                "title": "Invoices that pay themselves",
                "content": "Acme does it",
                "maker_comment": "Hi hunters",
            },
            "hackernews": {"title": "Show HN: Acme", "content": "We built Acme"},
        },
    )
    log = published(launch, "producthunt", status="manual", post_id="", post_url="")
    html = page(logged_in_client, launch)
    assert 'href="https://www.producthunt.com/posts/new"' in html
    assert 'data-copy="Invoices that pay themselves"' in html
    assert 'data-copy="Hi hunters"' in html
    assert (
        "https://news.ycombinator.com/submitlink?u=https%3A%2F%2Facme.example&amp;t=Show+HN%3A+Acme"
        in html
    )
    assert 'data-copy="https://acme.example"' in html
    assert "Launch at 12:01 AM Pacific time" in html
    assert f'action="/launches/{launch.pk}/posts/{log.pk}/posted"' in html
    assert "Once the launch is published" in html  # hacker news has no log yet


def test_mark_posted_rejects_a_bad_url_and_unknown_logs(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="running", platforms=["producthunt"])
    log = published(launch, "producthunt", status="manual", post_id="", post_url="")
    response = logged_in_client.post(
        f"/launches/{launch.pk}/posts/{log.pk}/posted", {"url": "not a url"}
    )
    assert flashes(response) == ["Paste the address of your Product Hunt post."]
    success = published(launch, "twitter")
    response = logged_in_client.post(
        f"/launches/{launch.pk}/posts/{success.pk}/posted", {"url": "https://x.com/a"}
    )
    assert response.status_code == 404


# --- analytics --------------------------------------------------------------------------------


def test_analytics_fragment_with_numbers_and_charts(
    logged_in_client, user, make_platform_connection, rsps
):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter"])
    page_connection = make_platform_connection(
        "facebook",
        account_type="page",
        display_name="Acme Bakery",
        username="acmebakery",
        entity_id="7001",
    )
    published(launch, "facebook", page_connection, target_key="facebook:page:7001")
    published(launch, "reddit", status="failed", post_id="", post_url="")
    published(launch, "producthunt", status="manual", post_id="", post_url="")
    html = page(logged_in_client, launch)
    assert f'hx-get="/launches/{launch.pk}/analytics" hx-trigger="load"' in html
    rsps.get(
        f"{X_API}/{POST_IDS['twitter']}",
        json={"data": {"public_metrics": {"like_count": 42, "impression_count": 1500}}},
    )
    rsps.get(f"{GRAPH}/{POST_IDS['facebook']}", status=429)
    with time_machine.travel(timezone.now(), tick=False):
        fragment = page(logged_in_client, launch, "analytics", **HX)
    assert "<html" not in fragment
    assert fragment.count('<svg class="bar-chart"') == 1  # facebook has no numbers yet
    # Each number once (the bar's value, no second list), each name in words.
    assert fragment.count(">42<") == 1
    assert fragment.count(">1500<") == 1
    assert 'class="bar-label">Likes<' in fragment
    assert 'class="bar-label">Link clicks<' in fragment
    assert "urlClicks" not in fragment
    assert 'Facebook <span class="muted small">· Acme Bakery</span>' in fragment
    assert 'data-cache-status="refreshed"' in fragment
    assert 'data-cache-status="unavailable"' in fragment
    assert ">refreshed<" not in fragment  # an internal cache state, never a word on the page
    assert 'width="150"' in fragment  # the biggest number fills the bar
    # The Product Hunt post waits for the person: it is not "pending".
    assert "2 published · 1 failed · 1 for you to post" in fragment
    assert "pending" not in fragment
    full = page(logged_in_client, launch, "analytics")
    assert "<html" in full
    assert "<h1>Analytics</h1>" in full


# --- deleting posts ---------------------------------------------------------------------------


def test_delete_one_post_after_a_confirmation(
    logged_in_client, user, make_platform_connection, rsps
):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    html = page(logged_in_client, launch)
    assert f'href="/launches/{launch.pk}/posts/{log.pk}/delete"' in html
    confirm = page(logged_in_client, launch, f"posts/{log.pk}/delete")
    assert "Delete this post?" in confirm
    assert log.post_url in confirm
    log.refresh_from_db()
    assert log.status == "success"  # the GET only asks
    rsps.delete(f"{X_API}/{POST_IDS['twitter']}", json={"data": {"deleted": True}})
    response = logged_in_client.post(f"/launches/{launch.pk}/posts/{log.pk}/delete")
    assert response.status_code == 302
    assert flashes(response) == ["Deleted the Twitter / X post."]
    log.refresh_from_db()
    assert log.status == "deleted"
    # Deleted: no longer deletable.
    assert logged_in_client.get(f"/launches/{launch.pk}/posts/{log.pk}/delete").status_code == 404


def test_delete_all_posts_after_a_confirmation(
    logged_in_client, user, make_platform_connection, rsps
):
    launch, _ = launch_with_posts(user, make_platform_connection, ["twitter", "instagram"])
    confirm = page(logged_in_client, launch, "posts/delete")
    assert "Delete all published posts?" in confirm
    assert "Delete 2 posts" in confirm
    assert "Instagram does not let apps delete posts" in confirm
    rsps.delete(f"{X_API}/{POST_IDS['twitter']}", status=404)
    response = logged_in_client.post(f"/launches/{launch.pk}/posts/delete")
    assert flashes(response) == [
        "Deleted the Twitter / X post.",
        "Instagram does not let apps delete posts: delete it in the Instagram app.",
    ]
    assert dict(PostingLog.objects.filter(launch=launch).values_list("platform", "status")) == {
        "twitter": "deleted",
        "instagram": "success",
    }


# --- tenancy ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", "status"),
        ("get", "analytics"),
        ("get", "posts/delete"),
        ("post", "posts/delete"),
        ("post", "accounts"),
        ("post", "schedule"),
        ("post", "unschedule"),
        ("post", "publish"),
        ("post", "retry"),
    ],
)
def test_a_strangers_launch_is_404(
    client, stranger, user, make_platform_connection, method, suffix
):
    launch, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    client.force_login(stranger)
    response = getattr(client, method)(f"/launches/{launch.pk}/{suffix}")
    assert response.status_code == 404
    assert client.get(f"/launches/{launch.pk}/posts/{log.pk}/delete").status_code == 404
    log.refresh_from_db()
    assert log.status == "success"


def test_pages_need_a_login(client, user):
    launch = LaunchFactory(owner=user)
    assert client.get(f"/launches/{launch.pk}/status").status_code == 302
    assert client.post(f"/launches/{launch.pk}/publish").status_code == 302


# --- the page's layout: one header, one schedule control, post it yourself -------------------


def test_one_header_with_one_status_badge_the_facts_and_the_actions(
    logged_in_client, user, make_platform_connection
):
    user.timezone = "America/New_York"
    user.save()
    twitter = make_platform_connection("twitter")
    when = dt.datetime(2099, 1, 10, 14, 30, tzinfo=dt.UTC)
    launch = LaunchFactory(
        owner=user,
        status="scheduled",
        scheduled_date=when,
        platforms=["twitter", "hackernews"],
        user_platform_accounts={"twitter": str(twitter.pk)},
        platform_contents={
            "twitter": {"content": "Acme is live", "generated_by": "offline"},
            "hackernews": {"title": "Show HN: Acme", "content": "Hi", "generated_by": "user"},
        },
    )
    html = page(logged_in_client, launch)
    header = html[html.index('id="launch-header"') : html.index('class="launch-layout"')]
    assert html.count("badge-scheduled") == 1  # the launch's status, once, in the header
    assert "badge-scheduled" in header
    assert "Jan 10, 2099 09:30 EST" in header  # the scheduled time in the person's timezone
    chips = re.findall(
        r'<span class="chip platform-chip"><svg class="platform-logo platform-logo-(\w+)"'
        r'[^>]*aria-hidden="true">.*?</svg>([^<]+)</span>',
        header,
    )
    assert chips == [("twitter", "Twitter / X"), ("hackernews", "Hacker News")]
    assert "the offline writer, you" in header  # who wrote the content
    for action in ("Publish now", "Reschedule…", "Unschedule", "Cancel launch", "Delete"):
        assert action in header, action
    assert html.count('name="scheduled_date"') == 1  # one schedule control, in the side column
    assert 'id="schedule"' in html


def test_retry_failed_sits_in_the_header(logged_in_client, user, make_platform_connection):
    twitter = make_platform_connection("twitter")
    launch = LaunchFactory(owner=user, status="failed", platforms=["twitter"])
    published(launch, "twitter", twitter, status="failed", post_id="", post_url="")
    html = page(logged_in_client, launch)
    header = html[html.index('id="launch-header"') : html.index('class="launch-layout"')]
    assert f'action="/launches/{launch.pk}/retry"' in header
    assert html.count(f'action="/launches/{launch.pk}/retry"') == 1


def test_the_editor_fragment_has_no_second_badge_or_schedule(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="manual", platforms=["twitter"])
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save", {"name": "Renamed", "product_description": "d"}, **HX
    )
    html = response.content.decode()
    assert 'id="editor"' in html
    assert "badge-manual" not in html
    assert "scheduled_date" not in html


def test_guided_tabs_point_to_their_checklist(logged_in_client, user):
    launch = LaunchFactory(owner=user, status="manual", platforms=["twitter", "producthunt"])
    html = page(logged_in_client, launch)
    assert '<a href="#guided-producthunt">Open the Product Hunt checklist</a>' in html
    assert 'id="post-it-yourself"' in html
    assert "Post it yourself" in html


def test_an_auto_post_platform_without_an_account_can_be_posted_by_hand(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        status="completed",
        platforms=["twitter", "reddit"],
        platform_contents={
            "twitter": {"thread": ["First tweet", "Second tweet"]},
            "reddit": {"title": "Acme for invoices", "content": "We built Acme."},
        },
    )
    tweet = published(launch, "twitter", status="manual", post_id="", post_url="", target_key="")
    published(launch, "reddit", status="manual", post_id="", post_url="", target_key="")
    html = page(logged_in_client, launch)
    for text in ("First tweet", "Second tweet", "Acme for invoices", "We built Acme."):
        assert f'data-copy="{text}"' in html, text
    assert f'id="manual-{tweet.pk}"' in html
    assert f'action="/launches/{launch.pk}/posts/{tweet.pk}/posted"' in html
    assert 'href="/connections/">connect an account</a>' in html  # not editable: next time
    assert '<a href="#post-it-yourself">Post it yourself</a>' in html  # from its status row

    response = logged_in_client.post(
        f"/launches/{launch.pk}/posts/{tweet.pk}/posted", {"url": "https://x.com/olive/status/9"}
    )
    assert flashes(response) == ["Marked Twitter / X as posted."]
    html = page(logged_in_client, launch)
    assert 'href="https://x.com/olive/status/9"' in html
    assert f'action="/launches/{launch.pk}/posts/{tweet.pk}/posted"' not in html


def test_before_publishing_a_platform_without_an_account_links_to_the_accounts(
    logged_in_client, user
):
    launch = LaunchFactory(owner=user, status="manual", platforms=["linkedin"])
    html = page(logged_in_client, launch)
    assert 'id="posting-accounts"' in html
    assert "becomes a “post it yourself” step" in html
    assert 'href="/connections/">Connect one</a>' in html
