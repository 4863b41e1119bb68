"""Media assets: an image or a video a person owns, stored once and attached to launches."""

import secrets
import uuid

from django.conf import settings
from django.db import models


def new_public_token() -> str:
    """The unguessable part of a file's URL (256 bits)."""
    return secrets.token_urlsafe(32)


class MediaAsset(models.Model):
    """One stored, validated file. Uploads, URL ingests and (later) AI generation all end here.

    The type was decided from the bytes, images were decoded and videos probed before the row
    was written, so width/height (and duration for video) are always known.
    """

    class Kind(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"

    class Source(models.TextChoices):
        UPLOAD = "upload"  # the dashboard, or base64 in the API
        URL = "url"  # fetched from a URL the person gave
        GENERATED = "generated"  # made by an AI media job

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_assets"
    )
    kind = models.CharField(max_length=5, choices=Kind.choices)
    source = models.CharField(max_length=9, choices=Source.choices, default=Source.UPLOAD)
    # The name in the "media" storage (local folder or bucket key); never shown to people.
    storage_name = models.CharField(max_length=500, unique=True)
    # A video's first frame as JPEG (the library's thumbnail, Reddit's video poster).
    poster_name = models.CharField(max_length=500, blank=True, default="")
    public_token = models.CharField(max_length=64, unique=True, default=new_public_token)
    filename = models.CharField(max_length=255)
    mime_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    duration = models.FloatField(null=True, blank=True, help_text="seconds, videos only")
    # The video probe: container format and video codec (e.g. "mov,mp4,m4a,3gp" / "h264").
    container = models.CharField(max_length=50, blank=True, default="")
    codec = models.CharField(max_length=30, blank=True, default="")
    checksum = models.CharField(max_length=64, help_text="sha256 of the bytes, hex")
    source_url = models.URLField(max_length=2048, blank=True, default="")
    # AI generation (issue 12) fills these; uploads leave them empty.
    fal_request_id = models.CharField(max_length=100, blank=True, default="")
    prompt = models.TextField(blank=True, default="")
    alt_text = models.CharField(max_length=1000, blank=True, default="")
    launches = models.ManyToManyField(
        "launches.Launch", through="LaunchMedia", related_name="media_files", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="mediaasset_owner_created")]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_video(self) -> bool:
        return self.kind == self.Kind.VIDEO


class LaunchMedia(models.Model):
    """An asset attached to a launch, in the launch's order (a carousel's order)."""

    launch = models.ForeignKey("launches.Launch", on_delete=models.CASCADE)
    asset = models.ForeignKey(MediaAsset, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["launch", "asset"], name="unique_asset_per_launch")
        ]

    def __str__(self) -> str:
        return f"{self.asset_id} #{self.position} on {self.launch_id}"


class MediaJob(models.Model):
    """One AI generation: an image, a video or a script video for a launch.

    The job row is the truth a worker resumes from: ``fal_request_id`` is written as soon as
    fal accepts the request (so it is submitted once), ``heartbeat_at`` says a worker is still
    on it, and the job fails after ``MEDIA_JOB_TIMEOUT_MINUTES`` however it got stuck.
    """

    class Type(models.TextChoices):
        IMAGE = "image"
        VIDEO = "video"
        SCRIPT_VIDEO = "script_video"

    class Status(models.TextChoices):
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_jobs"
    )
    launch = models.ForeignKey("launches.Launch", on_delete=models.CASCADE, related_name="+")
    generation_type = models.CharField(max_length=12, choices=Type.choices)
    platform = models.CharField(max_length=20, blank=True, default="")
    prompt = models.TextField()
    product_description = models.TextField(blank=True, default="")
    aspect_ratio = models.CharField(max_length=5)
    duration_seconds = models.PositiveSmallIntegerField(null=True, blank=True)
    reference_image_url = models.URLField(max_length=2048, blank=True, default="")
    # Our stored copy of the reference image (what the edit model is given).
    reference_asset = models.ForeignKey(
        MediaAsset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lines a script video shows, one caption card each (script_video only).
    script = models.JSONField(default=list, blank=True)
    # Attach the finished file to these platforms of the launch (generate_ai_videos).
    attach_to = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROCESSING, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    model_id = models.CharField(max_length=100)
    fal_request_id = models.CharField(max_length=100, blank=True, default="", db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error_message = models.TextField(blank=True, default="")
    asset = models.ForeignKey(
        MediaAsset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "status"], name="mediajob_owner_status")]

    def __str__(self) -> str:
        return f"{self.generation_type} job {self.pk} ({self.status})"

    @property
    def is_video(self) -> bool:
        return self.generation_type != self.Type.IMAGE

    @property
    def is_local(self) -> bool:
        return self.model_id.startswith("dropspace/")


class MediaFetch(models.Model):
    """A library "add from a link": fetched by a worker, not inside the web request (a video can
    be 512 MB). ``received_bytes`` / ``total_bytes`` are the progress the page polls."""

    class Status(models.TextChoices):
        PROCESSING = "processing"
        COMPLETED = "completed"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="media_fetches"
    )
    url = models.URLField(max_length=2048)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROCESSING, db_index=True
    )
    received_bytes = models.BigIntegerField(default=0)
    total_bytes = models.BigIntegerField(null=True, blank=True)  # Content-Length, when sent
    error_message = models.TextField(blank=True, default="")
    asset = models.ForeignKey(
        MediaAsset, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when a worker takes it (once: a redelivered message finds it taken).
    started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"fetch {self.url} ({self.status})"

    @property
    def percent(self) -> int | None:
        if not self.total_bytes:
            return None
        return min(100, int(100 * self.received_bytes / self.total_bytes))
