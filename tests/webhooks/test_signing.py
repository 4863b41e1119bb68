import base64
import hashlib
import hmac

import pytest
import time_machine
from standardwebhooks import Webhook, WebhookVerificationError

from webhooks import signing

VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_standard_signature_matches_the_reference_vector():
    signature = signing.standard_signature(
        VECTOR_SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}'
    )
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_hex_signature_matches_githubs_vector():
    signature = signing.hex_signature("It's a Secret to Everybody", b"Hello, World!")
    assert signature == ("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")


def test_new_secret_is_whsec_and_base64_of_32_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert secret != signing.new_secret()


def _headers(secret, body, timestamp):
    return signing.signed_headers(
        secret=secret,
        msg_id="evt_abc",
        timestamp=timestamp,
        body=body,
        event_type="launch.completed",
        delivery_id="d-1",
    )


@time_machine.travel("2026-11-28 12:00:00Z", tick=False)
def test_headers_verify_with_the_standardwebhooks_library():
    secret = signing.new_secret()
    body = b'{"id":"evt_abc","type":"launch.completed"}'
    headers = _headers(secret, body, 1795867200)

    assert Webhook(secret).verify(body, headers) == {"id": "evt_abc", "type": "launch.completed"}
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body + b" ", headers)


@time_machine.travel("2026-11-28 12:00:00Z", tick=False)
def test_standardwebhooks_rejects_a_replayed_old_timestamp():
    secret = signing.new_secret()
    body = b"{}"
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, _headers(secret, body, 1795867200 - 6 * 60))


def test_x_webhook_signature_verifies_with_a_plain_hmac_of_the_raw_body():
    secret = signing.new_secret()
    body = b'{"id":"evt_abc"}'
    header = _headers(secret, body, 1)["X-Webhook-Signature"]

    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(header, expected)
