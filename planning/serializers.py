"""API shapes of planning: the import request and report, the analytics summary."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dropspace.api.serializers import StrictSerializer
from launches.models import Platform
from planning import analytics
from planning.importing.parse import COLUMNS


@extend_schema_field(
    {
        "type": "object",
        "description": "one launch: the file's columns as keys (any JSON value; each row's "
        "values are checked and reported per row)",
        "properties": {column: {} for column in COLUMNS},
        "additionalProperties": False,
        "anyOf": [{"required": ["title"]}, {"required": ["name"]}],
    }
)
class ImportRowField(serializers.DictField):
    """A row as an object: only the columns a file may have (an unknown one refuses the file)."""


class ImportRequestSerializer(StrictSerializer):
    """A file's text (CSV or JSON) or the launches as JSON objects; the columns are the same."""

    exactly_one_of = ("content", "launches")

    format = serializers.ChoiceField(
        choices=["csv", "json"], required=False, help_text="default: csv for content"
    )
    content = serializers.CharField(
        required=False, trim_whitespace=False, help_text="the file's text (UTF-8)"
    )
    launches = serializers.ListField(
        child=ImportRowField(),
        required=False,
        allow_empty=False,
        max_length=settings.IMPORT_MAX_ROWS,
        help_text="the rows as objects (instead of content)",
    )
    filename = serializers.CharField(required=False, max_length=255, default="")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="check every row, create nothing"
    )


class ImportUploadSerializer(StrictSerializer):
    """The same import as a multipart upload: ``curl -F file=@launches.csv``."""

    file = serializers.FileField(help_text="a CSV or JSON file (UTF-8)")
    dry_run = serializers.BooleanField(required=False, default=False)


class ProblemSerializer(serializers.Serializer):
    column = serializers.CharField(help_text="the column (field) of the row; empty for the row")
    message = serializers.CharField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1 = the file's first launch")
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=["created", "skipped", "already_imported", "ready", "invalid"],
        help_text="ready / invalid answer a dry run",
    )
    launch_id = serializers.UUIDField(allow_null=True)
    problems = ProblemSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())


class ImportReportSerializer(serializers.Serializer):
    import_id = serializers.UUIDField(allow_null=True, help_text="null for a dry run")
    dry_run = serializers.BooleanField()
    status = serializers.ChoiceField(
        choices=["preview", "queued", "running", "done", "failed"],
        help_text="done: every row is in rows; queued / running: in the background",
    )
    processed = serializers.IntegerField(help_text="rows handled so far")
    total = serializers.IntegerField()
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    already_imported = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)


class SummaryQuerySerializer(StrictSerializer):
    period = serializers.ChoiceField(
        choices=list(analytics.PERIODS), required=False, default=analytics.DEFAULT_PERIOD
    )
    platform = serializers.ChoiceField(choices=Platform.choices, required=False, default="")
    persona_id = serializers.UUIDField(required=False, default=None)


class NumbersSerializer(serializers.Serializer):
    posts = serializers.IntegerField()
    impressions = serializers.IntegerField()
    engagement = serializers.IntegerField()


class PlatformNumbersSerializer(NumbersSerializer):
    platform = serializers.ChoiceField(choices=Platform.choices)


class TrendPointSerializer(NumbersSerializer):
    start = serializers.DateField(help_text="the first day of the bucket, your timezone")


class BestPostSerializer(serializers.Serializer):
    launch_id = serializers.UUIDField()
    launch_name = serializers.CharField()
    platform = serializers.ChoiceField(choices=Platform.choices)
    post_url = serializers.URLField(allow_null=True)
    posted_at = serializers.DateTimeField()
    impressions = serializers.IntegerField()
    engagement = serializers.IntegerField()


class FailureSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=Platform.choices)
    reason = serializers.CharField(help_text="the error code recorded for the post")
    count = serializers.IntegerField()
    example = serializers.CharField(help_text="one of the platforms' messages")
    last_at = serializers.DateTimeField()


class SummarySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=list(analytics.PERIODS))
    since = serializers.DateTimeField(allow_null=True)
    bucket = serializers.ChoiceField(choices=["day", "week", "month"])
    totals = NumbersSerializer()
    platforms = PlatformNumbersSerializer(many=True)
    trend = TrendPointSerializer(many=True)
    best_posts = BestPostSerializer(many=True)
    failures = FailureSerializer(many=True)
    failed_posts = serializers.IntegerField(help_text="posts that failed in the period")
