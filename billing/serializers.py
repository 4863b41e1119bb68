"""Shapes of GET /v1/usage (read-only: the selector builds the dict, these describe it)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.plans import AUTO_POST_PLATFORMS


@extend_schema_field(
    {
        "oneOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "enum": ["unlimited"]},
        ],
        "description": 'a number, or "unlimited" on plans without this limit',
    }
)
class CountOrUnlimitedField(serializers.Field):
    def to_representation(self, value):
        return value


class CountedLimitSerializer(serializers.Serializer):
    limit = CountOrUnlimitedField()
    used = serializers.IntegerField(min_value=0)
    remaining = CountOrUnlimitedField()


class PerResourceLimitSerializer(serializers.Serializer):
    limit = CountOrUnlimitedField(help_text="per launch / per persona: no used or remaining")


class UsageLimitsSerializer(serializers.Serializer):
    launches_per_month = CountedLimitSerializer(help_text="launches created this billing period")
    ai_images_per_month = CountedLimitSerializer(help_text="AI images this billing period")
    ai_videos_per_month = CountedLimitSerializer(help_text="AI videos this billing period")
    personas = CountedLimitSerializer(help_text="a lifetime limit (not per billing period)")
    analyses_per_persona = PerResourceLimitSerializer()
    regenerations_per_launch = PerResourceLimitSerializer()


class BillingPeriodSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(help_text="when the monthly limits reset")


class UsageFeaturesSerializer(serializers.Serializer):
    can_connect_own_accounts = serializers.BooleanField()
    can_post_to_official_accounts = serializers.BooleanField()
    allowed_platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=list(AUTO_POST_PLATFORMS))
    )


class UsageSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text='the plan in force, e.g. "starter"')
    billing_period = BillingPeriodSerializer()
    limits = UsageLimitsSerializer()
    features = UsageFeaturesSerializer()
