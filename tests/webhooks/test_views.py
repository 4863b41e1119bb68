"""Settings -> Webhooks pages."""

import pytest
from django.urls import reverse

from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint

URL = "https://hooks.example.com/dropspace"


@pytest.fixture
def endpoint(user, make_endpoint):
    return make_endpoint(user, url=URL)


def test_pages_need_a_login(client, endpoint):
    for url in [reverse("webhooks:list"), reverse("webhooks:detail", args=[endpoint.pk])]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_list_shows_endpoints_and_the_form(logged_in_client, endpoint):
    response = logged_in_client.get(reverse("webhooks:list"))

    assert response.status_code == 200
    assert URL in response.text
    assert 'name="events"' in response.text
    assert reverse("webhooks:docs") in response.text


def test_list_tells_the_owner_about_an_auto_disabled_endpoint(logged_in_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_reason="gone")

    response = logged_in_client.get(reverse("webhooks:list"))
    assert "was disabled" in response.text
    assert "410 Gone" in response.text


def test_create_shows_the_secret_once(logged_in_client, user):
    response = logged_in_client.post(
        reverse("webhooks:create"), {"url": URL, "events": ["launch.completed", "post.failed"]}
    )

    endpoint = WebhookEndpoint.objects.get(owner=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("webhooks:detail", args=[endpoint.pk])
    assert endpoint.events == ["launch.completed", "post.failed"]
    first = logged_in_client.get(response["Location"])
    assert endpoint.secret in first.text
    assert "shown only once" in first.text
    assert endpoint.secret not in logged_in_client.get(response["Location"]).text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"url": "http://hooks.example.com/x", "events": ["launch.completed"]}, "https"),
        ({"url": "https://10.0.0.1/x", "events": ["launch.completed"]}, "non-public"),
        ({"url": URL, "events": ["launch.published"]}, "not one of the available choices"),
        ({"url": URL}, "required"),
    ],
)
def test_create_shows_errors_on_the_form(logged_in_client, data, message):
    response = logged_in_client.post(reverse("webhooks:create"), data)

    assert response.status_code == 200
    assert message in response.text
    assert not WebhookEndpoint.objects.exists()


def test_edit_toggle_and_rotate(logged_in_client, endpoint):
    detail = reverse("webhooks:detail", args=[endpoint.pk])
    logged_in_client.post(
        reverse("webhooks:edit", args=[endpoint.pk]),
        {"url": f"{URL}/v2", "events": ["media.ready"]},
    )
    logged_in_client.post(reverse("webhooks:toggle", args=[endpoint.pk]))
    old_secret = endpoint.secret
    response = logged_in_client.post(reverse("webhooks:rotate", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert response["Location"] == detail
    assert (endpoint.url, endpoint.events, endpoint.active) == (f"{URL}/v2", ["media.ready"], False)
    assert endpoint.secret != old_secret
    assert endpoint.secret in logged_in_client.get(detail).text


def test_send_test_returns_the_refreshed_log_to_htmx(logged_in_client, endpoint):
    response = logged_in_client.post(
        reverse("webhooks:test", args=[endpoint.pk]), HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section class="card" id="delivery-log"')
    assert "webhook.test" in response.text
    assert WebhookDelivery.objects.get().event.type == "webhook.test"


def test_detail_shows_the_delivery_log_with_attempts_and_payload(
    logged_in_client, user, endpoint, django_assert_max_num_queries
):
    for _ in range(5):
        services.record_event(owner=user, type="launch.completed", data={"launch_id": "l-9"})
    delivery = WebhookDelivery.objects.first()
    delivery.attempt_log.create(
        number=1, started_at=delivery.created_at, duration_ms=87, response_status=503
    )

    with django_assert_max_num_queries(12):
        response = logged_in_client.get(reverse("webhooks:detail", args=[endpoint.pk]))
    assert response.status_code == 200
    assert "87 ms" in response.text
    assert "503" in response.text
    assert "l-9" in response.text
    assert response.text.count("Redeliver") == 5


def test_redeliver_from_the_log(logged_in_client, user, endpoint):
    event = services.record_event(owner=user, type="launch.completed", data={})
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    delivery = event.deliveries.get()

    response = logged_in_client.post(reverse("webhooks:redeliver", args=[endpoint.pk, delivery.pk]))
    delivery.refresh_from_db()
    assert response.status_code == 302
    assert delivery.status == WebhookDelivery.Status.PENDING


def test_delete(logged_in_client, endpoint):
    response = logged_in_client.post(reverse("webhooks:delete", args=[endpoint.pk]))

    assert response["Location"] == reverse("webhooks:list")
    assert not WebhookEndpoint.objects.exists()


def test_a_strangers_webhook_is_404(client, stranger, endpoint, user):
    client.force_login(stranger)
    delivery = services.record_event(owner=user, type="launch.completed", data={})
    delivery_id = delivery.deliveries.get().pk

    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == 404
    for name in ["edit", "toggle", "rotate", "test", "delete"]:
        assert client.post(reverse(f"webhooks:{name}", args=[endpoint.pk])).status_code == 404
    redeliver = reverse("webhooks:redeliver", args=[endpoint.pk, delivery_id])
    assert client.post(redeliver).status_code == 404
    assert WebhookEndpoint.objects.get().active


def test_the_guide_is_public_and_shows_how_to_verify(client):
    response = client.get(reverse("webhooks:docs"))

    assert response.status_code == 200
    for text in [
        "standardwebhooks",
        "hmac.compare_digest",
        "timingSafeEqual",
        "connection.needs_reauth",
    ]:
        assert text in response.text
    assert "5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h" in response.text


def test_the_log_refreshes_itself_while_deliveries_are_pending(logged_in_client, user, endpoint):
    services.record_event(owner=user, type="launch.completed", data={})
    detail = reverse("webhooks:detail", args=[endpoint.pk])

    page = logged_in_client.get(detail)
    assert 'hx-trigger="every 3s"' in page.text
    fragment = logged_in_client.get(detail, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="delivery-log")
    assert fragment.text.lstrip().startswith('<section class="card" id="delivery-log"')
    assert "Rotate secret" not in fragment.text

    WebhookDelivery.objects.update(status="delivered")
    assert 'hx-trigger="every 3s"' not in logged_in_client.get(detail).text


def test_the_form_is_replaced_by_a_notice_at_the_limit(logged_in_client, user, make_endpoint):
    for number in range(10):
        make_endpoint(user, url=f"{URL}/{number}")

    response = logged_in_client.get(reverse("webhooks:list"))
    assert "the maximum" in response.text
    assert 'action="/webhooks/new"' not in response.text


def test_the_list_says_how_to_allow_receivers_on_this_machine(logged_in_client):
    html = logged_in_client.get(reverse("webhooks:list")).text
    hint = html.split('data-testid="loopback-help">')[1].split("</p>")[0]

    assert "localhost</span> URLs are refused" in hint
    assert "WEBHOOKS_ALLOW_LOOPBACK=true make run" in hint


def test_the_list_says_when_receivers_on_this_machine_are_allowed(logged_in_client, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    html = logged_in_client.get(reverse("webhooks:list")).text
    hint = html.split('data-testid="loopback-help">')[1].split("</p>")[0]

    assert "Receivers on this machine are allowed" in hint


def test_a_localhost_url_on_the_form_explains_the_setting(logged_in_client):
    response = logged_in_client.post(
        reverse("webhooks:create"),
        {"url": "http://localhost:8080/hook", "events": ["launch.completed"]},
    )

    assert response.status_code == 200
    assert "WEBHOOKS_ALLOW_LOOPBACK=true" in response.text
    assert not WebhookEndpoint.objects.exists()


def notice_in(html: str) -> str:
    return html.split('data-testid="log-notice"')[1].split("</div></div>")[0]


def test_send_test_confirms_it_was_sent_beside_the_refreshed_log(logged_in_client, endpoint):
    response = logged_in_client.post(
        reverse("webhooks:test", args=[endpoint.pk]), HTTP_HX_REQUEST="true"
    )

    oob = response.text.split('<div id="log-notice"')[1]
    assert oob.startswith(' aria-live="polite" hx-swap-oob="innerHTML"')
    assert "alert-success" in oob
    assert "Test event sent" in notice_in(response.text)


def test_send_test_without_js_confirms_on_the_page(logged_in_client, endpoint):
    response = logged_in_client.post(reverse("webhooks:test", args=[endpoint.pk]), follow=True)

    assert "Test event sent" in response.text
    assert WebhookDelivery.objects.get().event.type == "webhook.test"


def test_send_test_to_a_disabled_endpoint_says_why_nothing_was_sent(logged_in_client, endpoint):
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(active=False)

    response = logged_in_client.post(
        reverse("webhooks:test", args=[endpoint.pk]), HTTP_HX_REQUEST="true"
    )

    assert "alert-error" in response.text.split('<div id="log-notice"')[1]
    assert "enable it first" in notice_in(response.text)
    assert not WebhookDelivery.objects.exists()
    # ...and the message is not left behind for the next full page.
    assert "enable it first" not in logged_in_client.get(reverse("webhooks:list")).text


def test_the_notice_area_is_on_the_page_before_any_action(logged_in_client, endpoint):
    html = logged_in_client.get(reverse("webhooks:detail", args=[endpoint.pk])).text
    assert '<div id="log-notice" aria-live="polite"></div>' in html
