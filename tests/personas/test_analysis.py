import json
import re
from datetime import timedelta

import httpx
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dropspace.api.errors import ApiError
from dropspace.celery import app as celery_app
from personas import services, tasks
from personas.models import Persona
from tests.personas.conftest import PROFILE, tool_use_message
from webhooks.models import Event


@pytest.fixture
def eager_celery():
    """Run tasks in-process when enqueued, as a worker would after the commit."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


def build(persona, platforms=None, include_custom_samples=False):
    platforms = platforms or ["twitter", "linkedin"]
    services.analyze_persona(
        persona=persona, platforms=platforms, include_custom_samples=include_custom_samples
    )
    services.build_persona_analysis(
        persona_id=persona.pk, platforms=platforms, include_custom_samples=include_custom_samples
    )
    persona.refresh_from_db()
    return persona


def sent_body(route) -> dict:
    return json.loads(route.calls.last.request.content)


# --- the build without Claude -------------------------------------------------------------------


def test_local_build_completes_and_says_claude_was_not_used(persona):
    persona = build(persona)
    assert persona.build_status == "complete"
    assert persona.build_progress == 100
    assert persona.last_analyzed_at is not None
    assert persona.build_error == ""
    assert "no Anthropic API key is configured" in persona.persona_analysis
    structured = persona.persona_analysis_structured
    assert structured["source"] == "local"
    assert structured["platforms"] == ["twitter", "linkedin"]
    assert structured["tone"] == ["witty", "warm"]
    assert "shipping day" in persona.persona_analysis or structured["do"]


def test_local_build_stores_stylometrics_per_platform_and_overall(persona):
    stats = build(persona).persona_analysis_structured["stylometrics"]
    assert set(stats) == {"twitter", "linkedin", "overall"}
    twitter = stats["twitter"]
    assert twitter["sample_count"] == 3
    assert twitter["emoji_per_post"] == 1.0
    assert twitter["hashtags_per_post"] == pytest.approx(0.67)
    assert twitter["line_breaks"] == "none"
    assert twitter["uses_questions"] is True
    assert stats["linkedin"]["line_breaks"] == "double"
    assert stats["overall"]["sample_count"] == 4


def test_completion_records_persona_analyzed(persona):
    build(persona)
    event = Event.objects.get(type="persona.analyzed")
    assert event.owner == persona.owner
    assert event.data["persona_id"] == str(persona.pk)
    assert event.data["build_status"] == "complete"
    assert event.data["source"] == "local"


def test_progress_is_saved_as_steps_finish(persona):
    services.analyze_persona(persona=persona, platforms=["twitter", "linkedin"])
    with CaptureQueriesContext(connection) as queries:
        services.build_persona_analysis(
            persona_id=persona.pk, platforms=["twitter", "linkedin"], include_custom_samples=False
        )
    progress = [
        int(match)
        for query in queries.captured_queries
        for match in re.findall(r'"build_progress" = (\d+)', query["sql"])
    ]
    assert progress == [10, 25, 40, 45, 90, 100]


def test_platforms_and_custom_samples_are_honoured(persona):
    persona = build(persona, platforms=["linkedin"], include_custom_samples=True)
    structured = persona.persona_analysis_structured
    assert set(structured["stylometrics"]) == {"custom", "linkedin", "overall"}
    assert structured["sample_counts"] == {"custom": 1, "linkedin": 1}
    assert structured["include_custom_samples"] is True


@pytest.mark.usefixtures("eager_celery")
def test_default_platforms_are_those_with_samples(persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.analyze_persona(persona=persona)
    persona.refresh_from_db()
    assert persona.persona_analysis_structured["platforms"] == ["twitter", "linkedin"]


def test_a_finished_build_is_not_run_again(persona):
    build(persona)
    again = services.build_persona_analysis(
        persona_id=persona.pk, platforms=["twitter"], include_custom_samples=False
    )
    assert again is None
    assert Event.objects.filter(type="persona.analyzed").count() == 1


def test_a_stale_build_may_be_restarted(persona):
    services.analyze_persona(persona=persona)
    with pytest.raises(ApiError):
        services.analyze_persona(persona=persona)
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        services.analyze_persona(persona=persona)
    persona.refresh_from_db()
    assert persona.analysis_count == 2


@pytest.mark.usefixtures("eager_celery")
def test_analyze_endpoint_runs_the_task_after_commit(
    api, persona, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"/v1/personas/{persona.pk}/analyze", {"platforms": ["twitter"]})
    assert response.status_code == 202
    persona.refresh_from_db()
    assert persona.build_status == "complete"
    assert set(persona.persona_analysis_structured["stylometrics"]) == {"twitter", "overall"}
    detail = api.get(f"/v1/personas/{persona.pk}").json()["data"]
    assert detail["persona_analysis"].startswith("Built locally")
    assert detail["analyses_remaining"] == 2


def test_task_entry_point_runs_the_build(persona):
    services.analyze_persona(persona=persona, platforms=["twitter"])
    tasks.analyze_persona(str(persona.pk), ["twitter"], False)
    persona.refresh_from_db()
    assert persona.build_status == "complete"


# --- the build with Claude (mocked at the HTTP transport) ---------------------------------------


def test_claude_build_stores_the_tool_output(persona, anthropic_api, settings):
    anthropic_api.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_message(PROFILE))
    )
    persona = build(persona)
    assert persona.build_status == "complete"
    structured = persona.persona_analysis_structured
    assert structured["source"] == "claude"
    assert structured["model"] == settings.ANTHROPIC_MODEL
    assert structured["tone"] == ["witty", "warm", "energetic"]
    assert structured["platform_notes"]["linkedin"] == "Lessons as lists."
    assert "twitter" in structured["stylometrics"]
    assert persona.persona_analysis.startswith(PROFILE["summary"])
    assert '"small fixes, big wins"' in persona.persona_analysis
    assert "On linkedin: Lessons as lists." in persona.persona_analysis
    assert "Built locally" not in persona.persona_analysis


def test_claude_request_forces_the_tool_and_carries_samples_and_habits(persona, anthropic_api):
    route = anthropic_api.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_message(PROFILE))
    )
    build(persona, platforms=["twitter"])
    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer sk-ant-test"
    body = sent_body(route)
    assert body["tool_choice"] == {"type": "tool", "name": "record_voice_profile"}
    schema = body["tools"][0]["input_schema"]
    assert {"tone", "do", "dont", "platform_notes", "vocabulary"} <= set(schema["required"])
    prompt = body["messages"][0]["content"]
    for sample in persona.twitter_samples:
        assert sample in prompt
    assert "Three lessons" not in prompt  # linkedin was not asked for
    assert "Our mission" not in prompt  # custom samples are opt-in
    assert "Configured tone: witty, warm" in prompt
    assert "- twitter: 3 samples" in prompt
    assert "1.0 emoji" in prompt


def test_progress_is_visible_while_claude_works(persona, anthropic_api):
    seen = {}

    def answer(request):
        seen.update(Persona.objects.values("build_status", "build_progress").get(pk=persona.pk))
        return httpx.Response(200, json=tool_use_message(PROFILE))

    anthropic_api.post("/v1/messages").mock(side_effect=answer)
    build(persona)
    assert seen == {"build_status": "building", "build_progress": 45}


def test_claude_error_fails_the_build_and_refunds_the_analysis(persona, anthropic_api):
    error = {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "prompt is too long"},
    }
    anthropic_api.post("/v1/messages").mock(return_value=httpx.Response(400, json=error))
    persona = build(persona)
    assert persona.build_status == "error"
    assert persona.build_error == "Claude answered HTTP 400: prompt is too long"
    assert persona.analysis_count == 0
    assert persona.persona_analysis == ""
    event = Event.objects.get(type="persona.analyzed")
    assert event.data["build_status"] == "error"
    assert event.data["build_error"] == persona.build_error


def test_claude_without_a_tool_call_fails_the_build(persona, anthropic_api):
    message = tool_use_message(PROFILE)
    message["content"] = [{"type": "text", "text": "I'd rather chat."}]
    message["stop_reason"] = "end_turn"
    anthropic_api.post("/v1/messages").mock(return_value=httpx.Response(200, json=message))
    persona = build(persona)
    assert persona.build_status == "error"
    assert "no voice profile" in persona.build_error


def test_claude_with_an_incomplete_profile_fails_the_build(persona, anthropic_api):
    partial = {key: value for key, value in PROFILE.items() if key != "do"}
    anthropic_api.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_message(partial))
    )
    persona = build(persona)
    assert persona.build_status == "error"
    assert persona.build_error == "Claude's voice profile lacks: do"


def test_after_an_error_the_persona_can_be_analysed_again(persona, anthropic_api):
    route = anthropic_api.post("/v1/messages")
    route.side_effect = [
        httpx.Response(400, json={"type": "error", "error": {"type": "x", "message": "no"}}),
        httpx.Response(200, json=tool_use_message(PROFILE)),
    ]
    assert build(persona).build_status == "error"
    persona = build(persona)
    assert persona.build_status == "complete"
    assert persona.build_error == ""
    assert persona.analysis_count == 1


def test_the_sweeper_fails_builds_whose_worker_was_lost(persona):
    services.analyze_persona(persona=persona)
    assert tasks.fail_stale_builds() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert tasks.fail_stale_builds() == 1
    persona.refresh_from_db()
    assert persona.build_status == "error"
    assert "worker was lost" in persona.build_error
    assert persona.analysis_count == 0
    assert Event.objects.get(type="persona.analyzed").data["build_status"] == "error"


def test_a_late_worker_does_not_overwrite_a_swept_build(persona):
    services.analyze_persona(persona=persona, platforms=["twitter"])
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        services.fail_stale_builds()
    assert (
        services.build_persona_analysis(
            persona_id=persona.pk, platforms=["twitter"], include_custom_samples=False
        )
        is None
    )
    persona.refresh_from_db()
    assert persona.build_status == "error"


def test_the_prompt_stays_within_its_sample_budget(user, anthropic_api):
    long_posts = {
        f"{source}_samples": [f"{source} post {n}: " + "word " * 400 for n in range(50)]
        for source in ("twitter", "reddit", "facebook", "instagram", "tiktok", "linkedin")
    }
    persona = Persona.objects.create(owner=user, name="Prolific", **long_posts)
    route = anthropic_api.post("/v1/messages").mock(
        return_value=httpx.Response(200, json=tool_use_message(PROFILE))
    )
    build(persona, platforms=["twitter", "reddit", "facebook", "instagram", "tiktok", "linkedin"])
    prompt = sent_body(route)["messages"][0]["content"]
    assert len(prompt) < 100_000
    assert prompt.count("<sample>") >= 6 * 5  # still several samples of every platform
