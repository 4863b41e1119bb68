"""Personas as launches use them: in-use delete refusal, and launches written in the voice."""

import json

import httpx
from django.apps import apps
from django.urls import reverse

from launches import services as launch_services
from launches.writer.offline import EMOJI
from personas import selectors, services
from personas.models import Persona
from tests.personas.conftest import PROFILE, tool_use_message


def make_launch(owner, persona, **fields):
    Launch = apps.get_model("launches", "Launch")
    return Launch.objects.create(
        owner=owner,
        name=fields.pop("name", "Editor launch"),
        product_description="Acme's editor: write docs at the speed of thought.",
        platforms=fields.pop("platforms", ["linkedin"]),
        persona=persona,
        **fields,
    )


def analyse(persona, platforms):
    services.analyze_persona(persona=persona, platforms=platforms)
    services.build_persona_analysis(
        persona_id=persona.pk, platforms=platforms, include_custom_samples=False
    )
    persona.refresh_from_db()
    return persona


# --- in use -----------------------------------------------------------------------------------


def test_delete_is_refused_with_422_while_a_launch_uses_the_persona(api, persona, user):
    make_launch(user, persona)
    response = api.delete(f"/v1/personas/{persona.pk}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "SERVER_005"
    assert "used by launches" in error["message"]
    assert Persona.objects.filter(pk=persona.pk).exists()


def test_delete_works_once_no_launch_uses_it(api, persona, user):
    launch = make_launch(user, persona)
    launch.persona = None
    launch.save()
    assert api.delete(f"/v1/personas/{persona.pk}").status_code == 204


def test_launches_using_lists_only_this_personas_launches(persona, user):
    other = Persona.objects.create(owner=user, name="Other")
    mine = make_launch(user, persona, name="Mine")
    make_launch(user, other, name="Not this persona")
    assert list(selectors.launches_using(persona)) == [mine]
    assert selectors.persona_in_use(persona)
    assert not selectors.persona_in_use(Persona.objects.create(owner=user, name="Unused"))


def test_dashboard_lists_the_launches_and_refuses_the_delete(logged_in_client, persona, user):
    launch = make_launch(user, persona, name="Spring launch")
    page = logged_in_client.get(reverse("personas:detail", args=[persona.pk])).content.decode()
    assert "Spring launch" in page
    assert reverse("launches:detail", args=[launch.pk]) in page
    response = logged_in_client.post(reverse("personas:delete", args=[persona.pk]), follow=True)
    assert "used by launches" in response.content.decode()
    assert Persona.objects.filter(pk=persona.pk).exists()


# --- written in the voice ---------------------------------------------------------------------


def test_offline_writer_follows_the_measured_habits(user):
    plain = Persona.objects.create(
        owner=user,
        name="Plain",
        linkedin_samples=[
            "We shipped the editor today. It is faster and calmer than before.",
            "Docs are now versioned. Pick a release and read what it shipped.",
            "Pricing is simpler now. One plan, one price, no surprises.",
        ],
    )
    analyse(plain, ["linkedin"])
    launch = make_launch(user, plain, platform_contents={})
    launch_services.generate_content(launch=launch)
    launch.refresh_from_db()
    content = launch.platform_contents["linkedin"]["content"]
    assert not any(emoji in content for emoji in EMOJI)
    assert "#" not in content
    assert "\n\n" not in content


def test_claude_writer_gets_the_analysis_and_the_representative_samples(
    persona, user, anthropic_api
):
    rambling = "I have been thinking about many things lately, at great length. " * 30
    persona.twitter_samples = [*persona.twitter_samples, rambling]
    persona.save()
    written = {"twitter": {"thread": ["shipping day 🚀 the editor is live #buildinpublic"]}}

    def answer(request):
        tool = json.loads(request.content)["tools"][0]["name"]
        output = PROFILE if tool == "record_voice_profile" else written
        return httpx.Response(200, json=tool_use_message(output, name=tool))

    route = anthropic_api.post("/v1/messages").mock(side_effect=answer)
    analyse(persona, ["twitter"])
    launch = make_launch(user, persona, platforms=["twitter"], platform_contents={})
    launch_services.generate_content(launch=launch)
    prompt = json.loads(route.calls.last.request.content)["messages"][0]["content"]
    assert PROFILE["summary"] in prompt
    assert "Signature phrases" in prompt
    assert persona.twitter_samples[0] in prompt
    assert rambling not in prompt  # the outlier is not one of the best few samples
    launch.refresh_from_db()
    entry = launch.platform_contents["twitter"]
    assert entry["generated_by"] == "claude"
    assert "the editor is live" in json.dumps(entry, ensure_ascii=False)
