from rest_framework import serializers

from developer.models import ApiKey, Scope
from dropspace.api.serializers import StrictSerializer


class ApiKeySerializer(serializers.ModelSerializer):
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))

    class Meta:
        model = ApiKey
        fields = ["id", "name", "key_prefix", "scopes", "last_used_at", "revoked_at", "created_at"]


class CurrentApiKeySerializer(ApiKeySerializer):
    class Meta(ApiKeySerializer.Meta):
        fields = ["id", "name", "key_prefix", "scopes", "created_at"]


class RenamedApiKeySerializer(ApiKeySerializer):
    class Meta(ApiKeySerializer.Meta):
        fields = ["id", "name", "key_prefix", "last_used_at", "revoked_at", "created_at"]


class CreatedApiKeySerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the full key: shown only once, store it securely")
    api_key = CurrentApiKeySerializer()


class ApiKeyCreateSerializer(StrictSerializer):
    name = serializers.CharField(min_length=1, max_length=100)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=Scope.choices),
        required=False,
        allow_empty=False,
        error_messages={"empty": "choose at least one scope"},
        help_text="default: read, write, publish, generate",
    )


class ApiKeyRenameSerializer(StrictSerializer):
    name = serializers.CharField(min_length=1, max_length=100)
