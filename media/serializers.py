"""API shapes for AI media generation (the spec's POST /v1/media/generate, GET /v1/media/:jobId)."""

from rest_framework import serializers

from dropspace.api.serializers import StrictSerializer
from media import generation
from media.models import MediaJob
from media.storage import file_url


class GenerateOptionsSerializer(StrictSerializer):
    aspect_ratio = serializers.ChoiceField(
        choices=generation.ASPECT_RATIOS,
        required=False,
        help_text="image supports all 10; video and script_video only 16:9 and 9:16",
    )
    duration_seconds = serializers.ChoiceField(
        choices=generation.DURATIONS, required=False, help_text="video duration (default: 8)"
    )


class GenerateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=MediaJob.Type.choices, help_text="generation type")
    launch_id = serializers.UUIDField(help_text="associated launch")
    platform = serializers.CharField(
        required=False, default="", help_text='required for script_video: "instagram" or "tiktok"'
    )
    prompt = serializers.CharField(
        required=False,
        default="",
        min_length=generation.PROMPT_MIN,
        max_length=generation.PROMPT_MAX,
        help_text="generation prompt, 10-2000 characters (required for script_video)",
    )
    product_description = serializers.CharField(required=False, default="", max_length=5000)
    options = GenerateOptionsSerializer(required=False)
    reference_image_url = serializers.URLField(
        required=False,
        default="",
        max_length=2048,
        help_text="a reference image for style/composition (image type only, uses the edit model)",
    )


class GenerationUsageSerializer(serializers.Serializer):
    used = serializers.IntegerField()
    limit = serializers.IntegerField(allow_null=True)
    remaining = serializers.IntegerField(allow_null=True)


class GenerationStartedSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="processing")
    job_id = serializers.UUIDField()
    fal_request_id = serializers.CharField(
        allow_null=True, help_text="fal's request id once submitted (null for the local renderer)"
    )
    generation_type = serializers.ChoiceField(choices=MediaJob.Type.choices)
    usage = GenerationUsageSerializer()
    plan = serializers.CharField()


class MediaJobSerializer(serializers.ModelSerializer):
    prompt = serializers.CharField()
    result_url = serializers.SerializerMethodField()
    reference_image_url = serializers.SerializerMethodField()
    launch_id = serializers.UUIDField()
    error_message = serializers.SerializerMethodField()

    class Meta:
        model = MediaJob
        fields = [
            "id",
            "generation_type",
            "prompt",
            "result_url",
            "reference_image_url",
            "status",
            "progress",
            "model_id",
            "error_message",
            "launch_id",
            "created_at",
            "completed_at",
        ]

    def get_result_url(self, job) -> str | None:
        return file_url(job.asset) if job.asset_id else None

    def get_reference_image_url(self, job) -> str | None:
        return job.reference_image_url or None

    def get_error_message(self, job) -> str | None:
        return job.error_message or None
