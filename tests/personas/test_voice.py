from personas import services
from personas.models import Persona
from personas.voice import SAMPLES_PER_PLATFORM, voice_for


def test_voice_before_any_analysis_measures_the_samples_now(persona):
    voice = voice_for(persona, ["twitter", "reddit"])
    assert voice.name == "Acme"
    assert voice.analysis == ""
    assert voice.attributes["tone"] == "witty, warm"
    assert set(voice.style) == {"twitter", "overall"}
    twitter = voice.style_for("twitter")
    assert twitter["emoji_per_post"] == 1.0
    assert twitter["line_breaks"] == "none"
    assert twitter["uses_questions"] is True
    assert voice.style_for("reddit") == voice.style["overall"]  # no reddit samples


def test_voice_after_analysis_uses_the_stored_stylometrics(persona):
    services.analyze_persona(persona=persona, platforms=["linkedin"])
    services.build_persona_analysis(
        persona_id=persona.pk, platforms=["linkedin"], include_custom_samples=False
    )
    persona.refresh_from_db()
    voice = voice_for(persona, ["linkedin", "twitter"])
    assert voice.analysis == persona.persona_analysis
    assert voice.structured["source"] == "local"
    assert set(voice.style) == {"linkedin", "overall"}
    for key in ("emoji_per_post", "hashtags_per_post", "line_breaks", "avg_length"):
        assert key in voice.style["linkedin"]
    assert voice.style_for("linkedin")["line_breaks"] == "double"


def test_best_samples_are_the_representative_ones(user):
    typical = [f"quick update {n}: shipped a fix 🚀 #buildinpublic" for n in range(6)]
    rambling = "I have been thinking a lot lately about many things. " * 30
    persona = Persona.objects.create(owner=user, name="Terse", twitter_samples=[rambling, *typical])
    samples = voice_for(persona, ["twitter"]).samples["twitter"]
    assert len(samples) == SAMPLES_PER_PLATFORM
    assert rambling not in samples


def test_samples_fall_back_to_custom_then_every_source(persona, user):
    assert voice_for(persona, ["reddit"]).samples["reddit"] == persona.custom_samples
    no_custom = Persona.objects.create(owner=user, name="B", linkedin_samples=["a post"])
    assert voice_for(no_custom, ["tiktok"]).samples["tiktok"] == ["a post"]
    empty = Persona.objects.create(owner=user, name="C")
    voice = voice_for(empty, ["twitter"])
    assert voice.samples == {"twitter": []}
    assert voice.style == {}
