import pytest

from personas.models import Persona

LIST_KEYS = {
    "id",
    "name",
    "persona_analysis",
    "build_status",
    "build_progress",
    "build_started_at",
    "build_error",
    "last_analyzed_at",
    "created_at",
    "updated_at",
}
SAMPLE_FIELDS = [
    f"{source}_samples"
    for source in ("custom", "twitter", "reddit", "facebook", "instagram", "tiktok", "linkedin")
]


def url(persona=None, suffix=""):
    return "/v1/personas" if persona is None else f"/v1/personas/{persona.pk}{suffix}"


# --- list -------------------------------------------------------------------------------------


def test_list_carries_the_spec_fields_and_only_my_personas(
    api, persona, stranger, django_assert_max_num_queries
):
    Persona.objects.create(owner=stranger, name="Not mine")
    for index in range(5):
        Persona.objects.create(owner=persona.owner, name=f"Brand {index}")
    with django_assert_max_num_queries(6):  # key lookup + rate limit bookkeeping + count + page
        response = api.get(url())
    assert response.status_code == 200
    body = response.json()
    assert body["pagination"] == {"page": 1, "page_size": 50, "total": 6, "total_pages": 1}
    assert set(body["data"][0]) == LIST_KEYS
    assert "Not mine" not in [item["name"] for item in body["data"]]
    assert body["data"][-1]["persona_analysis"] is None
    assert body["data"][-1]["build_error"] is None


def test_list_paginates(api, user):
    for index in range(3):
        Persona.objects.create(owner=user, name=f"Brand {index}")
    body = api.get(url(), {"page": 2, "page_size": 2}).json()
    assert body["pagination"]["total_pages"] == 2
    assert len(body["data"]) == 1


def test_list_rejects_bad_page_size(api):
    response = api.get(url(), {"page_size": 0})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


# --- create -----------------------------------------------------------------------------------


def test_create_returns_the_detail_with_samples(api, user):
    response = api.post(url(), {"name": " Acme ", "twitter_samples": ["hello world"]})
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["name"] == "Acme"
    assert data["build_status"] == "idle"
    assert data["twitter_samples"] == ["hello world"]
    assert all(field in data for field in SAMPLE_FIELDS)
    assert data["analyses_remaining"] == 3
    assert Persona.objects.get(owner=user).name == "Acme"


def test_create_duplicate_name_is_409(api, persona):
    response = api.post(url(), {"name": "acme"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SERVER_009"


def test_create_past_the_plan_limit_is_429(api, user, settings):
    settings.BILLING_PLANS = {"starter": {"personas": 2}}
    Persona.objects.create(owner=user, name="One")
    Persona.objects.create(owner=user, name="Two")
    response = api.post(url(), {"name": "Three"})
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "PERSONA_001"
    assert "2 personas" in error["message"]


def test_a_strangers_personas_do_not_count_against_my_limit(api, stranger, settings):
    settings.BILLING_PLANS = {"starter": {"personas": 1}}
    Persona.objects.create(owner=stranger, name="Theirs")
    assert api.post(url(), {"name": "Mine"}).status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "x" * 101},
        {"name": "Acme", "colour": "blue"},
        {"name": "Acme", "twitter_samples": "not a list"},
        {"name": "Acme", "twitter_samples": [1, {"a": 2}]},
    ],
)
def test_create_malformed_is_400(api, body):
    response = api.post(url(), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_create_non_object_body_is_400(api):
    response = api.post(url(), "[1, 2]", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


# --- detail -----------------------------------------------------------------------------------


def test_detail_carries_all_samples_and_attributes(api, persona):
    data = api.get(url(persona)).json()["data"]
    assert data["twitter_samples"] == persona.twitter_samples
    assert data["custom_samples"] == ["Our mission: make shipping boring."]
    assert data["tone"] == "witty, warm"
    assert data["persona_analysis_structured"] is None
    assert set(data) >= LIST_KEYS


def test_strangers_persona_is_404_persona_002(stranger_api, persona):
    for response in (
        stranger_api.get(url(persona)),
        stranger_api.patch(url(persona), {"name": "Mine now"}),
        stranger_api.delete(url(persona)),
        stranger_api.post(url(persona, "/analyze"), {}),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "PERSONA_002"
    persona.refresh_from_db()
    assert persona.name == "Acme"


def test_unknown_and_malformed_ids_are_404_persona_002(api):
    for path in ("/v1/personas/7d0f5a0e-0000-4000-8000-000000000000", "/v1/personas/nope"):
        response = api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "PERSONA_002"


# --- update -----------------------------------------------------------------------------------


def test_patch_replaces_given_lists_and_keeps_the_rest(api, persona):
    response = api.patch(
        url(persona),
        {"name": "Acme Co", "reddit_samples": ["  a reddit post  "], "tone": "dry"},
    )
    assert response.status_code == 200
    persona.refresh_from_db()
    assert persona.name == "Acme Co"
    assert persona.reddit_samples == ["a reddit post"]
    assert persona.tone == "dry"
    assert len(persona.twitter_samples) == 3


def test_patch_accepts_exactly_50_samples_and_refuses_51(api, persona):
    assert api.patch(url(persona), {"twitter_samples": ["post"] * 50}).status_code == 200
    response = api.patch(url(persona), {"twitter_samples": ["post"] * 51})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "SERVER_002"
    assert error["details"][0]["field"] == "twitter_samples"
    assert "at most 50" in error["message"]
    persona.refresh_from_db()
    assert len(persona.twitter_samples) == 50


@pytest.mark.parametrize(
    ("samples", "field"),
    [(["ok", "   "], "linkedin_samples.1"), (["x" * 10_001], "linkedin_samples.0")],
)
def test_patch_refuses_blank_or_oversized_samples(api, persona, samples, field):
    response = api.patch(url(persona), {"linkedin_samples": samples})
    assert response.status_code == 400
    assert response.json()["error"]["details"][0]["field"] == field


def test_patch_duplicate_name_is_409(api, persona, user):
    Persona.objects.create(owner=user, name="Other")
    response = api.patch(url(persona), {"name": "OTHER"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SERVER_009"


def test_patch_to_own_name_is_fine(api, persona):
    assert api.patch(url(persona), {"name": "Acme"}).status_code == 200


def test_patch_unknown_field_is_400(api, persona):
    response = api.patch(url(persona), {"samples": []})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


# --- delete -----------------------------------------------------------------------------------


def test_delete_is_204(api, persona):
    assert api.delete(url(persona)).status_code == 204
    assert not Persona.objects.filter(pk=persona.pk).exists()


# --- analyze ----------------------------------------------------------------------------------


def test_analyze_is_202_and_enqueues_after_commit(api, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api.post(url(persona, "/analyze"), {"platforms": ["twitter"]})
    assert response.status_code == 202
    assert response.json() == {"data": {"started": True, "persona_id": str(persona.pk)}}
    assert len(callbacks) == 1
    persona.refresh_from_db()
    assert persona.build_status == "building"
    assert persona.analysis_count == 1


def test_analyze_accepts_an_empty_body(api, persona):
    response = api.post(url(persona, "/analyze"))
    assert response.status_code == 202


def test_analyze_while_building_is_409(api, persona):
    assert api.post(url(persona, "/analyze"), {}).status_code == 202
    response = api.post(url(persona, "/analyze"), {})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "SERVER_009"


def test_analyze_past_the_per_persona_limit_is_429(api, persona, settings):
    settings.BILLING_PLANS = {"starter": {"analyses_per_persona": 3}}
    Persona.objects.filter(pk=persona.pk).update(analysis_count=3)
    response = api.post(url(persona, "/analyze"), {})
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "PERSONA_003"


@pytest.mark.parametrize(
    "body",
    [
        {"platforms": ["myspace"]},
        {"platforms": []},
        {"platforms": "twitter"},
        {"include_custom_samples": "maybe"},
        {"depth": 3},
    ],
)
def test_analyze_malformed_is_400(api, persona, body):
    response = api.post(url(persona, "/analyze"), body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"
    persona.refresh_from_db()
    assert persona.build_status == "idle"


def test_analyze_with_nothing_to_analyse_is_400_server_005(api, user):
    empty = Persona.objects.create(owner=user, name="Empty", custom_samples=["only custom"])
    response = api.post(url(empty, "/analyze"), {})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "SERVER_005"
    assert "include_custom_samples" in error["message"]


# --- scopes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "suffix", "scopes"),
    [
        ("get", "", ["write", "delete", "generate"]),
        ("post", "", ["read", "delete", "generate"]),
        ("get", "detail", ["write", "delete", "generate"]),
        ("patch", "detail", ["read", "delete", "generate"]),
        ("delete", "detail", ["read", "write", "generate"]),
        ("post", "/analyze", ["read", "write", "delete"]),
    ],
)
def test_missing_scope_is_403(make_api_client, user, persona, method, suffix, scopes):
    client = make_api_client(user, scopes=scopes)
    path = url() if suffix == "" else url(persona, "" if suffix == "detail" else suffix)
    response = getattr(client, method)(path, {"name": "X"} if method != "get" else None)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"


def test_without_a_key_is_401(client):
    response = client.get("/v1/personas")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"
