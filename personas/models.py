import uuid

from django.conf import settings
from django.db import models

SAMPLE_SOURCES = ["custom", "twitter", "reddit", "facebook", "instagram", "tiktok", "linkedin"]
ANALYSIS_PLATFORMS = [source for source in SAMPLE_SOURCES if source != "custom"]
MAX_SAMPLES_PER_SOURCE = 50
MAX_SAMPLE_LENGTH = 10_000
MAX_TERMS = 50
MAX_TERM_LENGTH = 100
MAX_DESCRIPTION_LENGTH = 5_000
ATTRIBUTE_FIELDS = ["description", "tone", "target_audience", "industry", "terminology"]


ANALYSIS_WORDS = {
    "idle": "Not analysed yet",
    "building": "Analysing…",
    "complete": "Analysed",
    "error": "Analysis failed",
}


class Persona(models.Model):
    """A brand voice: attributes, writing samples per source, and their analysis."""

    class BuildStatus(models.TextChoices):
        IDLE = "idle"
        BUILDING = "building"
        COMPLETE = "complete"
        ERROR = "error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personas"
    )
    name = models.CharField(max_length=100)

    # Voice attributes from the persona how-to guide.
    description = models.TextField(blank=True)
    tone = models.CharField(max_length=200, blank=True)
    target_audience = models.CharField(max_length=500, blank=True)
    industry = models.CharField(max_length=200, blank=True)
    terminology = models.JSONField(default=list, blank=True)

    # Writing samples, one list of strings per source.
    custom_samples = models.JSONField(default=list, blank=True)
    twitter_samples = models.JSONField(default=list, blank=True)
    reddit_samples = models.JSONField(default=list, blank=True)
    facebook_samples = models.JSONField(default=list, blank=True)
    instagram_samples = models.JSONField(default=list, blank=True)
    tiktok_samples = models.JSONField(default=list, blank=True)
    linkedin_samples = models.JSONField(default=list, blank=True)

    # Analysis.
    persona_analysis = models.TextField(blank=True, default="")
    persona_analysis_structured = models.JSONField(null=True, blank=True)
    build_status = models.CharField(
        max_length=16, choices=BuildStatus.choices, default=BuildStatus.IDLE
    )
    build_progress = models.PositiveSmallIntegerField(default=0)
    build_started_at = models.DateTimeField(null=True, blank=True)
    build_error = models.TextField(blank=True, default="")
    last_analyzed_at = models.DateTimeField(null=True, blank=True)
    analysis_count = models.PositiveIntegerField(default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="unique_persona_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name

    def samples(self, source: str) -> list[str]:
        return getattr(self, f"{source}_samples")

    def samples_by_source(self) -> dict[str, list[str]]:
        return {source: self.samples(source) for source in SAMPLE_SOURCES}

    @property
    def sample_count(self) -> int:
        return sum(len(self.samples(source)) for source in SAMPLE_SOURCES)

    @property
    def attributes(self) -> dict:
        return {name: getattr(self, name) for name in ATTRIBUTE_FIELDS}

    @property
    def is_building(self) -> bool:
        return self.build_status == self.BuildStatus.BUILDING

    @property
    def analysis_in_words(self) -> str:
        """The analysis's state as a person says it ("Idle" told nobody it was never run)."""
        return ANALYSIS_WORDS.get(self.build_status, self.get_build_status_display())
