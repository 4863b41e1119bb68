from django.core.validators import URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dropspace.api.serializers import StrictSerializer
from webhooks import catalog
from webhooks.models import WebhookDelivery, WebhookEndpoint

EVENTS_HELP = "event types to subscribe to: " + ", ".join(catalog.EVENT_NAMES)


class EventsField(serializers.ListField):
    child = serializers.ChoiceField(choices=catalog.EVENT_NAMES)

    def __init__(self, **kwargs):
        super().__init__(min_length=1, max_length=len(catalog.EVENT_NAMES), **kwargs)


# What the URL check accepts, as a pattern: Django's URLValidator host rules, https only, no
# credentials. (An IP literal or a name resolving to a private address is refused as well.)
WEBHOOK_URL_PATTERN = (
    r"(?i)^https://"
    f"(?:{URLValidator.hostname_re}{URLValidator.domain_re}{URLValidator.tld_re})"
    r"(?::[0-9]{1,5})?(?:[/?#][^\s]*)?\Z"
)


@extend_schema_field(
    {"type": "string", "format": "uri", "maxLength": 2048, "pattern": WEBHOOK_URL_PATTERN}
)
class WebhookUrlField(serializers.URLField):
    def __init__(self, **kwargs):
        super().__init__(max_length=2048, **kwargs)


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=catalog.EVENT_NAMES))
    disabled_reason = serializers.SerializerMethodField(
        help_text="why the endpoint is inactive: manual | gone (it answered 410) | failing "
        "(every delivery failed for 5 days); null when active"
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "disabled_reason", "created_at", "updated_at"]

    def get_disabled_reason(self, endpoint) -> str | None:
        return endpoint.disabled_reason or None


class CreatedWebhookSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="the signing secret (whsec_...): shown only once, store it securely"
    )

    class Meta(WebhookSerializer.Meta):
        fields = ["id", "url", "events", "secret", "active", "created_at", "updated_at"]


class RotatedSecretSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(help_text="the new signing secret: shown only once")

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "secret"]


class WebhookCreateSerializer(StrictSerializer):
    url = WebhookUrlField(help_text="HTTPS URL receiving POST requests")
    events = EventsField(help_text=EVENTS_HELP)


class WebhookUpdateSerializer(StrictSerializer):
    url = WebhookUrlField(required=False)
    events = EventsField(required=False, help_text=EVENTS_HELP)
    active = serializers.BooleanField(required=False, help_text="enable/disable the endpoint")


class DeliverySerializer(serializers.ModelSerializer):
    event_id = serializers.CharField(help_text="the event id (evt_...): dedupe on it")
    event_type = serializers.CharField(source="event.type")
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(
        allow_null=True, help_text="HTTP status of the last attempt (null: no response)"
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_id",
            "event_type",
            "status",
            "attempts",
            "response_status",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
