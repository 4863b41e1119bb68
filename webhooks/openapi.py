"""The event catalog as an OpenAPI 3.1 ``webhooks`` entry: one envelope schema per event type.

Listed in ``SPECTACULAR_SETTINGS["WEBHOOKS"]``; written as a raw operation because it
describes a request *we* send, not one of our views.
"""

from drf_spectacular.utils import OpenApiWebhook

from webhooks import catalog

_JSON_TYPES = {
    "uuid": {"type": "string", "format": "uuid"},
    "string": {"type": "string"},
    "string[]": {"type": "array", "items": {"type": "string"}},
    "ISO 8601": {"type": "string", "format": "date-time"},
    "object[]": {"type": "array", "items": {"type": "object"}},
    "string?": {"type": ["string", "null"]},
    "ISO 8601?": {"type": ["string", "null"], "format": "date-time"},
}

_HEADERS = {
    "X-Webhook-Signature": "sha256=<hex HMAC-SHA256 of the raw body, keyed with the secret>",
    "webhook-id": "the event id (evt_...), the same on every retry: dedupe on it",
    "webhook-timestamp": "Unix seconds of this attempt",
    "webhook-signature": "v1,<base64>: Standard Webhooks signature of id.timestamp.body",
    "X-Webhook-Event": "the event type",
    "X-Webhook-Delivery": "the delivery id, stable across retries",
}


def _envelope(event: catalog.EventType) -> dict:
    data = {
        "type": "object",
        "properties": {
            field.name: {**_JSON_TYPES[field.type], "description": field.description}
            for field in event.fields
        },
        "example": event.example,
    }
    return {
        "type": "object",
        "title": event.name,
        "description": event.description,
        "required": ["id", "type", "created_at", "data"],
        "properties": {
            "id": {"type": "string", "example": "evt_3f0c9a7e2b1d4c5f8a6e0b9d7c2a1f3e"},
            "type": {"const": event.name},
            "created_at": {"type": "string", "format": "date-time"},
            "data": data,
        },
    }


EVENT_WEBHOOK = OpenApiWebhook(
    name="event",
    decorator={
        "post": {
            "summary": "An event sent to your webhook endpoints",
            "description": "Signed two ways (see the headers); retried on failure for about 27 "
            "hours. Answer 2xx within 15 seconds. Guide: /webhooks/docs",
            "parameters": [
                {
                    "name": name,
                    "in": "header",
                    "required": True,
                    "description": text,
                    "schema": {"type": "string"},
                }
                for name, text in _HEADERS.items()
            ],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {"oneOf": [_envelope(e) for e in catalog.EVENT_TYPES.values()]}
                    }
                },
            },
            "responses": {"2XX": {"description": "received (any other answer is retried)"}},
        }
    },
)
