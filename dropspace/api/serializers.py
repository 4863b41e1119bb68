"""Base serializers shared by every API endpoint."""

from rest_framework import serializers

# Patterns of the strings DRF accepts: never a NUL character, and where a string is trimmed,
# not blank once trimmed (DRF and our services strip what str.isspace() calls space, the same
# set as \s in Python's re).
NO_NUL = r"^[^\x00]*$"
NO_NUL_NOT_BLANK = r"^[^\x00]*[^\s\x00][^\x00]*$"


class StrictSerializer(serializers.Serializer):
    """Input serializer that means exactly what its OpenAPI schema says.

    - A field it does not know is a 400 SERVER_002 (the schema says additionalProperties: false).
    - ``null`` for an optional field that has no meaning for null is "not given", as if the key
      were absent: JSON clients send nulls. (Fields where null means something, such as
      ``scheduled_date: null`` to unschedule, keep that meaning.)
    - A string field takes only strings: DRF would store ``0`` or ``1.5`` as "0" / "1.5".

    ``requires_a_field``: the body must set at least one field (null "not given" ones do not
    count); the view refuses an empty one, and the schema says so.

    ``exactly_one_of``: fields of which the body must set exactly one (null "not given" ones do
    not count); refused here and stated in the schema as a oneOf, so the two cannot drift.

    ``mutually_exclusive``: pairs of fields a body may not both set, stated in the schema (the
    service refuses them, with every other problem of the request in the same answer).
    """

    requires_a_field = False
    exactly_one_of: tuple[str, ...] = ()
    mutually_exclusive: tuple[tuple[str, str], ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if not field.required and not field.allow_null and not field.read_only:
                field.allow_null = True  # documented as nullable; dropped before validation
                field.null_means_absent = True
        return fields

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(dict.fromkeys(unknown, "unrecognized field"))
            data = {
                name: value
                for name, value in data.items()
                if not (value is None and getattr(self.fields[name], "null_means_absent", False))
            }
            not_strings = {
                name: error
                for name, value in data.items()
                if (error := _not_a_string(self.fields[name], value))
            }
            if not_strings:
                raise serializers.ValidationError(not_strings)
        attrs = super().to_internal_value(data)
        if self.exactly_one_of and sum(name in attrs for name in self.exactly_one_of) != 1:
            message = f"send {' or '.join(self.exactly_one_of)} (one)"
            raise serializers.ValidationError({self.exactly_one_of[0]: message})
        return attrs


def _not_a_string(field, value) -> str | None:
    """Why ``value`` is refused by a string field (or a list or dict of strings), if it is."""
    if isinstance(field, serializers.CharField):
        return None if value is None or isinstance(value, str) else "Not a valid string."
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        items = value
    elif isinstance(field, serializers.DictField) and isinstance(value, dict):
        items = value.values()
    else:
        return None
    return next((error for item in items if (error := _not_a_string(field.child, item))), None)


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="catalog code, e.g. LAUNCH_007")
    message = serializers.CharField()
    details = serializers.ListField(child=serializers.JSONField(), required=False)


class ErrorEnvelopeSerializer(serializers.Serializer):
    error = ErrorSerializer()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()
