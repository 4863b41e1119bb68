"""Stripe: Checkout and the Portal mocked at the SDK's HTTP transport (requests -> `responses`),
webhooks signed with the SDK's own helper the way Stripe signs them."""

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
import responses
import time_machine

from billing import selectors, services
from billing.models import StripeEvent, Subscription
from tests.billing.conftest import stripe_event, stripe_subscription

STRIPE = "https://api.stripe.com/v1"
MAY_1 = int(datetime(2026, 5, 1, tzinfo=UTC).timestamp())
JUNE_1 = int(datetime(2026, 6, 1, tzinfo=UTC).timestamp())
JULY_1 = int(datetime(2026, 7, 1, tzinfo=UTC).timestamp())


@pytest.fixture
def stripe_api():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mocked:
        yield mocked


def form(call) -> dict:
    return {key: values[0] for key, values in parse_qs(call.request.body).items()}


# --- Checkout and Portal -----------------------------------------------------------------------


def test_upgrade_opens_stripe_checkout_in_subscription_mode(
    logged_in_client, user, stripe_on, stripe_api
):
    stripe_api.post(
        f"{STRIPE}/checkout/sessions",
        json={
            "id": "cs_test_a1",
            "object": "checkout.session",
            "mode": "subscription",
            "status": "open",
            "url": "https://checkout.stripe.com/c/pay/cs_test_a1",
        },
    )
    response = logged_in_client.post("/billing/upgrade/pro")
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_a1"
    call = stripe_api.calls[0]
    assert call.request.headers["Authorization"] == "Bearer sk_test_dropspace"
    sent = form(call)
    assert sent["mode"] == "subscription"
    assert sent["line_items[0][price]"] == "price_pro_test"
    assert sent["line_items[0][quantity]"] == "1"
    assert sent["client_reference_id"] == str(user.pk)
    assert sent["customer_email"] == user.email
    assert sent["subscription_data[metadata][user_id]"] == str(user.pk)
    assert sent["success_url"] == "http://testserver/billing/?checkout=done"


def test_a_known_customer_goes_to_checkout_as_that_customer(
    logged_in_client, user, stripe_on, stripe_api
):
    Subscription.objects.create(
        user=user, plan="starter", status="canceled", stripe_customer_id="cus_9"
    )
    stripe_api.post(
        f"{STRIPE}/checkout/sessions",
        json={"id": "cs_2", "object": "checkout.session", "url": "https://checkout.stripe.com/x"},
    )
    logged_in_client.post("/billing/upgrade/pro")
    assert form(stripe_api.calls[0])["customer"] == "cus_9"


def test_a_running_subscription_changes_plan_in_the_portal(
    logged_in_client, user, stripe_on, stripe_api
):
    Subscription.objects.create(
        user=user, plan="starter", stripe_customer_id="cus_9", stripe_subscription_id="sub_9"
    )
    stripe_api.post(
        f"{STRIPE}/billing_portal/sessions",
        json={
            "id": "bps_1",
            "object": "billing_portal.session",
            "customer": "cus_9",
            "url": "https://billing.stripe.com/p/session/test_1",
        },
    )
    response = logged_in_client.post("/billing/upgrade/pro")
    assert response["Location"] == "https://billing.stripe.com/p/session/test_1"
    assert form(stripe_api.calls[0]) == {
        "customer": "cus_9",
        "return_url": "http://testserver/billing/",
    }


def test_portal_without_a_stripe_customer_says_so(logged_in_client, user, stripe_on, stripe_api):
    response = logged_in_client.post("/billing/portal", follow=True)
    assert "you have no Stripe subscription to manage yet" in response.content.decode()
    assert len(stripe_api.calls) == 0


def test_a_stripe_error_is_a_message_not_a_500(logged_in_client, stripe_on, stripe_api):
    stripe_api.post(
        f"{STRIPE}/checkout/sessions",
        status=400,
        json={
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": "No such price: 'price_pro_test'",
                "param": "line_items[0][price]",
            }
        },
    )
    response = logged_in_client.post("/billing/upgrade/pro", follow=True)
    assert response.status_code == 200
    assert "Could not start the upgrade" in response.content.decode()


def test_without_stripe_keys_nothing_pretends_to_charge(logged_in_client, stripe_api):
    response = logged_in_client.post("/billing/upgrade/pro", follow=True)
    html = response.content.decode()
    assert "billing is not configured on this server" in html
    assert len(stripe_api.calls) == 0


def test_a_plan_without_a_price_is_not_sold(logged_in_client, stripe_on, stripe_api):
    response = logged_in_client.post("/billing/upgrade/unlimited", follow=True)
    assert "the Unlimited plan is not sold on this server" in response.content.decode()


def test_upgrade_needs_login_and_post(client, logged_in_client):
    assert client.post("/billing/upgrade/pro").status_code == 302
    assert logged_in_client.get("/billing/upgrade/pro").status_code == 405


# --- webhooks ----------------------------------------------------------------------------------


def checkout_completed(user, **fields):
    session = {
        "id": "cs_test_a1",
        "object": "checkout.session",
        "mode": "subscription",
        "status": "complete",
        "payment_status": "paid",
        "client_reference_id": str(user.pk),
        "customer": "cus_test_1",
        "subscription": "sub_test_1",
        "metadata": {"user_id": str(user.pk), "plan": "pro"},
        **fields,
    }
    return stripe_event("checkout.session.completed", session)


def test_checkout_completed_puts_the_person_on_the_plan(post_event, user, stripe_on):
    assert post_event(checkout_completed(user)).status_code == 200
    subscription = Subscription.objects.get(user=user)
    assert (subscription.plan, subscription.status) == ("pro", "active")
    assert subscription.stripe_customer_id == "cus_test_1"
    assert subscription.stripe_subscription_id == "sub_test_1"
    assert selectors.plan_for(user).name == "pro"


def test_a_wrong_signature_is_400_and_changes_nothing(post_event, user, stripe_on):
    response = post_event(checkout_completed(user), secret="whsec_someone_else")
    assert response.status_code == 400
    assert not Subscription.objects.exists()
    assert not StripeEvent.objects.exists()


def test_an_old_signature_is_400(post_event, user, stripe_on):
    response = post_event(checkout_completed(user), timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert not Subscription.objects.exists()


def test_a_missing_signature_or_a_broken_body_is_400(client, stripe_on, db):
    assert (
        client.post("/billing/stripe/webhook", "{}", content_type="application/json").status_code
        == 400
    )
    response = client.post(
        "/billing/stripe/webhook", "not json", content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=1,v1=00",
    )  # fmt: skip
    assert response.status_code == 400


def test_without_a_webhook_secret_every_event_is_refused(post_event, user, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert post_event(checkout_completed(user)).status_code == 400
    assert not Subscription.objects.exists()


def test_each_event_is_applied_once(post_event, user, stripe_on):
    event = checkout_completed(user)
    post_event(event)
    services.set_plan(account=user, plan_name="free")  # an operator changes it meanwhile
    assert post_event(event).status_code == 200  # Stripe redelivers: acknowledged...
    assert Subscription.objects.get(user=user).plan == "free"  # ...not applied again
    assert StripeEvent.objects.filter(id=event["id"]).count() == 1


def test_subscription_updates_set_plan_status_and_period(post_event, user, stripe_on):
    subscription = stripe_subscription(user=user, plan="starter", start=MAY_1, end=JUNE_1)
    post_event(stripe_event("customer.subscription.created", subscription))
    row = Subscription.objects.get(user=user)
    assert row.plan == "starter"
    assert row.current_period_start == datetime(2026, 5, 1, tzinfo=UTC)
    assert row.current_period_end == datetime(2026, 6, 1, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 5, 20, tzinfo=UTC), tick=False):
        period = selectors.billing_period(user)
    assert (period.start, period.end) == (row.current_period_start, row.current_period_end)


def test_out_of_order_delivery_keeps_the_newer_state(post_event, user, stripe_on):
    now = int(time.time())
    newer = stripe_subscription(user=user, plan="pro", start=JUNE_1, end=JULY_1)
    older = stripe_subscription(user=user, plan="starter", start=MAY_1, end=JUNE_1)
    post_event(stripe_event("customer.subscription.updated", newer, created=now))
    post_event(stripe_event("customer.subscription.created", older, created=now - 60))
    row = Subscription.objects.get(user=user)
    assert row.plan == "pro"
    assert row.current_period_end == datetime(2026, 7, 1, tzinfo=UTC)
    # a late checkout.session.completed does not undo it either
    late = checkout_completed(user, metadata={"plan": "starter"})
    late["created"] = now - 120
    post_event(late)
    assert Subscription.objects.get(user=user).plan == "pro"


def test_a_cancelled_subscription_keeps_its_plan_until_the_period_ends(
    post_event, user, stripe_on, logged_in_client
):
    subscription = stripe_subscription(user=user, plan="pro", start=MAY_1, end=JUNE_1)
    post_event(stripe_event("customer.subscription.created", subscription, created=MAY_1))
    cancelling = {**subscription, "cancel_at_period_end": True}
    post_event(stripe_event("customer.subscription.updated", cancelling, created=MAY_1 + 60))
    with time_machine.travel(datetime(2026, 5, 15, tzinfo=UTC), tick=False):
        html = logged_in_client.get("/billing/").content.decode()
        assert "you keep the Pro plan until Jun 1, 2026" in html
    ended = {**subscription, "status": "canceled"}
    post_event(stripe_event("customer.subscription.deleted", ended, created=JUNE_1))
    assert Subscription.objects.get(user=user).status == "canceled"
    with time_machine.travel(datetime(2026, 5, 31, 23, 0, tzinfo=UTC), tick=False):
        assert selectors.plan_for(user).name == "pro"
    with time_machine.travel(datetime(2026, 6, 1, 0, 0, 1, tzinfo=UTC), tick=False):
        assert selectors.plan_for(user).name == "starter"


def test_a_failed_payment_is_shown_and_a_paid_invoice_clears_it(
    post_event, user, stripe_on, logged_in_client
):
    post_event(checkout_completed(user))
    invoice = {
        "id": "in_test_1",
        "object": "invoice",
        "customer": "cus_test_1",
        "amount_due": 4900,
        "currency": "usd",
        "status": "open",
        "next_payment_attempt": JUNE_1,
    }
    post_event(stripe_event("invoice.payment_failed", invoice))
    html = logged_in_client.get("/billing/").content.decode()
    assert "Payment failed." in html
    assert "Your payment of 49.00 USD failed. Stripe will try again on 2026-06-01" in html
    assert selectors.plan_for(user).name == "pro"  # past due keeps the plan while Stripe retries
    post_event(stripe_event("invoice.paid", {**invoice, "status": "paid"}))
    assert "Payment failed." not in logged_in_client.get("/billing/").content.decode()


def test_an_event_for_an_unknown_customer_is_acknowledged(post_event, stripe_on, db):
    invoice = {"id": "in_2", "object": "invoice", "customer": "cus_nobody", "amount_due": 100}
    assert post_event(stripe_event("invoice.payment_failed", invoice)).status_code == 200
    assert not Subscription.objects.exists()


def test_an_unhandled_event_type_is_acknowledged(post_event, stripe_on, db):
    event = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert post_event(event).status_code == 200


def test_an_unpaid_checkout_or_incomplete_subscription_gives_no_plan(post_event, user, stripe_on):
    post_event(checkout_completed(user, payment_status="unpaid"))
    assert Subscription.objects.get(user=user).status == "incomplete"
    assert selectors.plan_for(user).name == "starter"
    now = int(time.time())
    incomplete = stripe_subscription(
        user=user, plan="pro", status="incomplete", start=now - 60, end=now + 30 * 86400
    )
    post_event(stripe_event("customer.subscription.updated", incomplete))
    assert selectors.plan_for(user).name == "starter"  # within its period, but never paid


def test_from_upgrade_to_usage_end_to_end(logged_in_client, api, user, stripe_on, post_event):
    with responses.RequestsMock() as stripe_api:
        stripe_api.post(
            f"{STRIPE}/checkout/sessions",
            json={
                "id": "cs_e2e",
                "object": "checkout.session",
                "url": "https://checkout.stripe.com/e2e",
            },
        )
        assert logged_in_client.post("/billing/upgrade/pro")["Location"].endswith("/e2e")
    now = int(time.time())
    post_event(checkout_completed(user), timestamp=now)
    subscription = stripe_subscription(user=user, plan="pro", start=now - 10, end=now + 86400 * 30)
    post_event(stripe_event("customer.subscription.created", subscription, created=now + 1))
    data = api.get("/v1/usage").json()["data"]
    assert data["plan"] == "pro"
    assert data["limits"]["launches_per_month"]["limit"] == 200
    assert data["billing_period"]["end"] == datetime.fromtimestamp(
        now + 86400 * 30, tz=UTC
    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert api.get("/v1/usage")["X-RateLimit-Limit"] == "300"
