"""GET /v1/usage: the spec's shape, counts per billing period, "unlimited", scopes."""

from datetime import UTC, datetime

import time_machine

from billing import services
from billing.models import Subscription
from launches import services as launch_services
from personas.models import Persona

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


@time_machine.travel(datetime(2026, 3, 14, 12, 0, tzinfo=UTC), tick=False)
def test_usage_has_the_spec_shape_for_the_starter_plan(api, user):
    create_launch(user)
    Persona.objects.create(owner=user, name="Founder voice")
    response = api.get("/v1/usage")
    assert response.status_code == 200
    assert response.json() == {
        "data": {
            "plan": "starter",
            "billing_period": {"start": "2026-03-01T00:00:00Z", "end": "2026-04-01T00:00:00Z"},
            "limits": {
                "launches_per_month": {"limit": 50, "used": 1, "remaining": 49},
                "ai_images_per_month": {"limit": 100, "used": 0, "remaining": 100},
                "ai_videos_per_month": {"limit": 20, "used": 0, "remaining": 20},
                "personas": {"limit": 10, "used": 1, "remaining": 9},
                "analyses_per_persona": {"limit": 3},
                "regenerations_per_launch": {"limit": 5},
            },
            "features": {
                "can_connect_own_accounts": True,
                "can_post_to_official_accounts": True,
                "allowed_platforms": [
                    "facebook",
                    "linkedin",
                    "twitter",
                    "reddit",
                    "instagram",
                    "tiktok",
                ],
            },
        }
    }


def test_media_generations_count_per_kind(api, user):
    services.charge(account=user, meter="ai_images")
    services.charge(account=user, meter="ai_images")
    services.charge(account=user, meter="ai_videos")
    limits = api.get("/v1/usage").json()["data"]["limits"]
    assert limits["ai_images_per_month"] == {"limit": 100, "used": 2, "remaining": 98}
    assert limits["ai_videos_per_month"] == {"limit": 20, "used": 1, "remaining": 19}


def test_unlimited_plan_answers_unlimited_strings(api, user):
    services.set_plan(account=user, plan_name="unlimited")
    create_launch(user)
    limits = api.get("/v1/usage").json()["data"]["limits"]
    assert limits["launches_per_month"] == {
        "limit": "unlimited",
        "used": 1,
        "remaining": "unlimited",
    }
    assert limits["personas"] == {"limit": "unlimited", "used": 0, "remaining": "unlimited"}
    assert limits["analyses_per_persona"] == {"limit": "unlimited"}
    assert api.get("/v1/usage").json()["data"]["plan"] == "unlimited"


def test_remaining_never_goes_below_zero_after_a_downgrade(api, user, settings):
    for _ in range(3):
        create_launch(user)
    settings.BILLING_PLANS = {"starter": {"launches_per_month": 2}}
    launches = api.get("/v1/usage").json()["data"]["limits"]["launches_per_month"]
    assert launches == {"limit": 2, "used": 3, "remaining": 0}


def test_a_deleted_launch_still_counts(api, user):
    launch = create_launch(user)
    launch_services.delete_launch(launch=launch)
    assert api.get("/v1/usage").json()["data"]["limits"]["launches_per_month"]["used"] == 1


def test_usage_resets_at_the_calendar_month_boundary(api, user, settings):
    settings.BILLING_PLANS = {"starter": {"launches_per_month": 1}}
    with time_machine.travel(datetime(2026, 1, 31, 23, 59, 59, tzinfo=UTC), tick=False):
        create_launch(user)
        assert api.post("/v1/launches", CREATE, format="json").status_code == 429
    with time_machine.travel(datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC), tick=False):
        data = api.get("/v1/usage").json()["data"]
        assert data["billing_period"] == {
            "start": "2026-02-01T00:00:00Z",
            "end": "2026-03-01T00:00:00Z",
        }
        assert data["limits"]["launches_per_month"] == {"limit": 1, "used": 0, "remaining": 1}
        assert api.post("/v1/launches", CREATE, format="json").status_code == 201


def test_usage_follows_the_stripe_billing_period(api, user):
    Subscription.objects.create(
        user=user,
        plan="pro",
        current_period_start=datetime(2026, 5, 10, 8, 30, tzinfo=UTC),
        current_period_end=datetime(2026, 6, 10, 8, 30, tzinfo=UTC),
        stripe_customer_id="cus_1",
        stripe_subscription_id="sub_1",
    )
    with time_machine.travel(datetime(2026, 5, 10, 8, 29, tzinfo=UTC), tick=False):
        create_launch(user)  # in the calendar month, before the subscription's period
    with time_machine.travel(datetime(2026, 6, 10, 8, 29, tzinfo=UTC), tick=False):
        create_launch(user)
        data = api.get("/v1/usage").json()["data"]
        assert data["plan"] == "pro"
        assert data["billing_period"] == {
            "start": "2026-05-10T08:30:00Z",
            "end": "2026-06-10T08:30:00Z",
        }
        assert data["limits"]["launches_per_month"] == {"limit": 200, "used": 1, "remaining": 199}


def test_a_strangers_usage_is_not_mine(api, stranger):
    create_launch(stranger)
    Persona.objects.create(owner=stranger, name="Theirs")
    limits = api.get("/v1/usage").json()["data"]["limits"]
    assert limits["launches_per_month"]["used"] == 0
    assert limits["personas"]["used"] == 0


def test_usage_needs_the_read_scope(make_api_client, user):
    response = make_api_client(user, scopes=["write"]).get("/v1/usage")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "AUTH_003"
    assert "'read'" in response.json()["error"]["message"]


def test_usage_needs_a_key(client, db):
    response = client.get("/v1/usage")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_001"


def test_usage_is_read_only(api):
    response = api.post("/v1/usage", {"plan": "pro"}, format="json")
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "SERVER_004"


def test_usage_is_in_the_openapi_document(client, db):
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/v1/usage"]["get"]
    assert "200" in operation["responses"]
    assert "403" in operation["responses"]
    components = schema["components"]["schemas"]
    limit = components["CountedLimit"]["properties"]["limit"]
    assert {"type": "string", "enum": ["unlimited"]} in limit["oneOf"]
    assert set(components["UsageLimits"]["properties"]) == {
        "launches_per_month",
        "ai_images_per_month",
        "ai_videos_per_month",
        "personas",
        "analyses_per_persona",
        "regenerations_per_launch",
    }
