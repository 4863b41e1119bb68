from rest_framework import serializers

from connections import selectors
from connections.models import Connection


class AccountInfoSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()


class ConnectionSerializer(serializers.ModelSerializer):
    """A connected account as the spec shows it. Tokens never leave the server."""

    account_info = serializers.SerializerMethodField()
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = Connection
        fields = [
            "id",
            "platform",
            "entity_id",
            "account_info",
            "account_type",
            "is_active",
            "expires_at",
            "created_at",
            "updated_at",
        ]

    def get_account_info(self, connection) -> AccountInfoSerializer:
        return {"username": connection.username, "display_name": connection.display_name}

    def get_is_active(self, connection) -> bool:
        # usable for posting: active, not waiting for a reconnect, not expired beyond refresh
        return (
            selectors.is_available(connection)
            and connection.health != Connection.Health.NEEDS_REAUTH
        )


class PlatformStatusSerializer(serializers.Serializer):
    platform = serializers.CharField()
    connected = serializers.BooleanField()
    account_name = serializers.CharField(required=False)


class DropspaceStatusSerializer(serializers.Serializer):
    platforms = PlatformStatusSerializer(many=True)
    connected_platforms = serializers.ListField(child=serializers.CharField())
    timestamp = serializers.DateTimeField()
