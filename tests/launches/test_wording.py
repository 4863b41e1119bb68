"""Problems and stored values in a person's words, and every page that shows them."""

import pytest

from dropspace import wording
from dropspace.api.errors import ApiError, Code
from launches import rules
from tests.launches.factories import LaunchFactory

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("problem", "said"),
    [
        (
            rules.check_thread(["ok", "ok", "x" * 415], "platform_contents.twitter.thread")[0],
            "Tweet 3 is 415 characters long as X counts them; the limit is 280.",
        ),
        (
            rules.check_text("custom_content_reddit_title", " ", 300)[0],
            "Reddit title cannot be empty.",
        ),
        (
            {"field": "scheduled_date", "message": "scheduled_date must be at least 15 minutes"},
            "Scheduled time must be at least 15 minutes.",
        ),
        (
            rules.check_tiktok_settings({"privacy_level": "NOBODY"})[0],
            "Who can view must be one of Everyone, Followers, Friends (followers you follow "
            "back), Only me.",
        ),
        (
            rules.check_tiktok_settings({"allow_comments": "yes"})[0],
            "“Allow comments” must be true or false.",
        ),
        (
            {"field": "platform_contents.producthunt.title", "message": "no title"},
            "Product Hunt tagline: no title.",
        ),
        (
            {"field": "platform_contents.hackernews", "message": "hackernews has no content yet"},
            "Hacker News has no content yet.",
        ),
        (
            {"field": "status", "message": "status trigger needs user_platform_accounts"},
            "Status “Ready to publish” needs posting accounts.",
        ),
        (
            {
                "field": "user_platform_accounts.linkedin:organization:42",
                "message": "connection 9 is not a linkedin:organization:42 account",
            },
            "Posting account for LinkedIn (organization 42): connection 9 is not a "
            "LinkedIn (organization 42) account.",
        ),
    ],
)
def test_each_problem_becomes_a_sentence(problem, said):
    assert wording.sentence(problem) == said


def test_no_raw_path_or_value_is_left_in_any_rule_message():
    problems = (
        rules.check_thread(["x" * 300] * 2, "platform_contents.twitter.thread")
        + rules.check_platform_entry("reddit", {"content": "Body", "subreddits": [{"name": "x"}]})
        + rules.check_tiktok_settings({"is_branded_content": True, "privacy_level": "SELF_ONLY"})
        + rules.check_custom_content("text", ["reddit"], None)
        + rules.check_platform_contents({"producthunt": {"title": "t" * 61}}, ["producthunt"])
    )
    for problem in problems:
        said = wording.sentence(problem)
        for raw in ("platform_contents", "custom_content", "_", "SELF_ONLY", "producthunt"):
            assert raw not in said, (raw, said)


def test_problems_of_keeps_every_problem_once_with_its_field():
    details = [
        {"field": "name", "message": "name cannot be empty"},
        {"field": "name", "message": "name cannot be empty"},
        {"field": "platform_contents.twitter.content", "message": "too long"},
    ]
    problems = wording.problems_of(ApiError(Code.SERVER_002, "x", details=details))
    assert problems == [
        {"field": "name", "message": "Name cannot be empty."},
        {"field": "platform_contents.twitter.content", "message": "Tweet: too long."},
    ]


# --- on the pages -----------------------------------------------------------------------------


def test_every_problem_of_a_save_is_shown_at_once_in_words(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "reddit", "producthunt"],
        platform_contents={"reddit": {"title": "T", "content": "Body", "generated_by": "user"}},
    )
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {
            "name": "",
            "product_description": "Still here.",
            "twitter-thread": ["ok", "fine", "x" * 415],
            "reddit-title": "",
            "reddit-content": "Body",
            "producthunt-title": "t" * 61,
        },
        **HX,
    )
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "things to fix" in fragment
    for said in (
        "Name cannot be empty.",
        "Tweet 3 is 415 characters long as X counts them; the limit is 280.",
        "Reddit title cannot be empty.",
        "Product Hunt tagline is 61 characters long; the limit is 60.",
    ):
        assert said in fragment, said
    for raw in ("platform_contents.", "thread.2", "producthunt.title"):
        assert raw not in fragment
    assert fragment.count('class="tab-flag"') == 3  # every tab with a problem is marked
    assert 'href="?tab=reddit"' in fragment  # a problem leads to its tab
    launch.refresh_from_db()
    assert launch.name == "Acme launch"


def test_a_bad_schedule_does_not_hide_the_other_problems(logged_in_client, launch):
    response = logged_in_client.post(
        f"/launches/{launch.pk}/save",
        {
            "name": "Acme launch",
            "product_description": "x",
            "twitter-thread": ["ok", "x" * 300],
            "scheduled_date": "not a date",
        },
        **HX,
    )
    fragment = response.content.decode()
    assert "Scheduled time: Enter a valid date/time." in fragment
    assert "Tweet 2 is 300 characters long as X counts them; the limit is 280." in fragment
    launch.refresh_from_db()
    assert launch.platform_contents["twitter"]["content"] == "Acme is live"  # nothing saved


def test_create_page_shows_problems_in_words(logged_in_client):
    response = logged_in_client.post(
        "/launches/new",
        {
            "title": "Acme",
            "product_description": "Invoices.",
            "platforms": ["reddit", "twitter"],
            "custom_content": "x" * 300,
        },
    )
    page = response.content.decode()
    # Both problems at once, each next to its field.
    assert "Reddit title cannot be empty." in page
    assert (
        "Custom text is 300 characters long; Twitter / X, the most restrictive selected "
        "platform, allows 280." in page
    )
    assert "custom_content_reddit_title cannot" not in page
    assert "twitter, the most" not in page


def test_publish_problems_are_each_a_sentence(logged_in_client, user):
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter", "hackernews"],
        dropspace_platforms=["twitter"],
        platform_contents={"twitter": {"content": "ok", "generated_by": "user"}},
    )
    response = logged_in_client.post(f"/launches/{launch.pk}/publish", follow=True)
    page = response.content.decode()
    assert "Hacker News has no content yet" in page
    assert "hackernews" not in page.split('id="main"')[1].split("<form")[0]


def test_list_filter_and_platforms_in_words(logged_in_client, user):
    LaunchFactory(owner=user, status="trigger", platforms=["producthunt", "linkedin"])
    page = logged_in_client.get("/launches/").content.decode()
    assert '<option value="trigger">Ready to publish</option>' in page
    assert '<option value="manual">Ready to post yourself</option>' in page
    # each platform is its logo, named for screen readers and in a tooltip
    assert 'role="img" aria-label="Product Hunt"><title>Product Hunt</title>' in page
    assert 'class="platform-logo platform-logo-linkedin"' in page
    assert ">trigger<" not in page
    assert "Ready to publish</span>" in page  # the row's badge


def test_tiktok_settings_are_labelled_in_words(logged_in_client, user):
    launch = LaunchFactory(
        owner=user, platforms=["tiktok"], platform_contents={"tiktok": {"content": "Hi"}}
    )
    page = logged_in_client.get(f"/launches/{launch.pk}/?tab=tiktok").content.decode()
    assert '<option value="PUBLIC_TO_EVERYONE">Everyone</option>' in page
    assert "> Allow comments</label>" in page
    assert "> allow_comments</label>" not in page
