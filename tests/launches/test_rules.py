"""Every launch rule at its edge, through the services (exactly at the limit passes, one over
fails)."""

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from dropspace.api.errors import ApiError, Code
from launches import rules, services
from launches.models import Launch
from personas.models import Persona
from tests.launches.factories import LaunchFactory

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


def create(user, **overrides):
    fields = {
        "title": "Acme",
        "product_description": "Acme turns invoices into payments.",
        "platforms": ["linkedin"],
    }
    fields.update(overrides)
    launch, _ = services.create_launch(owner=user, **fields)
    return launch


def fails(field_prefix, call, *args, code=Code.SERVER_002, **kwargs):
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    assert caught.value.code is code
    if field_prefix:
        fields = [d["field"] for d in caught.value.details]
        assert any(f.startswith(field_prefix) for f in fields), fields
    return caught.value


# --- launch fields ----------------------------------------------------------------------------


def test_title_at_200_passes_and_201_fails(user):
    assert create(user, title="t" * 200).name == "t" * 200
    error = fails("title", create, user, title="t" * 201)
    assert "title is 201 characters long; the limit is 200" in error.message


def test_empty_title_fails(user):
    fails("title", create, user, title="  ")


def test_description_at_2000_passes_and_2001_fails_on_create(user):
    create(user, product_description="d" * 2000)
    fails("product_description", create, user, product_description="d" * 2001)


def test_description_at_10000_passes_and_10001_fails_on_update(user, launch):
    services.update_launch(launch=launch, by=user, changes={"product_description": "d" * 10_000})
    fails(
        "product_description",
        services.update_launch,
        launch=launch,
        by=user,
        changes={"product_description": "d" * 10_001},
    )


def test_nine_platforms_pass(user):
    assert len(create(user, platforms=list(rules.PLATFORMS)).platforms) == 9


@pytest.mark.parametrize("platforms", [[], ["myspace"], ["twitter", "twitter"]])
def test_bad_platforms_fail(user, platforms):
    fails("platforms", create, user, platforms=platforms)


@pytest.mark.parametrize("url", ["ftp://acme.example", "acme.example", "https://"])
def test_product_url_must_be_a_web_url(user, url):
    fails("product_url", create, user, product_url=url)


def test_product_url_is_stored(user):
    assert create(user, product_url="https://acme.example").product_url == "https://acme.example"


@time_machine.travel(NOW, tick=False)
def test_schedule_exactly_15_minutes_ahead_passes(user):
    launch = create(user, scheduled_date=NOW + dt.timedelta(minutes=15))
    assert launch.status == Launch.Status.SCHEDULED


@time_machine.travel(NOW, tick=False)
def test_schedule_one_second_short_of_15_minutes_fails(user):
    when = NOW + dt.timedelta(minutes=15) - dt.timedelta(seconds=1)
    fails("scheduled_date", create, user, scheduled_date=when)


def test_naive_schedule_is_rejected_with_a_message(user):
    error = fails("scheduled_date", create, user, scheduled_date=dt.datetime(2099, 1, 1, 9))
    assert "timezone offset" in error.message


def test_persona_of_someone_else_is_404_server_003(user, stranger):
    persona = Persona.objects.create(owner=stranger, name="Theirs")
    fails(None, create, user, persona_id=persona.pk, code=Code.SERVER_003)


def test_own_persona_is_linked(user):
    persona = Persona.objects.create(owner=user, name="Mine")
    assert create(user, persona_id=persona.pk).persona == persona


def test_monthly_launch_limit(user, settings):
    settings.BILLING_PLANS = {"starter": {"launches_per_month": 2}}
    create(user)
    create(user)
    error = fails(None, create, user, code=Code.LAUNCH_002)
    assert "2 launches per month" in error.message


# --- platform limits --------------------------------------------------------------------------

LIMITS = [
    ("linkedin", "content", 3000),
    ("instagram", "content", 2200),
    ("reddit", "content", 3000),
    ("reddit", "title", 300),
    ("facebook", "content", 3000),
    ("tiktok", "content", 4000),
    ("producthunt", "content", 500),
    ("producthunt", "title", 60),
    ("hackernews", "content", 2000),
    ("hackernews", "title", 80),
    ("substack", "content", 3000),
    ("twitter", "content", 280),
]


def _entry(platform, field, text):
    entry = {"content": "body", field: text}
    if platform == "reddit" and field == "content":
        entry["title"] = "A title"
    return entry


@pytest.mark.parametrize(("platform", "field", "limit"), LIMITS)
def test_platform_limit_exactly_at_limit_passes(user, platform, field, limit):
    contents = {platform: _entry(platform, field, "x" * limit)}
    launch = create(user, platforms=[platform], platform_contents=contents)
    assert launch.platform_contents[platform][field] == "x" * limit
    assert launch.platform_contents[platform]["generated_by"] == "user"


@pytest.mark.parametrize(("platform", "field", "limit"), LIMITS)
def test_platform_limit_one_over_fails(user, platform, field, limit):
    contents = {platform: _entry(platform, field, "x" * (limit + 1))}
    error = fails(
        f"platform_contents.{platform}.{field}",
        create,
        user,
        platforms=[platform],
        platform_contents=contents,
    )
    assert str(limit) in error.message


def test_tweet_counts_cjk_as_two(user):
    create(user, platforms=["twitter"], platform_contents={"twitter": {"content": "日" * 140}})
    fails(
        "platform_contents.twitter.content",
        create,
        user,
        platforms=["twitter"],
        platform_contents={"twitter": {"content": "日" * 141}},
    )


def test_tweet_counts_a_url_as_23(user):
    url = "https://acme.com/" + "a" * 200
    text = url + " " + "x" * (280 - 24)
    assert rules.tweet_length(text) == 280
    create(user, platforms=["twitter"], platform_contents={"twitter": {"content": text}})
    assert rules.tweet_length(text + "x") == 281


def test_thread_of_six_passes_and_seven_fails(user):
    six = {"twitter": {"thread": ["x" * 280] * 6}}
    assert create(user, platforms=["twitter"], platform_contents=six)
    seven = {"twitter": {"thread": ["x"] * 7}}
    fails(
        "platform_contents.twitter.thread",
        create,
        user,
        platforms=["twitter"],
        platform_contents=seven,
    )


def test_tweet_in_a_thread_over_280_fails(user):
    thread = {"twitter": {"thread": ["ok", "x" * 281]}}
    fails(
        "platform_contents.twitter.thread.1",
        create,
        user,
        platforms=["twitter"],
        platform_contents=thread,
    )


def test_thread_and_content_are_mutually_exclusive(user):
    both = {"twitter": {"thread": ["a"], "content": "b"}}
    fails("platform_contents.twitter", create, user, platforms=["twitter"], platform_contents=both)


def test_reddit_content_needs_a_title(user):
    contents = {"reddit": {"content": "body"}}
    fails(
        "platform_contents.reddit.title",
        create,
        user,
        platforms=["reddit"],
        platform_contents=contents,
    )


def test_content_for_a_platform_not_selected_fails(user):
    contents = {"twitter": {"content": "hi"}}
    fails(
        "platform_contents.twitter",
        create,
        user,
        platforms=["linkedin"],
        platform_contents=contents,
    )


def test_unknown_field_in_platform_content_fails(user):
    contents = {"linkedin": {"content": "hi", "thread": ["no"]}}
    fails("platform_contents.linkedin.thread", create, user, platform_contents=contents)


# --- reddit subreddits ------------------------------------------------------------------------


def _reddit(subreddits):
    return {"reddit": {"title": "Built a thing", "content": "body", "subreddits": subreddits}}


def test_ten_subreddits_pass_with_their_own_titles_and_flair(user):
    subs = [{"name": f"r/sub{i}", "title": "t" * 300, "flair_text": "Show"} for i in range(10)]
    launch = create(user, platforms=["reddit"], platform_contents=_reddit(subs))
    stored = launch.platform_contents["reddit"]["subreddits"]
    assert [s["name"] for s in stored] == [f"sub{i}" for i in range(10)]
    assert stored[0]["flair_text"] == "Show"


def test_eleven_subreddits_fail(user):
    subs = [{"name": f"sub{i}"} for i in range(11)]
    fails(
        "platform_contents.reddit.subreddits",
        create,
        user,
        platforms=["reddit"],
        platform_contents=_reddit(subs),
    )


@pytest.mark.parametrize(
    ("subreddit", "field"),
    [
        ({"name": "no spaces"}, "name"),
        ({"name": "sub", "title": "t" * 301}, "title"),
        ({"name": "sub", "content": "c" * 3001}, "content"),
        ({"name": "sub", "upvotes": 1}, "upvotes"),
    ],
)
def test_bad_subreddit_fails(user, subreddit, field):
    fails(
        f"platform_contents.reddit.subreddits.0.{field}",
        create,
        user,
        platforms=["reddit"],
        platform_contents=_reddit([subreddit]),
    )


def test_same_subreddit_twice_fails(user):
    subs = [{"name": "SideProject"}, {"name": "r/sideproject"}]
    fails(
        "platform_contents.reddit.subreddits.1.name",
        create,
        user,
        platforms=["reddit"],
        platform_contents=_reddit(subs),
    )


# --- tiktok settings --------------------------------------------------------------------------


@pytest.mark.parametrize("level", rules.PRIVACY_LEVELS)
def test_each_privacy_level_passes(user, level):
    contents = {"tiktok": {"content": "c", "tiktok_settings": {"privacy_level": level}}}
    launch = create(user, platforms=["tiktok"], platform_contents=contents)
    assert launch.platform_contents["tiktok"]["tiktok_settings"]["privacy_level"] == level


@pytest.mark.parametrize(
    "settings_",
    [
        {"privacy_level": "EVERYONE"},
        {"privacy_level": "SELF_ONLY", "is_branded_content": True},
        {"allow_duet": "yes"},
        {"colour": "red"},
    ],
)
def test_bad_tiktok_settings_fail(user, settings_):
    contents = {"tiktok": {"content": "c", "tiktok_settings": settings_}}
    fails(
        "platform_contents.tiktok.tiktok_settings",
        create,
        user,
        platforms=["tiktok"],
        platform_contents=contents,
    )


def test_branded_content_may_be_public(user):
    settings_ = {"privacy_level": "PUBLIC_TO_EVERYONE", "is_branded_content": True}
    contents = {"tiktok": {"content": "c", "tiktok_settings": settings_}}
    create(user, platforms=["tiktok"], platform_contents=contents)


# --- custom content ---------------------------------------------------------------------------


def test_custom_content_and_platform_contents_are_exclusive(user):
    fails(
        "custom_content",
        create,
        user,
        custom_content="hi",
        platform_contents={"linkedin": {"content": "x"}},
    )


def test_custom_string_is_checked_against_the_most_restrictive_platform(user):
    launch = create(user, platforms=["twitter", "linkedin"], custom_content="x" * 280)
    assert launch.platform_contents["linkedin"]["content"] == "x" * 280
    error = fails(
        "custom_content", create, user, platforms=["twitter", "linkedin"], custom_content="x" * 281
    )
    assert "twitter" in error.message


def test_custom_string_most_restrictive_without_twitter(user):
    create(user, platforms=["linkedin", "instagram"], custom_content="x" * 2200)
    error = fails(
        "custom_content",
        create,
        user,
        platforms=["linkedin", "instagram"],
        custom_content="x" * 2201,
    )
    assert "instagram" in error.message
    assert "2200" in error.message


def test_custom_thread_becomes_a_thread_and_joined_text(user):
    launch = create(user, platforms=["twitter", "linkedin"], custom_content=["one", "two"])
    assert launch.platform_contents["twitter"]["thread"] == ["one", "two"]
    assert launch.platform_contents["linkedin"]["content"] == "one\n\ntwo"


def test_custom_thread_needs_twitter(user):
    fails("custom_content", create, user, platforms=["linkedin"], custom_content=["one"])


def test_custom_thread_of_seven_fails(user):
    fails("custom_content", create, user, platforms=["twitter"], custom_content=["x"] * 7)


def test_custom_thread_joined_must_fit_the_other_platforms(user):
    create(user, platforms=["twitter", "producthunt"], custom_content=["a" * 249, "b" * 249])
    fails(
        "custom_content",
        create,
        user,
        platforms=["twitter", "producthunt"],
        custom_content=["a" * 250, "b" * 249],
    )


def test_custom_content_with_reddit_needs_the_reddit_title(user):
    fails("custom_content_reddit_title", create, user, platforms=["reddit"], custom_content="hi")
    launch = create(
        user, platforms=["reddit"], custom_content="hi", custom_content_reddit_title="t" * 300
    )
    assert launch.platform_contents["reddit"]["title"] == "t" * 300
    fails(
        "custom_content_reddit_title",
        create,
        user,
        platforms=["reddit"],
        custom_content="hi",
        custom_content_reddit_title="t" * 301,
    )


# --- posting targets --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "account"),
    [
        ("twitter", {}),
        ("linkedin:personal", {}),
        ("linkedin:organization:12345", {"entity_id": "urn:li:organization:12345"}),
        ("facebook:page:987", {"entity_id": "987"}),
    ],
)
def test_account_keys_are_accepted(user, make_platform_connection, key, account):
    platform = key.split(":")[0]
    if ":" in key and key != "linkedin:personal":
        account["account_type"] = key.split(":")[1]
    connection = make_platform_connection(platform, **account)
    launch = create(user, platforms=[platform], user_platform_accounts={key: str(connection.pk)})
    assert key in launch.user_platform_accounts


@pytest.mark.parametrize(
    ("key", "account"),
    [
        ("twitter", {"platform": "reddit"}),  # another platform's account
        ("linkedin:organization:1", {"platform": "linkedin"}),  # a profile, not the org
        ("facebook:page:2", {"platform": "facebook", "account_type": "page", "entity_id": "3"}),
        ("twitter", {"platform": "twitter", "is_active": False}),  # disconnected
    ],
)
def test_connection_must_serve_the_account_key(user, make_platform_connection, key, account):
    connection = make_platform_connection(account.pop("platform"), **account)
    fails(
        f"user_platform_accounts.{key}",
        create,
        user,
        platforms=[key.split(":")[0]],
        user_platform_accounts={key: str(connection.pk)},
    )


def test_a_strangers_connection_reads_as_unknown(user, stranger, make_platform_connection):
    theirs = make_platform_connection("twitter", owner=stranger)
    with pytest.raises(ApiError) as caught:
        create(user, platforms=["twitter"], user_platform_accounts={"twitter": str(theirs.pk)})
    assert "is not one of your connected accounts" in caught.value.message


@pytest.mark.parametrize(
    ("accounts", "platforms"),
    [
        ({"linkedin": str(uuid.uuid4())}, ["linkedin"]),
        ({"facebook:page:": str(uuid.uuid4())}, ["facebook"]),
        ({"producthunt": str(uuid.uuid4())}, ["producthunt"]),
        ({"twitter": "not-a-uuid"}, ["twitter"]),
        ({"twitter": str(uuid.uuid4())}, ["linkedin"]),
    ],
)
def test_bad_account_keys_fail(user, accounts, platforms):
    fails(
        "user_platform_accounts", create, user, platforms=platforms, user_platform_accounts=accounts
    )


def test_dropspace_platforms_must_be_auto_post_and_selected(user):
    create(user, platforms=["twitter"], dropspace_platforms=["twitter"])
    fails(
        "dropspace_platforms",
        create,
        user,
        platforms=["hackernews"],
        dropspace_platforms=["hackernews"],
    )
    fails(
        "dropspace_platforms", create, user, platforms=["linkedin"], dropspace_platforms=["twitter"]
    )


# --- update -----------------------------------------------------------------------------------


def test_update_needs_a_field(user, launch):
    fails(None, services.update_launch, launch=launch, by=user, changes={})


def test_update_deep_merges_platform_contents(user, launch):
    changes = {"platform_contents": {"twitter": {"thread": ["a", "b"]}}}
    launch = services.update_launch(launch=launch, by=user, changes=changes)
    assert launch.platform_contents["twitter"]["thread"] == ["a", "b"]
    assert "content" not in launch.platform_contents["twitter"]
    assert launch.platform_contents["linkedin"]["content"] == "Acme!"


def test_update_deep_merges_tiktok_settings(user):
    launch = LaunchFactory(
        owner=user,
        platforms=["tiktok"],
        platform_contents={
            "tiktok": {
                "content": "c",
                "tiktok_settings": {"privacy_level": "SELF_ONLY", "allow_duet": True},
            }
        },
    )
    changes = {
        "platform_contents": {
            "tiktok": {"tiktok_settings": {"privacy_level": "PUBLIC_TO_EVERYONE"}}
        }
    }
    launch = services.update_launch(launch=launch, by=user, changes=changes)
    assert launch.platform_contents["tiktok"]["tiktok_settings"] == {
        "privacy_level": "PUBLIC_TO_EVERYONE",
        "allow_duet": True,
    }
    assert launch.platform_contents["tiktok"]["content"] == "c"


def test_merged_branded_content_cannot_become_self_only(user):
    launch = LaunchFactory(
        owner=user,
        platforms=["tiktok"],
        platform_contents={
            "tiktok": {"content": "c", "tiktok_settings": {"is_branded_content": True}}
        },
    )
    changes = {"platform_contents": {"tiktok": {"tiktok_settings": {"privacy_level": "SELF_ONLY"}}}}
    fails(
        "platform_contents.tiktok.tiktok_settings.privacy_level",
        services.update_launch,
        launch=launch,
        by=user,
        changes=changes,
    )


def test_update_keeps_the_reddit_title_when_omitted(user):
    launch = LaunchFactory(
        owner=user,
        platforms=["reddit"],
        platform_contents={"reddit": {"title": "Kept", "content": "old"}},
    )
    changes = {"platform_contents": {"reddit": {"content": "new"}}}
    launch = services.update_launch(launch=launch, by=user, changes=changes)
    assert launch.platform_contents["reddit"] == {
        "title": "Kept",
        "content": "new",
        "generated_by": "user",
    }


def test_update_tweet_at_280_passes_and_281_fails(user, launch):
    services.update_launch(
        launch=launch, by=user, changes={"platform_contents": {"twitter": {"content": "x" * 280}}}
    )
    fails(
        "platform_contents.twitter.content",
        services.update_launch,
        launch=launch,
        by=user,
        changes={"platform_contents": {"twitter": {"content": "x" * 281}}},
    )


@pytest.mark.parametrize("status", ["completed", "partial"])
def test_finished_launches_cannot_be_updated(user, status):
    launch = LaunchFactory(owner=user, status=status)
    fails(
        None,
        services.update_launch,
        launch=launch,
        by=user,
        changes={"name": "x"},
        code=Code.LAUNCH_003,
    )


def test_running_launch_can_only_be_cancelled(user):
    launch = LaunchFactory(owner=user, status="running")
    fails(
        None,
        services.update_launch,
        launch=launch,
        by=user,
        changes={"name": "x"},
        code=Code.LAUNCH_003,
    )
    launch = services.update_launch(launch=launch, by=user, changes={"status": "cancelled"})
    assert launch.status == "cancelled"


# --- status machine ---------------------------------------------------------------------------


def test_accounts_make_a_ready_launch_trigger_and_removing_them_manual(
    user, make_platform_connection
):
    launch = LaunchFactory(owner=user, status="manual", platforms=["twitter"])
    accounts = {"twitter": str(make_platform_connection("twitter").pk)}
    launch = services.update_launch(
        launch=launch, by=user, changes={"user_platform_accounts": accounts}
    )
    assert launch.status == "trigger"
    launch = services.update_launch(
        launch=launch, by=user, changes={"user_platform_accounts": None}
    )
    assert launch.status == "manual"


def test_scheduling_a_draft_makes_it_scheduled_and_unscheduling_makes_it_ready(user, launch):
    when = timezone.now() + dt.timedelta(hours=1)
    launch = services.update_launch(launch=launch, by=user, changes={"scheduled_date": when})
    assert launch.status == "scheduled"
    launch = services.update_launch(launch=launch, by=user, changes={"scheduled_date": None})
    assert launch.status == "manual"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": "scheduled"}, "status"),
        ({"status": "trigger"}, "status"),
    ],
)
def test_requested_status_needs_its_conditions(user, launch, changes, field):
    fails(field, services.update_launch, launch=launch, by=user, changes=changes)


def test_manual_needs_no_accounts(user):
    launch = LaunchFactory(owner=user, platforms=["twitter"], dropspace_platforms=["twitter"])
    fails("status", services.update_launch, launch=launch, by=user, changes={"status": "manual"})
    launch = services.update_launch(launch=launch, by=user, changes={"status": "trigger"})
    assert launch.status == "trigger"


def test_completed_cannot_move_anywhere():
    assert all(
        not LaunchFactory.build(status="completed").can_become(s) for s in Launch.Status.values
    )


def test_delete_refuses_a_running_launch(user):
    launch = LaunchFactory(owner=user, status="running")
    fails(None, services.delete_launch, launch=launch, code=Code.LAUNCH_003)
    launch.status = "failed"
    launch.save()
    services.delete_launch(launch=launch)
    assert not Launch.objects.filter(pk=launch.pk).exists()


def test_subreddits_without_titles_are_written_by_the_writer(user):
    contents = {"reddit": {"subreddits": [{"name": "SideProject"}, {"name": "webdev"}]}}
    launch = create(user, platforms=["reddit"], platform_contents=contents)
    reddit = launch.platform_contents["reddit"]
    assert reddit["title"]
    assert [s["name"] for s in reddit["subreddits"]] == ["SideProject", "webdev"]


def test_subreddit_needs_a_title_when_the_post_has_a_body_but_no_title(user):
    contents = {"reddit": {"content": "body", "subreddits": [{"name": "webdev", "title": "t"}]}}
    create(user, platforms=["reddit"], platform_contents=contents)
    contents = {"reddit": {"content": "body", "subreddits": [{"name": "webdev"}]}}
    fails(
        "platform_contents.reddit", create, user, platforms=["reddit"], platform_contents=contents
    )


def test_updating_only_subreddits_keeps_the_stored_title(user):
    launch = LaunchFactory(
        owner=user,
        platforms=["reddit"],
        platform_contents={"reddit": {"title": "T", "content": "b"}},
    )
    changes = {"platform_contents": {"reddit": {"subreddits": [{"name": "webdev"}]}}}
    launch = services.update_launch(launch=launch, by=user, changes=changes)
    assert launch.platform_contents["reddit"]["subreddits"] == [{"name": "webdev"}]
