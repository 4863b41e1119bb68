"""Webhook URLs never reach private addresses: at creation, at send time, through redirects."""

import pytest
import responses

from dropspace.api.errors import ApiError
from webhooks import services
from webhooks.models import WebhookDelivery, WebhookEndpoint


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",  # plain http to a public host
        "ftp://hooks.example.com/x",
        "https://127.0.0.1/x",
        "https://10.0.0.5/x",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://user:pw@hooks.example.com/x",
        "https://hooks.example.com:8443/x",
    ],
)
def test_unsafe_urls_are_refused_at_creation(url):
    with pytest.raises(ApiError) as error:
        services.check_endpoint_url(url)
    assert error.value.code.name == "SERVER_002"
    assert error.value.message.startswith("url: ")


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "fd00::1"])
def test_a_name_resolving_to_a_private_address_is_refused(dns, address):
    dns["sneaky.example.com"] = [address]
    with pytest.raises(ApiError, match="non-public address"):
        services.check_endpoint_url("https://sneaky.example.com/hook")


def test_a_name_with_one_private_address_among_public_ones_is_refused(dns):
    dns["mixed.example.com"] = ["93.184.215.14", "127.0.0.1"]
    with pytest.raises(ApiError, match="non-public address"):
        services.check_endpoint_url("https://mixed.example.com/hook")


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(ApiError, match="does not resolve"):
        services.check_endpoint_url("https://no-such-host.invalid/hook")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9000/hook",
        "http://localhost:9000/hook",
        "https://localhost/hook",
        "http://[::1]:8000/hook",
    ],
)
def test_localhost_is_refused_by_default_and_the_error_says_how_to_allow_it(url):
    with pytest.raises(ApiError) as error:
        services.check_endpoint_url(url)
    assert "loopback" in error.value.message
    assert "WEBHOOKS_ALLOW_LOOPBACK=true" in error.value.message
    assert error.value.details[0]["field"] == "url"


def test_localhost_receivers_need_the_explicit_opt_in(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    services.check_endpoint_url("http://127.0.0.1:9000/hook")
    services.check_endpoint_url("http://localhost:9000/hook")
    services.check_endpoint_url("https://localhost/hook")


def test_the_opt_in_admits_this_machine_only(settings, dns):
    settings.WEBHOOKS_ALLOW_LOOPBACK = True
    dns["local.example.com"] = ["127.0.0.1"]  # a public name pointed at loopback
    with pytest.raises(ApiError, match="non-public"):
        services.check_endpoint_url("https://local.example.com/hook")
    with pytest.raises(ApiError, match="non-public"):
        services.check_endpoint_url("https://192.168.1.10/hook")
    with pytest.raises(ApiError, match="https"):
        services.check_endpoint_url("http://hooks.example.com/hook")


def test_an_api_client_cannot_register_a_localhost_endpoint_by_default(api):
    response = api.post(
        "/v1/webhooks",
        {"url": "http://127.0.0.1:6379/", "events": ["launch.completed"]},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"
    assert "WEBHOOKS_ALLOW_LOOPBACK" in response.json()["error"]["message"]
    assert not WebhookEndpoint.objects.exists()


def test_a_localhost_endpoint_saved_while_allowed_is_not_called_once_disallowed(
    settings, user, make_endpoint, receiver
):
    endpoint = make_endpoint(user, url=receiver.url)  # saved while the opt-in was on
    event = services.record_event(owner=user, type="launch.completed", data={})
    settings.WEBHOOKS_ALLOW_LOOPBACK = False

    services.attempt_delivery(delivery_id=event.deliveries.get().pk)

    assert receiver.requests == []
    attempt = WebhookDelivery.objects.get(endpoint=endpoint).attempt_log.get()
    assert attempt.error.startswith("refused: ")
    assert "loopback" in attempt.error
    assert attempt.response_status is None


def test_the_address_is_checked_again_at_send_time(user, make_endpoint, dns):
    endpoint = make_endpoint(user, url="https://rebind.example.com/hook")
    event = services.record_event(owner=user, type="launch.completed", data={})
    dns["rebind.example.com"] = ["127.0.0.1"]  # the DNS answer changed after creation

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        mocked.post(endpoint.url, status=200)
        services.attempt_delivery(delivery_id=event.deliveries.get().pk)
        assert len(mocked.calls) == 0

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.PENDING
    assert delivery.attempt_log.get().error.startswith("refused: ")


def test_a_redirect_to_a_private_address_is_not_followed(user, make_endpoint, receiver, dns):
    dns["metadata.example.com"] = ["169.254.169.254"]
    receiver.responses.append((302, {"Location": "http://metadata.example.com/latest"}))
    make_endpoint(user, url=receiver.url)
    event = services.record_event(owner=user, type="launch.completed", data={})

    services.attempt_delivery(delivery_id=event.deliveries.get().pk)

    delivery = WebhookDelivery.objects.get()
    assert len(receiver.requests) == 1
    assert "metadata.example.com" not in dns.lookups
    assert delivery.response_status == 302
    assert delivery.status == WebhookDelivery.Status.PENDING  # a 3xx is a retryable failure
    assert "not followed" in delivery.last_error
