"""Webhook secrets and signatures.

Two signatures on every request, over the exact raw body:
- ``X-Webhook-Signature: sha256=<hex>``: HMAC-SHA256 of the body, keyed with the whole secret
  string (``whsec_...`` as UTF-8), the GitHub style the spec's guide describes;
- Standard Webhooks ``webhook-signature: v1,<base64>``: HMAC-SHA256 of
  ``"{webhook-id}.{webhook-timestamp}.{body}"``, keyed with the base64-decoded part of the
  secret after ``whsec_``, so receivers can use the standard libraries and reject replays.
"""

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks: 24 to 64 random bytes


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def hex_signature(secret: str, body: bytes) -> str:
    """The ``X-Webhook-Signature`` value."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def standard_signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks ``webhook-signature`` value."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    *, secret: str, msg_id: str, timestamp: int, body: bytes, event_type: str, delivery_id: str
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "dropspace-webhooks/1.0",
        "X-Webhook-Event": event_type,
        "X-Webhook-Delivery": delivery_id,
        "X-Webhook-Signature": hex_signature(secret, body),
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, msg_id, timestamp, body),
    }
