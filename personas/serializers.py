"""API shapes for personas: the spec's list item, the detail with samples, and the inputs."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing import selectors as billing_selectors
from dropspace.api.serializers import StrictSerializer
from personas.models import ANALYSIS_PLATFORMS, SAMPLE_SOURCES, Persona


class BlankAsNullCharField(serializers.CharField):
    """Text stored as "" but documented (and returned) as null when empty."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


class PersonaSerializer(serializers.ModelSerializer):
    persona_analysis = BlankAsNullCharField(help_text="the readable voice profile, once analysed")
    build_error = BlankAsNullCharField()

    class Meta:
        model = Persona
        fields = [
            "id",
            "name",
            "persona_analysis",
            "build_status",
            "build_progress",
            "build_started_at",
            "build_error",
            "last_analyzed_at",
            "created_at",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.OBJECT)
class StructuredAnalysisField(serializers.JSONField):
    pass


class PersonaDetailSerializer(PersonaSerializer):
    persona_analysis_structured = StructuredAnalysisField(
        allow_null=True,
        help_text="tone, voice, audience, vocabulary, sentence length, emoji/hashtag/formatting "
        "habits, do/dont lists, platform_notes, and measured stylometrics per platform",
    )
    terminology = serializers.ListField(child=serializers.CharField())
    custom_samples = serializers.ListField(child=serializers.CharField())
    twitter_samples = serializers.ListField(child=serializers.CharField())
    reddit_samples = serializers.ListField(child=serializers.CharField())
    facebook_samples = serializers.ListField(child=serializers.CharField())
    instagram_samples = serializers.ListField(child=serializers.CharField())
    tiktok_samples = serializers.ListField(child=serializers.CharField())
    linkedin_samples = serializers.ListField(child=serializers.CharField())
    analyses_remaining = serializers.SerializerMethodField(
        help_text="analyses this persona may still run on your plan"
    )

    class Meta(PersonaSerializer.Meta):
        fields = [
            *PersonaSerializer.Meta.fields[:3],
            "persona_analysis_structured",
            *PersonaSerializer.Meta.fields[3:],
            "description",
            "tone",
            "target_audience",
            "industry",
            "terminology",
            *(f"{source}_samples" for source in SAMPLE_SOURCES),
            "analysis_count",
            "analyses_remaining",
        ]

    def get_analyses_remaining(self, persona: Persona) -> int | None:
        return billing_selectors.remaining(
            persona.owner, "analyses_per_persona", persona.analysis_count
        )


def _samples_field(source: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, allow_blank=True),
        required=False,
        help_text=f"{source} writing samples: the whole list (max 50, each 1-10,000 characters)",
    )


def _text_field(max_length: int, help_text: str) -> serializers.CharField:
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, help_text=help_text
    )


class PersonaUpdateSerializer(StrictSerializer):
    name = serializers.CharField(min_length=1, max_length=100, required=False)
    description = _text_field(5_000, "the voice, tone and style the AI should emulate")
    tone = _text_field(200, "e.g. professional, casual, witty")
    target_audience = _text_field(500, "who the persona writes for")
    industry = _text_field(200, "the brand's industry")
    terminology = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        max_length=50,
        help_text="terms and phrases the brand uses",
    )
    custom_samples = _samples_field("custom")
    twitter_samples = _samples_field("Twitter")
    reddit_samples = _samples_field("Reddit")
    facebook_samples = _samples_field("Facebook")
    instagram_samples = _samples_field("Instagram")
    tiktok_samples = _samples_field("TikTok")
    linkedin_samples = _samples_field("LinkedIn")


class PersonaCreateSerializer(PersonaUpdateSerializer):
    name = serializers.CharField(min_length=1, max_length=100)


class AnalyzeSerializer(StrictSerializer):
    platforms = serializers.ListField(
        child=serializers.ChoiceField(choices=ANALYSIS_PLATFORMS),
        required=False,
        allow_empty=False,
        help_text="which platforms to analyze (default: every platform with samples)",
    )
    include_custom_samples = serializers.BooleanField(
        default=False, help_text="include custom samples in analysis"
    )


class AnalysisStartedSerializer(serializers.Serializer):
    started = serializers.BooleanField()
    persona_id = serializers.UUIDField()


class ImportSerializer(StrictSerializer):
    connection_id = serializers.UUIDField(
        help_text="a connected account of yours (GET /v1/connections); its platform's samples "
        "receive the posts"
    )


class ImportResultSerializer(serializers.Serializer):
    source = serializers.ChoiceField(
        choices=ANALYSIS_PLATFORMS, help_text="the sample list that received the posts"
    )
    fetched = serializers.IntegerField(help_text="recent posts the platform returned")
    imported = serializers.IntegerField(help_text="posts added as writing samples")
    skipped_duplicates = serializers.IntegerField(
        help_text="posts already among the samples (or empty)"
    )
    skipped_over_limit = serializers.IntegerField(
        help_text="new posts left out because the list reached 50 samples"
    )
