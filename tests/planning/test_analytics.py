"""The analytics page and the stored metrics it reads: kept by every fetch, summed in SQL in
a constant number of queries, drawn as SVG with the numbers in tables."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from launches import analytics as launch_analytics
from personas.models import Persona
from planning.models import PostMetrics
from tests.launches.factories import LaunchFactory
from tests.launches.published import POST_IDS, X_API, launch_with_posts

pytestmark = pytest.mark.django_db


def tweet(likes, impressions):
    public = {
        "like_count": likes,
        "retweet_count": 2,
        "reply_count": 1,
        "quote_count": 0,
        "bookmark_count": 3,
        "impression_count": impressions,
    }
    return {"data": {"id": "1", "public_metrics": public, "non_public_metrics": {}}}


def test_the_refresh_keeps_each_posts_numbers(user, make_platform_connection, no_real_http):
    _, [log] = launch_with_posts(user, make_platform_connection, ["twitter"])
    no_real_http.get(f"{X_API}/{POST_IDS['twitter']}", json=tweet(likes=40, impressions=900))
    counts = launch_analytics.refresh_metrics(log_ids=[str(log.pk)])
    assert counts["refreshed"] == 1
    stored = PostMetrics.objects.get(log=log)
    assert (stored.impressions, stored.engagement) == (900, 46)  # likes+retweets+replies+bookmarks
    assert stored.metrics["likes"] == 40
    assert "fetched_at" not in stored.metrics
    # The next refresh replaces the numbers (one row per post).
    no_real_http.replace(
        "GET", f"{X_API}/{POST_IDS['twitter']}", json=tweet(likes=50, impressions=1200)
    )
    launch_analytics.refresh_metrics(log_ids=[str(log.pk)])
    stored.refresh_from_db()
    assert (stored.impressions, stored.engagement, PostMetrics.objects.count()) == (1200, 56, 1)


def test_the_page_shows_totals_chart_table_best_and_failures(
    logged_in_client, user, make_published
):
    make_published(user, "twitter", impressions=1000, engagement=50)
    make_published(user, "linkedin", impressions=250, engagement=70)
    make_published(
        user,
        "tiktok",
        status="failed",
        posted_at=None,
        error_code="rate_limited",
        error_message="Too many requests",
    )
    html = logged_in_client.get("/analytics/").content.decode()
    assert "1,250" in html
    assert "120" in html
    assert html.count('<svg class="chart"') == 2
    assert 'role="img"' in html
    assert html.count('class="bar bar-impressions"') == 31  # every day of the 30-day period
    assert "<title>" in html
    assert "Per platform" in html
    assert "Twitter / X" in html
    assert "rate_limited" in html
    assert "Too many requests" in html
    best = html.split("Best posts")[1]
    assert best.index("linkedin") < best.index("twitter")  # by engagement


def test_filters_narrow_the_report_as_an_htmx_fragment(logged_in_client, user, make_published):
    persona = Persona.objects.create(owner=user, name="Olive")
    launch = LaunchFactory(owner=user, status="completed", persona=persona)
    make_published(user, "twitter", impressions=11, launch=launch)
    make_published(user, "twitter", impressions=500)
    make_published(user, "twitter", impressions=7000, posted_at=timezone.now() - timedelta(days=60))
    response = logged_in_client.get(
        f"/analytics/?period=7d&persona={persona.pk}", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="report"')
    assert "<html" not in html
    assert "<dd>11</dd>" in html
    all_time = logged_in_client.get("/analytics/?period=all").content.decode()
    assert "7,511" in all_time


def test_queries_do_not_grow_with_launches(
    logged_in_client, user, make_published, django_assert_num_queries
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert logged_in_client.get("/analytics/?period=90d").status_code == 200
        return len(queries)

    make_published(user, "twitter", impressions=1, engagement=1)
    few = count()
    for n in range(30):
        make_published(
            user,
            ["twitter", "linkedin", "reddit"][n % 3],
            impressions=n,
            engagement=n,
            posted_at=timezone.now() - timedelta(days=n),
        )
        make_published(user, "tiktok", status="failed", posted_at=None, error_code=f"e{n % 4}")
    assert count() == few
    with django_assert_num_queries(few):
        logged_in_client.get("/analytics/?period=all&platform=twitter")


def test_an_empty_account_says_so(logged_in_client):
    html = logged_in_client.get("/analytics/").content.decode()
    assert "No posts published in this period" in html
    assert "No impressions recorded in this period" in html


def test_a_strangers_numbers_never_show(client, stranger, user, make_published):
    make_published(user, "twitter", impressions=4242, engagement=4)
    client.force_login(stranger)
    assert "4,242" not in client.get("/analytics/?period=all").content.decode()
