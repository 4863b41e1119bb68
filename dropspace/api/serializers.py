"""Base serializers shared by every API endpoint."""

from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """Input serializer that rejects fields it does not know (400 SERVER_002)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(dict.fromkeys(unknown, "unrecognized field"))
        return super().to_internal_value(data)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="catalog code, e.g. LAUNCH_007")
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.JSONField(), required=False)


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorSerializer()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()
