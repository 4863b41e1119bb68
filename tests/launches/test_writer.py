"""The writers: Claude mocked at the HTTP transport (real Messages API shapes), and the
offline writer, property-tested against every limit."""

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
    assert "🚀✨" in content
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
