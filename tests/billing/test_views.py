"""Settings -> Billing and the limit notices on the dashboard."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from billing import services
from billing.models import Meter


def test_billing_needs_login(client, db):
    assert client.get(reverse("billing:index")).status_code == 302


@time_machine.travel(datetime(2026, 3, 14, 12, 0, tzinfo=UTC), tick=False)
def test_without_stripe_the_page_shows_plans_and_usage_and_says_billing_is_off(
    logged_in_client, user
):
    services.charge(account=user, meter=Meter.LAUNCHES)
    html = logged_in_client.get("/billing/").content.decode()
    assert "Billing is not configured on this server" in html
    assert "Starter plan" in html
    assert "Mar 1, 2026 to Apr 1, 2026" in html
    assert "1 of 50" in html  # launches this period
    assert 'value="1" max="50"' in html  # its usage bar
    assert "Resets Apr 1, 2026" in html
    for label in ["Free", "Starter", "Pro", "Unlimited"]:
        assert f'<th scope="row">{label}' in html
    assert "Upgrade" not in html  # nothing to buy without Stripe
    assert "Manage subscription" not in html


def test_with_stripe_the_page_offers_upgrades_and_the_portal(logged_in_client, user, stripe_on):
    services.set_plan(account=user, plan_name="starter")
    user.subscription.stripe_customer_id = "cus_1"
    user.subscription.save()
    html = logged_in_client.get("/billing/").content.decode()
    assert "not configured" not in html
    assert 'action="/billing/upgrade/pro"' in html
    assert 'action="/billing/upgrade/free"' not in html  # a downgrade goes through the portal
    assert 'action="/billing/portal"' in html


def test_an_unlimited_plan_shows_no_bars(logged_in_client, user):
    services.set_plan(account=user, plan_name="unlimited")
    html = logged_in_client.get("/billing/").content.decode()
    assert "0 used · unlimited" in html
    assert "<progress" not in html


def test_the_dashboard_warns_at_80_percent(logged_in_client, user, plan_limits):
    plan_limits(launches_per_month=5)
    for _ in range(3):
        services.charge(account=user, meter=Meter.LAUNCHES)
    assert "Almost there" not in logged_in_client.get("/launches/").content.decode()
    services.charge(account=user, meter=Meter.LAUNCHES)
    html = logged_in_client.get("/launches/").content.decode()
    assert "you have used 4 of 5 launches this period" in html
    assert 'href="/billing/">upgrade your plan</a>' in html


def test_the_dashboard_says_when_a_limit_is_reached(logged_in_client, user, plan_limits):
    plan_limits(personas=1)
    from personas.models import Persona

    Persona.objects.create(owner=user, name="Only")
    html = logged_in_client.get("/launches/").content.decode()
    assert "Limit reached:" in html
    assert "you have used all 1 personas" in html
    assert "Delete a persona or" in html


def test_a_plan_without_media_raises_no_media_notice(logged_in_client, user):
    services.set_plan(account=user, plan_name="free")
    assert "Limit reached" not in logged_in_client.get("/launches/").content.decode()


def test_a_limit_error_on_a_page_says_how_to_get_more(logged_in_client, user, plan_limits):
    plan_limits(personas=0)
    response = logged_in_client.post("/personas/", {"name": "Voice"})
    html = response.content.decode()
    assert "persona limit reached: your Starter plan allows 0 personas" in html
    assert "upgrade your plan at" in html


def test_persona_pages_read_unlimited_plans(logged_in_client, user):
    from personas.models import Persona

    services.set_plan(account=user, plan_name="unlimited")
    persona = Persona.objects.create(owner=user, name="Voice", analysis_count=7)
    listing = logged_in_client.get("/personas/").content.decode()
    assert "1 persona; your plan has no limit." in listing
    detail = logged_in_client.get(f"/personas/{persona.pk}/").content.decode()
    assert "Your plan has no limit on analyses." in detail
    assert "Analyse again" in detail or "Analyse voice" in detail


def test_the_dashboard_shows_a_failed_payment(logged_in_client, user):
    from billing.models import Subscription

    Subscription.objects.create(
        user=user, plan="starter", status="past_due", payment_failure_message="Your payment failed."
    )
    html = logged_in_client.get("/launches/").content.decode()
    assert "Payment failed." in html
    assert "Your payment failed." in html


def test_the_launch_limit_on_the_create_page_says_how_to_get_more(
    logged_in_client, user, plan_limits
):
    plan_limits(launches_per_month=0)
    response = logged_in_client.post(
        "/launches/new",
        {
            "title": "Acme",
            "product_description": "Acme turns invoices into payments.",
            "platforms": ["twitter"],
            "scheduled_date": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "launch limit reached: your Starter plan allows 0 launches per month" in html
    assert "wait for your billing period to reset on" in html
    assert "upgrade your plan at http://127.0.0.1:8000/billing/" in html


def test_the_regeneration_limit_on_the_launch_page_says_how_to_get_more(
    logged_in_client, user, plan_limits
):
    from tests.launches.factories import LaunchFactory

    plan_limits(regenerations_per_launch=0)
    launch = LaunchFactory(owner=user)
    response = logged_in_client.post(f"/launches/{launch.pk}/regenerate", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "regeneration limit reached" in html
    assert "edit the content yourself or upgrade your plan" in html
