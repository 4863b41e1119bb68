"""The one metering service: every limit and feature, with the spec's codes and messages."""

import os
import threading
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection as db

from billing import selectors, services
from billing.models import Meter, MeteredUse, Subscription
from dropspace.api.errors import ApiError, Code
from launches import services as launch_services
from launches.models import Launch
from personas import services as persona_services
from personas.models import Persona
from tests.launches.factories import LaunchFactory

CREATE = {
    "title": "Acme",
    "product_description": "Acme turns invoices into payments. One click.",
    "platforms": ["twitter"],
    "platform_contents": {"twitter": {"content": "Acme is live"}},
}


def create_launch(user):
    launch, _ = launch_services.create_launch(
        owner=user,
        title="Acme",
        product_description="Acme turns invoices into payments. One click.",
        platforms=["twitter"],
        platform_contents={"twitter": {"content": "Acme is live"}},
    )
    return launch


# --- launches per month ------------------------------------------------------------------------


@time_machine.travel(datetime(2026, 3, 14, 12, 0, tzinfo=UTC), tick=False)
def test_the_launch_limit_says_what_was_reached_and_how_to_get_more(api, user, plan_limits):
    plan_limits(launches_per_month=1)
    assert api.post("/v1/launches", CREATE, format="json").status_code == 201
    response = api.post("/v1/launches", CREATE, format="json")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "LAUNCH_002"
    assert "your Starter plan allows 1 launches per month" in error["message"]
    assert "reset on 2026-04-01" in error["message"]
    assert "upgrade your plan at http://127.0.0.1:8000/billing/" in error["message"]
    assert Launch.objects.filter(owner=user).count() == 1
    assert MeteredUse.objects.filter(user=user, meter=Meter.LAUNCHES).count() == 1


def test_a_plan_change_applies_to_the_next_launch(user):
    services.set_plan(account=user, plan_name="free")  # 5 launches a month
    for _ in range(5):
        create_launch(user)
    with pytest.raises(ApiError) as caught:
        create_launch(user)
    assert caught.value.code == Code.LAUNCH_002
    assert "Free plan allows 5" in caught.value.message
    services.set_plan(account=user, plan_name="starter")
    create_launch(user)


def test_unlimited_plan_never_stops_launches(user, settings):
    settings.DEFAULT_PLAN = "unlimited"
    for _ in range(3):
        create_launch(user)
    assert selectors.usage_for(user)["limits"]["launches_per_month"]["used"] == 3


# --- per-resource and lifetime limits ----------------------------------------------------------


def test_regeneration_limit_is_429_launch_002_with_advice(api, user, plan_limits):
    plan_limits(regenerations_per_launch=0)
    launch = LaunchFactory(owner=user)
    response = api.post(f"/v1/launches/{launch.pk}/generate-content", {}, format="json")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "LAUNCH_002"
    assert "0 regenerations per launch" in error["message"]
    assert "edit the content yourself or upgrade" in error["message"]


def test_persona_limit_counts_the_persons_personas(user, plan_limits):
    plan_limits(personas=1)
    persona_services.create_persona(owner=user, name="One")
    with pytest.raises(ApiError) as caught:
        persona_services.create_persona(owner=user, name="Two")
    assert caught.value.code == Code.PERSONA_001
    assert "delete a persona or upgrade" in caught.value.message
    Persona.objects.get(name="One").delete()  # a lifetime count of existing personas
    persona_services.create_persona(owner=user, name="Two")


def test_analysis_limit_is_429_persona_003(user, plan_limits):
    plan_limits(analyses_per_persona=1)
    persona = Persona.objects.create(owner=user, name="Voice", description="Dry, short.")
    persona_services.analyze_persona(persona=persona)
    Persona.objects.filter(pk=persona.pk).update(build_status="complete")
    with pytest.raises(ApiError) as caught:
        persona_services.analyze_persona(persona=Persona.objects.get(pk=persona.pk))
    assert caught.value.code == Code.PERSONA_003
    assert "1 analyses per persona" in caught.value.message


def test_api_key_and_webhook_endpoint_limits_come_from_the_plan(api, plan_limits, dns):
    plan_limits(api_keys=1, webhook_endpoints=0)  # `api` already holds one key
    keys = api.post("/v1/keys", {"name": "second"}, format="json")
    assert keys.status_code == 400
    assert keys.json()["error"]["message"] == "maximum 1 active API keys allowed; revoke one first"
    hooks = api.post(
        "/v1/webhooks",
        {"url": "https://hooks.example.com/x", "events": ["launch.completed"]},
        format="json",
    )
    assert hooks.status_code == 400
    assert hooks.json()["error"]["message"] == "maximum 0 webhook endpoints allowed"


# --- media generation --------------------------------------------------------------------------


def test_media_generation_counts_and_stops_at_the_limit(user, plan_limits):
    plan_limits(ai_images_per_month=2)
    assert services.charge(account=user, meter=Meter.AI_IMAGES) == {
        "limit": 2,
        "used": 1,
        "remaining": 1,
    }
    services.charge(account=user, meter=Meter.AI_IMAGES)
    with pytest.raises(ApiError) as caught:
        services.charge(account=user, meter=Meter.AI_IMAGES)
    assert caught.value.code == Code.MEDIA_001
    assert "2 AI images per month" in caught.value.message
    services.charge(account=user, meter=Meter.AI_VIDEOS)  # videos are counted apart


def test_a_plan_without_media_generation_is_403_auth_002(user):
    services.set_plan(account=user, plan_name="free")
    with pytest.raises(ApiError) as caught:
        services.charge(account=user, meter=Meter.AI_VIDEOS)
    assert caught.value.code == Code.AUTH_002
    assert caught.value.status == 403
    assert "does not include AI media generation" in caught.value.message
    assert not MeteredUse.objects.exists()


# --- features ----------------------------------------------------------------------------------


def test_a_platform_outside_the_plan_is_403_auth_002_at_creation(api, plan_limits):
    plan_limits(allowed_platforms=["linkedin"])
    response = api.post("/v1/launches", CREATE, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"
    assert "posting to twitter" in response.json()["error"]["message"]
    # guided platforms are never restricted
    body = {**CREATE, "platforms": ["linkedin", "producthunt"]}
    del body["platform_contents"]
    assert api.post("/v1/launches", body, format="json").status_code == 201


def test_official_accounts_outside_the_plan_are_403_auth_002_at_publish(
    api, user, plan_limits, make_platform_connection
):
    plan_limits(can_post_to_official_accounts=False)
    make_platform_connection("twitter", owner=None)  # the official account
    launch = LaunchFactory(
        owner=user,
        status="trigger",
        platforms=["twitter"],
        platform_contents={"twitter": {"platform": "twitter", "content": "Acme is live"}},
        dropspace_platforms=["twitter"],
    )
    response = api.post(f"/v1/launches/{launch.pk}/publish")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_002"
    assert "posting through dropspace accounts" in response.json()["error"]["message"]
    launch.refresh_from_db()
    assert launch.status == "trigger"


# --- API rate limit ----------------------------------------------------------------------------


def test_the_api_rate_limit_is_the_plans(api, user):
    assert api.get("/v1/usage")["X-RateLimit-Limit"] == "60"  # starter
    services.set_plan(account=user, plan_name="pro")
    assert api.get("/v1/usage")["X-RateLimit-Limit"] == "300"  # at once, not after a minute
    services.set_plan(account=user, plan_name="free")
    assert api.get("/v1/usage")["X-RateLimit-Limit"] == "30"


def test_the_rate_limit_stops_requests_past_the_plans_number(api, plan_limits):
    plan_limits(api_requests_per_minute=2)
    statuses = [api.get("/v1/usage").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- subscriptions -----------------------------------------------------------------------------


def test_a_cancelled_subscription_keeps_its_plan_until_the_period_ends(user):
    Subscription.objects.create(
        user=user,
        plan="pro",
        status="canceled",
        current_period_start=datetime(2026, 5, 1, tzinfo=UTC),
        current_period_end=datetime(2026, 6, 1, tzinfo=UTC),
    )
    with time_machine.travel(datetime(2026, 5, 31, 23, 59, tzinfo=UTC), tick=False):
        assert selectors.plan_for(user).name == "pro"
    with time_machine.travel(datetime(2026, 6, 1, 0, 0, tzinfo=UTC), tick=False):
        assert selectors.plan_for(user).name == "starter"  # DEFAULT_PLAN


def test_an_unpaid_subscription_past_its_period_falls_back_to_the_default(user, settings):
    settings.DEFAULT_PLAN = "free"
    Subscription.objects.create(
        user=user, plan="pro", status="unpaid", current_period_end=datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert selectors.plan_for(user).name == "free"


# --- concurrency -------------------------------------------------------------------------------

POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.skipif(not POSTGRES, reason="row locks need PostgreSQL (DATABASE_URL), as CI runs")
@pytest.mark.django_db(transaction=True)
def test_concurrent_creations_never_overshoot_the_limits(user, plan_limits):
    plan_limits(launches_per_month=3, personas=2)
    outcomes: list[str] = []
    barrier = threading.Barrier(8)

    def attempt(index):
        barrier.wait()
        try:
            if index % 2:
                create_launch(user)
                outcomes.append("launch")
            else:
                persona_services.create_persona(owner=user, name=f"Voice {index}")
                outcomes.append("persona")
        except ApiError as exc:
            outcomes.append(exc.code.name)
        finally:
            db.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(
        ["launch"] * 3 + ["LAUNCH_002"] + ["persona"] * 2 + ["PERSONA_001"] * 2
    )
    assert Launch.objects.filter(owner=user).count() == 3
    assert MeteredUse.objects.filter(user=user).count() == 3
    assert Persona.objects.filter(owner=user).count() == 2
