"""The writers: Claude mocked at the HTTP transport (real Messages API shapes), and the
offline writer, property-tested against every limit."""

import re

import httpx
import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from dropspace.api.errors import ApiError, Code
from launches import rules, services, writer
from launches.models import Launch
from launches.writer import offline, output
from launches.writer.claude import TOOL_NAME
from launches.writer.offline import text as offline_text
from personas.models import Persona
from personas.voice import Voice
from tests.launches.factories import LaunchFactory


def tool_use_reply(payload: dict, *, tool_id="toolu_01A09q90qw90lq917835lq9") -> dict:
    """A Messages API response whose content is one tool_use block."""
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": [
            {"type": "text", "text": "I'll write the launch content."},
            {"type": "tool_use", "id": tool_id, "name": TOOL_NAME, "input": payload},
        ],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 2095, "output_tokens": 503},
    }


def error_reply(status: int, type_: str, message: str) -> httpx.Response:
    body = {"type": "error", "error": {"type": type_, "message": message}}
    headers = {"retry-after": "30"} if status == 429 else {}
    return httpx.Response(status, json=body, headers=headers)


GOOD = {
    "twitter": {"thread": ["Acme is live: invoices to payments in one click.", "Try it today."]},
    "linkedin": {"content": "Invoices should not take a day.\n\nAcme makes them one click."},
}


@pytest.fixture
def fresh_launch(user):
    return LaunchFactory(owner=user, platform_contents={})


def sent_body(route, index=0) -> dict:
    import json

    return json.loads(route.calls[index].request.content)


def test_claude_writes_every_platform_with_tool_use(claude, fresh_launch):
    route = claude.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_reply(GOOD))
    )
    generation = services.generate_content(launch=fresh_launch)
    fresh_launch.refresh_from_db()
    assert generation.platforms_generated == ["twitter", "linkedin"]
    assert generation.writer == "claude"
    assert fresh_launch.platform_contents["twitter"]["thread"] == GOOD["twitter"]["thread"]
    assert fresh_launch.platform_contents["linkedin"]["generated_by"] == "claude"
    body = sent_body(route)
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    schema = body["tools"][0]["input_schema"]
    assert set(schema["required"]) == {"twitter", "linkedin"}
    assert "Show HN" not in body["system"]  # only the chosen platforms' guides
    assert "LinkedIn" in body["system"]
    assert fresh_launch.regeneration_count == 1


def test_output_over_a_limit_is_repaired_once(claude, fresh_launch):
    too_long = {**GOOD, "linkedin": {"content": "x" * 3001}}
    repaired = {"linkedin": {"content": "Short and within the limit."}}
    route = claude.post("/v1/messages").mock(
        side_effect=[
            httpx.Response(200, json=tool_use_reply(too_long)),
            httpx.Response(200, json=tool_use_reply(repaired, tool_id="toolu_02")),
        ]
    )
    generation = services.generate_content(launch=fresh_launch)
    assert generation.failures == {}
    fresh_launch.refresh_from_db()
    assert fresh_launch.platform_contents["linkedin"]["content"] == "Short and within the limit."
    second = sent_body(route, 1)
    assert list(second["tools"][0]["input_schema"]["properties"]) == ["linkedin"]
    tool_result = second["messages"][-1]["content"][0]
    assert tool_result["type"] == "tool_result"
    assert tool_result["tool_use_id"] == "toolu_01A09q90qw90lq917835lq9"
    assert "3001" in tool_result["content"]


def test_output_still_over_after_repair_is_a_failure_retry_content_retries(claude, fresh_launch):
    too_long = {**GOOD, "linkedin": {"content": "x" * 3001}}
    claude.post("/v1/messages").mock(
        side_effect=[
            httpx.Response(200, json=tool_use_reply(too_long)),
            httpx.Response(200, json=tool_use_reply({"linkedin": {"content": "y" * 3001}})),
            httpx.Response(200, json=tool_use_reply({"linkedin": {"content": "Fixed."}})),
        ]
    )
    generation = services.generate_content(launch=fresh_launch)
    assert generation.platforms_generated == ["twitter"]
    assert "3000" in generation.failures["linkedin"]
    fresh_launch.refresh_from_db()
    assert list(fresh_launch.generation_failures) == ["linkedin"]

    result = services.retry_content(launch=fresh_launch)
    assert result == {
        "retried": ["linkedin"],
        "succeeded": ["linkedin"],
        "still_failing": [],
        "rate_limited": [],
    }
    fresh_launch.refresh_from_db()
    assert fresh_launch.generation_failures == {}
    assert fresh_launch.platform_contents["linkedin"]["content"] == "Fixed."


def test_anthropic_429_is_rate_001(claude, fresh_launch):
    claude.post("/v1/messages").mock(
        return_value=error_reply(429, "rate_limit_error", "Number of request tokens has exceeded")
    )
    with pytest.raises(ApiError) as caught:
        services.generate_content(launch=fresh_launch)
    assert caught.value.code is Code.RATE_001
    assert caught.value.status == 429
    assert caught.value.headers == {"Retry-After": "30"}
    fresh_launch.refresh_from_db()
    assert fresh_launch.regeneration_count == 0


def test_anthropic_529_overloaded_is_503_server_001(claude, fresh_launch):
    claude.post("/v1/messages").mock(
        return_value=error_reply(529, "overloaded_error", "Overloaded")
    )
    with pytest.raises(ApiError) as caught:
        services.generate_content(launch=fresh_launch)
    assert caught.value.code is Code.SERVER_001
    assert caught.value.status == 503


def test_create_with_anthropic_down_records_failures_for_retry(claude, user):
    claude.post("/v1/messages").mock(
        return_value=error_reply(529, "overloaded_error", "Overloaded")
    )
    launch, generation = services.create_launch(
        owner=user, title="Acme", product_description="Invoices.", platforms=["linkedin"]
    )
    assert generation.platforms_generated == []
    assert list(launch.generation_failures) == ["linkedin"]


def test_regeneration_limit_is_launch_002(user, settings):
    settings.BILLING_PLANS = {"starter": {"regenerations_per_launch": 2}}
    launch = LaunchFactory(owner=user)
    services.generate_content(launch=launch)
    services.generate_content(launch=launch)
    with pytest.raises(ApiError) as caught:
        services.generate_content(launch=launch)
    assert caught.value.code is Code.LAUNCH_002
    assert "2 regenerations per launch" in caught.value.message


def test_generate_keeps_other_platforms_and_non_text_fields(user):
    launch = LaunchFactory(
        owner=user,
        platforms=["twitter", "tiktok"],
        platform_contents={
            "twitter": {"content": "mine", "generated_by": "user"},
            "tiktok": {"content": "old", "tiktok_settings": {"privacy_level": "SELF_ONLY"}},
        },
    )
    services.generate_content(launch=launch, platforms=["tiktok"])
    launch.refresh_from_db()
    assert launch.platform_contents["twitter"]["content"] == "mine"
    assert launch.platform_contents["tiktok"]["tiktok_settings"] == {"privacy_level": "SELF_ONLY"}
    assert launch.platform_contents["tiktok"]["generated_by"] == "offline"


def test_generate_refuses_running_and_finished_launches(user):
    for status in ("running", "completed", "partial"):
        launch = LaunchFactory(owner=user, status=status)
        with pytest.raises(ApiError) as caught:
            services.generate_content(launch=launch)
        assert caught.value.code is Code.LAUNCH_003


def test_retry_content_without_failures_is_400(launch):
    with pytest.raises(ApiError) as caught:
        services.retry_content(launch=launch)
    assert caught.value.code is Code.SERVER_002


def test_create_keeps_what_the_user_wrote_and_writes_the_rest(user):
    launch, generation = services.create_launch(
        owner=user,
        title="Acme",
        product_description="Acme turns invoices into payments. One click.",
        platforms=["twitter", "hackernews", "producthunt"],
        platform_contents={"twitter": {"content": "my own tweet"}},
    )
    assert launch.platform_contents["twitter"]["content"] == "my own tweet"
    assert generation.platforms_generated == ["hackernews", "producthunt"]
    assert launch.platform_contents["hackernews"]["title"].startswith("Show HN: Acme")
    assert len(launch.platform_contents["producthunt"]["title"]) <= 60


def test_persona_voice_goes_into_the_prompt(claude, user):
    persona = Persona.objects.create(
        owner=user,
        name="Dry wit",
        tone="dry, understated",
        persona_analysis="Short sentences. No exclamation marks.",
        linkedin_samples=["We shipped. It works. Mostly."],
    )
    launch = LaunchFactory(owner=user, persona=persona, platform_contents={})
    route = claude.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_reply(GOOD))
    )
    services.generate_content(launch=launch)
    prompt = sent_body(route)["messages"][0]["content"]
    assert "Short sentences. No exclamation marks." in prompt
    assert "dry, understated" in prompt
    assert "We shipped. It works. Mostly." in prompt


def test_product_page_text_goes_into_the_prompt(claude, user, no_real_http):
    no_real_http.get(
        "https://prompt.example/",
        body="<html><title>Acme</title><script>evil()</script><p>Pay invoices faster.</p></html>",
        content_type="text/html",
    )
    launch = LaunchFactory(owner=user, product_url="https://prompt.example/", platform_contents={})
    route = claude.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_reply(GOOD))
    )
    services.generate_content(launch=launch)
    prompt = sent_body(route)["messages"][0]["content"]
    assert "Pay invoices faster." in prompt
    assert "evil()" not in prompt


def test_reddit_subreddits_get_their_own_text(claude, user):
    launch = LaunchFactory(
        owner=user,
        platforms=["reddit"],
        platform_contents={"reddit": {"subreddits": [{"name": "webdev", "flair_id": "f1"}]}},
    )
    reply = {
        "reddit": {
            "title": "I built a tool for invoices",
            "content": "Problem first.",
            "subreddits": [{"name": "webdev", "title": "Tech angle", "content": "Stack."}],
        }
    }
    claude.post("/v1/messages").mock(return_value=httpx.Response(200, json=tool_use_reply(reply)))
    services.generate_content(launch=launch)
    launch.refresh_from_db()
    assert launch.platform_contents["reddit"]["subreddits"] == [
        {"name": "webdev", "flair_id": "f1", "title": "Tech angle", "content": "Stack."}
    ]


# --- offline writer ---------------------------------------------------------------------------

text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=2500
).filter(lambda s: s.strip())
styles = st.fixed_dictionaries(
    {},
    optional={
        "emoji_per_post": st.floats(0, 10),
        "hashtags_per_post": st.floats(0, 40),
        "line_breaks": st.sampled_from(["none", "single", "double"]),
        "avg_length": st.integers(1, 10_000),
    },
)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text.map(lambda s: s[:200]),
    description=text,
    url=st.sampled_from(["", "https://acme.com/" + "p" * 300, "https://acme.com"]),
    page=st.text(max_size=3000),
    style=styles,
)
@example(title="0", description="!", url="", page="", style=None)  # once gave an empty PH title
def test_offline_writer_always_respects_every_limit(title, description, url, page, style):
    voice = Voice(name="v", style={"overall": style}) if style else None
    brief = writer.Brief(
        title=title,
        description=description,
        platforms=tuple(rules.PLATFORMS),
        product_url=url,
        product_text=page,
        voice=voice,
    )
    written = offline.write(brief)
    assert written.failures == {}
    for platform in rules.PLATFORMS:
        entry = written.contents[platform]
        assert output.problems_of(platform, entry) == [], (platform, entry)


def test_offline_writer_makes_sensible_drafts():
    brief = writer.Brief(
        title="Acme",
        description="Acme turns invoices into payments. " * 20 + "Try it.",
        platforms=tuple(rules.PLATFORMS),
        product_url="https://acme.com",
    )
    contents = offline.write(brief).contents
    thread = contents["twitter"]["thread"]
    assert 1 < len(thread) <= 6
    assert all(tweet.endswith((".", "…")) or "https://acme.com" in tweet for tweet in thread)
    assert contents["hackernews"]["title"].startswith("Show HN: Acme")
    assert contents["reddit"]["title"]
    assert "#" in contents["instagram"]["content"]
    assert "#" in contents["tiktok"]["content"]
    assert len(contents["producthunt"]["title"]) <= 60


def test_offline_writer_applies_the_persona_style():
    voice = Voice(
        name="v",
        style={"linkedin": {"emoji_per_post": 2, "hashtags_per_post": 1, "line_breaks": "single"}},
    )
    brief = writer.Brief(
        title="Acme",
        description="Invoices to payments. One click.",
        platforms=("linkedin",),
        voice=voice,
    )
    content = offline.write(brief).contents["linkedin"]["content"]
    assert sum(content.count(e) for e in offline.EMOJI) == 2
    assert content.count("#") == 1
    assert "\n\n" not in content


def test_status_of_unsaved_launch_default():
    assert Launch().status == "draft"


def test_regenerating_keeps_an_edit_saved_meanwhile_to_another_platform(user, launch):
    stale = Launch.objects.get(pk=launch.pk)  # loaded before the edit, as a slow writer would
    changes = {"platform_contents": {"linkedin": {"content": "Edited meanwhile"}}}
    services.update_launch(launch=launch, by=user, changes=changes)
    services.generate_content(launch=stale, platforms=["twitter"])
    launch.refresh_from_db()
    assert launch.platform_contents["linkedin"]["content"] == "Edited meanwhile"
    assert launch.platform_contents["twitter"]["generated_by"] == "offline"


def test_product_page_is_fetched_once_for_several_regenerations(user, no_real_http):
    page = no_real_http.get(
        "https://shop.example/", body="<p>Pay invoices faster.</p>", content_type="text/html"
    )
    launch = LaunchFactory(owner=user, product_url="https://shop.example/")
    services.generate_content(launch=launch)
    services.generate_content(launch=launch)
    assert page.call_count == 1


def test_product_page_that_is_not_html_is_ignored(user, no_real_http):
    from launches.writer.product_page import product_page_text

    no_real_http.get(
        "https://files.example/a.zip", body=b"PK\x03\x04", content_type="application/zip"
    )
    assert product_page_text("https://files.example/a.zip") == ""


def test_private_product_url_is_never_fetched(user, no_real_http):
    from launches.writer.product_page import product_page_text

    assert product_page_text("http://127.0.0.1:8000/admin/") == ""
    assert product_page_text("http://169.254.169.254/latest/meta-data") == ""
    assert len(no_real_http.calls) == 0


# --- offline writer: drafts a person would post -----------------------------------------------

LONG_DESCRIPTION = (
    "Acme Changelog turns merged pull requests into release notes your customers actually "
    "read. Connect a GitHub repository and every merged pull request becomes a draft entry, "
    "grouped by feature, fix and improvement. You edit the wording, pick what ships, and "
    "publish a changelog page, an RSS feed and an email digest in one click. Teams that used "
    "to spend a Friday afternoon writing release notes now spend ten minutes."
)
PAGE = (
    "Acme Changelog - release notes on autopilot\nPricing\nSign in\n"
    "Every merged pull request becomes a draft entry, written in plain language.\n"
    "Group entries by feature, fix and improvement without touching a spreadsheet.\n"
    "Publish to a hosted changelog page, an RSS feed and an email digest at once.\n"
    "Works with GitHub and GitLab, and keeps your labels as categories."
)
SUBREDDITS = [{"name": "webdev"}, {"name": "SideProject"}, {"name": "startups"}]


def changelog_brief(**overrides) -> writer.Brief:
    fields = {
        "title": "Acme Changelog",
        "description": LONG_DESCRIPTION,
        "platforms": tuple(rules.PLATFORMS),
        "product_url": "https://acme.dev/changelog",
        "product_text": PAGE,
        "existing": {"reddit": {"subreddits": SUBREDDITS}},
    }
    return writer.Brief(**{**fields, **overrides})


def texts_of(entry: dict) -> list[str]:
    """Every text a person would read in a platform's entry (a thread as one text)."""
    texts = [entry.get(key) for key in ("title", "content", "maker_comment")]
    if entry.get("thread"):
        texts.append("\n\n".join(entry["thread"]))
    for target in entry.get("subreddits") or []:
        texts += [target.get("title"), target.get("content")]
    return [text for text in texts if text]


def writer_vocabulary(brief: writer.Brief) -> set[str]:
    """The words a draft may use: the person's (cleaned as the writer reads them) and the
    writer's own lines."""
    from launches.writer.offline.platforms import LINES

    theirs = " ".join(
        offline_text.clean(part)
        for part in (brief.title, brief.description, brief.product_text, brief.product_url)
    )
    subreddits = " ".join(
        s["name"] for s in (brief.existing.get("reddit") or {}).get("subreddits", [])
    )
    ours = " ".join(line for lines in LINES.values() for line in lines)
    return set(offline_text.tokens(f"{theirs} {ours} {subreddits} r"))


def repeats_allowed(brief: writer.Brief) -> set:
    """Runs of words said twice in a row that the person's own text already has."""
    fields = (brief.title, brief.description, brief.product_text)
    return set().union(
        *(offline_text.doubled(offline_text.tokens(offline_text.clean(f))) for f in fields)
    )


def assert_reads_whole(brief: writer.Brief, written) -> None:
    """No cut word, no added ellipsis, no stutter, no sentence said twice."""
    vocabulary = writer_vocabulary(brief)
    allowed = repeats_allowed(brief)
    given = f"{brief.title} {brief.description} {brief.product_text}"
    for platform, entry in written.contents.items():
        for text in texts_of(entry):
            words = offline_text.tokens(text)
            assert set(words) <= vocabulary, (platform, set(words) - vocabulary, text)
            assert "…" not in text or "…" in given, (platform, text)
            assert offline_text.doubled(words) <= allowed, (platform, text)
            said = [
                tuple(offline_text.tokens(s))
                for s in offline_text.sentences(text)
                if len(offline_text.tokens(s)) >= 3
            ]
            assert len(said) == len(set(said)), (platform, text)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text.map(lambda s: s[:200]),
    description=text,
    page=st.text(max_size=3000),
    variant=st.integers(0, 50),
    style=styles,
)
@example(
    title="Acme Changelog",
    description="Acme Changelog turns pull requests into a changelog people read.",
    page="",
    variant=0,
    style=None,
)
def test_offline_writer_never_cuts_repeats_or_stutters(title, description, page, variant, style):
    brief = writer.Brief(
        title=title,
        description=description,
        platforms=tuple(rules.PLATFORMS),
        product_url="https://acme.com",
        product_text=page,
        voice=Voice(name="v", style={"overall": style}) if style else None,
        existing={"reddit": {"subreddits": SUBREDDITS}},
        variant=variant,
    )
    written = offline.write(brief)
    assert_reads_whole(brief, written)
    for platform in rules.PLATFORMS:
        assert output.problems_of(platform, written.contents[platform]) == []


def test_the_issues_example_reads_like_a_person_wrote_it():
    brief = changelog_brief(
        description="Acme Changelog turns pull requests into a changelog people read.",
        product_text="",
    )
    contents = offline.write(brief).contents
    everything = "\n".join(t for entry in contents.values() for t in texts_of(entry))
    assert "Acme Changelog Acme Changelog" not in everything.replace(".", "").replace(":", "")
    assert "…" not in everything
    for platform, entry in contents.items():  # the point is said, once, whole, everywhere
        said = "\n".join(texts_of(entry))
        assert said.count("pull requests into a changelog people read") >= 1, platform
    for platform in ("twitter", "linkedin", "facebook", "tiktok", "substack"):
        assert texts_of(contents[platform])[0].count("Acme Changelog") == 1, platform
    assert contents["hackernews"]["title"] == (
        "Show HN: Acme Changelog turns pull requests into a changelog people read"
    )
    # The 64-character lead does not fit 60: the tagline says what it does, without the name.
    assert contents["producthunt"]["title"] == "Turns pull requests into a changelog people read"
    assert_reads_whole(brief, offline.write(brief))


def test_each_platform_gets_its_shape_and_a_sensible_length():
    brief = changelog_brief()
    contents = offline.write(brief).contents
    thread = contents["twitter"]["thread"]
    assert 3 <= len(thread) <= 6
    assert LONG_DESCRIPTION.split(". ")[0] in thread[0]  # the hook tweet leads with the point
    assert "https://acme.dev/changelog" in thread[-1]
    linkedin = contents["linkedin"]["content"]
    assert 800 <= len(linkedin) <= 3000
    assert linkedin.count("\n\n") >= 4  # a story in short paragraphs
    assert "→ " in linkedin  # the product page's points, one per line
    for sentence in offline_text.sentences(LONG_DESCRIPTION):  # the whole description
        assert sentence in linkedin
        assert sentence in contents["hackernews"]["content"]
    reddit = contents["reddit"]
    assert [s["name"] for s in reddit["subreddits"]] == ["webdev", "SideProject", "startups"]
    assert len({s["title"] for s in reddit["subreddits"]}) == 3  # no identical crossposts
    assert reddit["subreddits"][0]["content"].startswith("Hi r/webdev,")
    assert "?" in reddit["content"]  # it asks for feedback
    assert contents["producthunt"]["title"] == "Release notes on autopilot"
    # the page's "Acme Changelog - release notes on autopilot" is a tagline, not a sentence
    for platform in ("twitter", "linkedin", "facebook", "substack", "reddit", "instagram"):
        assert "Acme Changelog - release" not in "\n".join(texts_of(contents[platform]))
    assert 300 <= len(contents["producthunt"]["content"]) <= 500
    assert contents["hackernews"]["title"] == "Show HN: Acme Changelog - release notes on autopilot"
    assert 150 <= len(contents["facebook"]["content"]) <= 600
    for platform in ("instagram", "tiktok"):
        assert contents[platform]["content"].rstrip().split("\n")[-1].startswith("#")
        assert "link in bio" in contents[platform]["content"].lower()
    for platform in ("reddit", "hackernews", "producthunt"):  # their norms: no emoji, no tags
        for text in texts_of(contents[platform]):
            assert not any(e in text for e in offline.EMOJI)
            assert "#" not in text


def test_every_regeneration_is_worded_differently():
    first = offline.write(changelog_brief(variant=0)).contents
    second = offline.write(changelog_brief(variant=1)).contents
    for platform in rules.PLATFORMS:
        assert texts_of(first[platform]) != texts_of(second[platform]), platform


def test_regenerate_gives_a_new_draft(user):
    launch = LaunchFactory(
        owner=user, product_description=LONG_DESCRIPTION, platforms=["linkedin", "twitter"]
    )
    services.generate_content(launch=launch)
    before = launch.platform_contents["linkedin"]["content"]
    services.generate_content(launch=launch)
    assert launch.platform_contents["linkedin"]["content"] != before


habits = st.fixed_dictionaries(
    {
        "emoji_per_post": st.floats(0, 6),
        "hashtags_per_post": st.floats(0, 8),
        "line_breaks": st.sampled_from(["none", "single", "double"]),
        "avg_length": st.integers(50, 4000),
        "uses_questions": st.booleans(),
        "exclamation_rate": st.sampled_from([0.0, 0.8]),
    }
)


SHORT_VOICE = {
    "emoji_per_post": 0.0,
    "hashtags_per_post": 3.0,
    "line_breaks": "double",
    "avg_length": 50,
    "uses_questions": True,
    "exclamation_rate": 0.0,
}


@hsettings(max_examples=30, deadline=None)
@given(style=habits, variant=st.integers(0, 9))
@example(style=SHORT_VOICE, variant=1)  # its Facebook body budget was 0: once read as "no limit"
def test_the_persona_habits_show_in_every_draft(style, variant):
    from launches.writer.offline.habits import NORMS

    brief = changelog_brief(voice=Voice(name="v", style={"overall": style}), variant=variant)
    contents = offline.write(brief).contents
    available = len(offline.material_of(brief).keywords)
    for platform in ("linkedin", "facebook", "instagram", "tiktok", "substack"):
        norm, content = NORMS[platform], contents[platform]["content"]
        emoji = min(round(style["emoji_per_post"]), norm.emoji_max)
        tags = min(round(style["hashtags_per_post"]), norm.hashtags_max, available)
        assert sum(content.count(e) for e in offline.EMOJI) == emoji, (platform, content)
        assert len(re.findall(r"#\w+", content)) == tags, (platform, content)
        if style["line_breaks"] == "none":
            assert "\n" not in content, platform
        elif style["line_breaks"] == "single":
            assert "\n\n" not in content, platform
            assert "\n" in content, platform
        else:
            assert "\n\n" in content, platform
        assert ("!" in content) == (style["exclamation_rate"] > 0.3), (platform, content)
        target = max(norm.floor, min(rules.RULES[platform].content_max, style["avg_length"]))
        assert len(content) <= max(target * 1.1, target + 120), (platform, len(content), target)
    for platform in ("linkedin", "facebook", "substack"):
        assert ("?" in contents[platform]["content"]) == style["uses_questions"], platform


def test_a_longer_voice_gets_longer_drafts():
    def linkedin(avg):
        voice = Voice(name="v", style={"overall": {"avg_length": avg}})
        return offline.write(changelog_brief(voice=voice)).contents["linkedin"]["content"]

    assert len(linkedin(2500)) > 1.5 * len(linkedin(400))


def test_a_lowercase_voice_gets_lowercase_lines():
    voice = Voice(name="v", style={"overall": {"capitalisation": "mostly lowercase"}})
    content = offline.write(changelog_brief(voice=voice)).contents["linkedin"]["content"]
    assert content[0].islower()


# --- offline writer: captions with hashtags that fill their length, short Reddit titles -------

CAPTIONS = ("instagram", "tiktok")
WORDS = [
    "invoices",
    "payments",
    "teams",
    "notes",
    "customers",
    "release",
    "pull",
    "requests",
    "budget",
    "couples",
    "bank",
    "shared",
    "expenses",
    "balance",
    "monthly",
    "encrypted",
    "countries",
    "writers",
    "notebook",
    "drafts",
    "ideas",
    "pages",
    "feeds",
    "digest",
    "github",
    "merged",
    "entries",
    "features",
    "fixes",
    "labels",
    "categories",
    "click",
]
plain_sentence = st.lists(st.sampled_from(WORDS), min_size=10, max_size=18, unique=True).map(
    lambda words: " ".join(words).capitalize() + "."
)


def hashtags_in(content: str) -> list[str]:
    return re.findall(r"#\w+", content)


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text.map(lambda s: s[:200]),
    description=text,
    page=st.text(max_size=3000),
    hashtags_per_post=st.one_of(st.none(), st.floats(0, 40)),
    variant=st.integers(0, 20),
)
@example(  # once a caption of 29 characters: "It's launch day. Link in bio." and no tag
    title="Demo", description="It is a demo.", page="", hashtags_per_post=None, variant=0
)
@example(title="0", description="#0", page="", hashtags_per_post=0.0, variant=0)  # lead twice
@example(
    title="0", description="#\x000", page="", hashtags_per_post=0.0, variant=0
)  # "#0" once cleaned
def test_captions_carry_hashtags_unless_the_voice_never_uses_them(
    title, description, page, hashtags_per_post, variant
):
    style = {} if hashtags_per_post is None else {"hashtags_per_post": hashtags_per_post}
    brief = writer.Brief(
        title=title,
        description=description,
        platforms=CAPTIONS,
        product_text=page,
        voice=Voice(name="v", style={"overall": style}) if style else None,
        variant=variant,
    )
    contents = offline.write(brief).contents
    never = hashtags_per_post is not None and round(hashtags_per_post) == 0
    # A person's own "#0" is their text, as the writer sees it: control characters removed.
    theirs = set(hashtags_in(offline_text.clean(f"{title} {description} {page}")))
    for platform in CAPTIONS:
        content = contents[platform]["content"]
        ours = [tag for tag in hashtags_in(content) if tag not in theirs]
        assert (ours == []) == never, (platform, content)
        lead = offline.material_of(brief).lead
        assert not lead or content.count(lead) == 1, (platform, content)  # said once


@hsettings(max_examples=30, deadline=None)
@given(
    sentences=st.lists(plain_sentence, min_size=25, max_size=30, unique=True),
    variant=st.integers(0, 20),
)
def test_captions_fill_a_sensible_share_of_their_length(sentences, variant):
    """Given enough to say, a caption without a persona says most of its usual length (the
    norm), not one line; and a one-line description still makes a caption of 150 or more."""
    from launches.writer.offline.habits import NORMS

    brief = writer.Brief(
        title="Acme",
        description=" ".join(sentences),
        platforms=CAPTIONS,
        variant=variant,
    )
    contents = offline.write(brief).contents
    for platform in CAPTIONS:
        content = contents[platform]["content"]
        assert len(content) >= 0.6 * NORMS[platform].target, (platform, len(content), content)
    short = offline.write(writer.Brief(title="Acme", description=sentences[0], platforms=CAPTIONS))
    for platform in CAPTIONS:
        assert len(short.contents[platform]["content"]) >= 150, short.contents[platform]


@pytest.mark.parametrize(
    "description",
    [
        LONG_DESCRIPTION,
        "Acme Changelog turns pull requests into a changelog people read.",
        "A notebook app for writers.",
        "Pocket Budget is a budgeting app for couples who share some expenses but not all. You "
        "each connect your own bank, choose which transactions are shared, and the app keeps a "
        "running balance of who owes whom.",
    ],
)
def test_tiktok_and_instagram_captions_for_real_descriptions(description):
    brief = changelog_brief(description=description, product_text="")
    contents = offline.write(brief).contents
    for platform in CAPTIONS:
        content = contents[platform]["content"]
        assert len(hashtags_in(content)) >= 5, (platform, content)
        assert len(content) >= 150, (platform, content)
        assert offline_text.sentences(description)[0] in content  # the point, whole
        assert "comments" in content  # asks for comments, as captions do
        assert "#AcmeChangelog" in hashtags_in(content)
        assert "#Acme" not in hashtags_in(content)  # the name's short word says nothing alone


@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=text.map(lambda s: s[:200]),
    description=text,
    page=st.text(max_size=3000),
    variant=st.integers(0, 20),
)
@example(
    title="Acme Changelog", description=LONG_DESCRIPTION, page=PAGE, variant=1
)  # once "I built Acme Changelog: Connect a GitHub repository and every merged…" (144)
def test_reddit_titles_are_short_and_never_a_cut_sentence(title, description, page, variant):
    from launches.writer.offline.platforms import REDDIT_TITLE_TARGET

    brief = writer.Brief(
        title=title,
        description=description,
        platforms=("reddit",),
        product_text=page,
        existing={"reddit": {"subreddits": SUBREDDITS}},
        variant=variant,
    )
    written = offline.write(brief)
    entry = written.contents["reddit"]
    titles = [entry["title"], *(s["title"] for s in entry["subreddits"])]
    given_text = f"{title} {description} {page}"
    for title_ in titles:
        assert 0 < len(title_) <= REDDIT_TITLE_TARGET, title_
        assert not any(e in title_ for e in offline.EMOJI if e not in given_text), title_
    assert_reads_whole(brief, written)


def test_reddit_titles_say_the_lead_the_way_redditors_do():
    def titles(description):
        brief = changelog_brief(description=description, product_text="", platforms=("reddit",))
        entry = offline.write(brief).contents["reddit"]
        return [s["title"] for s in entry["subreddits"]]

    assert titles("A notebook app for writers. Drafts sync everywhere.") == [
        "I built a notebook app for writers",
        "I built Acme Changelog, a notebook app for writers",
        "Acme Changelog: a notebook app for writers",
    ]
    long_lead = titles(
        "Acme Changelog is a tool for teams who ship every day and want release notes their "
        "customers read without anyone spending a Friday afternoon on them. More here."
    )
    assert long_lead[0] == (  # the lead up to "without…": one whole idea in 87 characters
        "I built a tool for teams who ship every day and want release notes their customers read"
    )
    assert all(len(t) <= 100 for t in long_lead)
