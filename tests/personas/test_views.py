import pytest
from django.urls import reverse

from personas import services
from personas.models import Persona

HX = {"HTTP_HX_REQUEST": "true"}


def hx(target):
    return {**HX, "HTTP_HX_TARGET": target}


def detail_url(persona, name="detail", **kwargs):
    return reverse(f"personas:{name}", kwargs={"persona_id": persona.pk, **kwargs})


def test_list_needs_login(client):
    response = client.get(reverse("personas:list"))
    assert response.status_code == 302


def test_list_shows_my_personas_only(logged_in_client, persona, stranger):
    Persona.objects.create(owner=stranger, name="Someone else's")
    response = logged_in_client.get(reverse("personas:list"))
    assert response.status_code == 200
    assert b"Acme" in response.content
    assert b"Someone else" not in response.content
    assert b"1 of 10 personas" in response.content


def test_create_redirects_to_the_new_persona(logged_in_client, user):
    response = logged_in_client.post(reverse("personas:list"), {"name": "Globex"})
    persona = Persona.objects.get(owner=user, name="Globex")
    assert response.status_code == 302
    assert response.url == detail_url(persona)


def test_create_duplicate_shows_the_error(logged_in_client, persona):
    response = logged_in_client.post(reverse("personas:list"), {"name": "Acme"})
    assert response.status_code == 200
    assert b"already exists" in response.content


def test_strangers_persona_page_is_404(client, stranger, persona):
    client.force_login(stranger)
    assert client.get(detail_url(persona)).status_code == 404
    assert client.post(detail_url(persona, "analyze")).status_code == 404
    assert client.post(detail_url(persona, "delete")).status_code == 404


def test_detail_page_shows_samples_attributes_and_no_launches(logged_in_client, persona):
    response = logged_in_client.get(detail_url(persona) + "?source=twitter")
    body = response.content.decode()
    assert response.status_code == 200
    assert "small fixes, big wins" in body
    assert "3 of 50 Twitter / X samples" in body
    assert 'value="witty, warm"' in body
    assert "No launch uses this persona yet" in body
    assert "<html" in body


def test_samples_tab_is_a_fragment_for_htmx(logged_in_client, persona):
    response = logged_in_client.get(detail_url(persona) + "?source=linkedin", **hx("samples"))
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card stack" id="samples"')
    assert "Three lessons" in body
    assert "<html" not in body


def test_paste_many_samples_splits_on_blank_lines_and_dashes(logged_in_client, persona):
    text = "first post\n\nsecond post\nstill second\n---\nthird post\n\nfirst post"
    response = logged_in_client.post(
        detail_url(persona, "add-samples"), {"source": "reddit", "text": text}, **hx("samples")
    )
    assert response.status_code == 200
    assert b"Added 3 samples, skipped 1 duplicate." in response.content
    persona.refresh_from_db()
    assert persona.reddit_samples == ["first post", "second post\nstill second", "third post"]


def test_paste_past_the_50_limit_is_refused(logged_in_client, persona):
    Persona.objects.filter(pk=persona.pk).update(reddit_samples=[f"post {i}" for i in range(49)])
    response = logged_in_client.post(
        detail_url(persona, "add-samples"),
        {"source": "reddit", "text": "new one\n\nanother"},
        **hx("samples"),
    )
    assert b"Only 1 more Reddit samples fit (at most 50 per source)" in response.content
    persona.refresh_from_db()
    assert len(persona.reddit_samples) == 49


def test_remove_sample(logged_in_client, persona):
    response = logged_in_client.post(
        detail_url(persona, "remove-sample", source="twitter", index=1), **hx("samples")
    )
    assert response.status_code == 200
    persona.refresh_from_db()
    assert len(persona.twitter_samples) == 2
    assert all("small fixes" not in sample for sample in persona.twitter_samples)


def test_remove_sample_without_htmx_redirects_back_to_the_tab(logged_in_client, persona):
    response = logged_in_client.post(
        detail_url(persona, "remove-sample", source="twitter", index=0)
    )
    assert response.status_code == 302
    assert response.url.endswith("?source=twitter")


def test_edit_attributes(logged_in_client, persona):
    response = logged_in_client.post(
        detail_url(persona, "edit"),
        {
            "name": "Acme Inc",
            "description": "Calm and precise.",
            "tone": "calm",
            "target_audience": "CTOs",
            "industry": "devtools",
            "terminology": "edge runtime\nzero-config, DX",
        },
        **hx("attributes"),
    )
    assert response.status_code == 200
    assert b'id="attributes"' in response.content
    persona.refresh_from_db()
    assert persona.name == "Acme Inc"
    assert persona.terminology == ["edge runtime", "zero-config", "DX"]


def test_analyze_shows_a_progress_bar_that_polls_then_stops(logged_in_client, persona):
    response = logged_in_client.post(
        detail_url(persona, "analyze"), {"include_custom_samples": "on"}, **hx("analysis")
    )
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert "<progress" in body
    Persona.objects.filter(pk=persona.pk).update(build_progress=45)
    poll = logged_in_client.get(detail_url(persona), **hx("analysis")).content.decode()
    assert 'value="45"' in poll
    services.build_persona_analysis(
        persona_id=persona.pk, platforms=["twitter", "linkedin"], include_custom_samples=True
    )
    done = logged_in_client.get(detail_url(persona), **hx("analysis")).content.decode()
    assert "hx-trigger" not in done
    assert "Measured habits" in done
    assert "Built locally" in done


def test_analyze_refused_shows_the_reason(logged_in_client, persona, settings):
    settings.BILLING_PLANS = {"starter": {"analyses_per_persona": 0}}
    response = logged_in_client.post(detail_url(persona, "analyze"), {}, **hx("analysis"))
    assert b"build limit reached" in response.content
    persona.refresh_from_db()
    assert persona.build_status == "idle"


@pytest.mark.parametrize("htmx", [True, False])
def test_delete(logged_in_client, persona, htmx):
    response = logged_in_client.post(detail_url(persona, "delete"), **(HX if htmx else {}))
    assert not Persona.objects.filter(pk=persona.pk).exists()
    if htmx:
        assert response.headers["HX-Redirect"] == reverse("personas:list")
    else:
        assert response.url == reverse("personas:list")


def test_the_analysis_state_is_said_in_words(logged_in_client, persona):
    """A persona never analysed says so ("Idle" told nobody anything); the others read as
    what happened."""
    assert persona.build_status == "idle"
    for url in (reverse("personas:list"), detail_url(persona)):
        page = logged_in_client.get(url).content.decode()
        assert ">Not analysed yet</span>" in page
        assert ">Idle<" not in page
    for status, words in (("complete", "Analysed"), ("error", "Analysis failed")):
        Persona.objects.filter(pk=persona.pk).update(build_status=status)
        page = logged_in_client.get(reverse("personas:list")).content.decode()
        assert f">{words}</span>" in page
