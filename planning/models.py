import uuid

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    """One uploaded file of launches: its parsed rows, then the report of what was made."""

    class Status(models.TextChoices):
        PREVIEW = "preview"  # parsed and checked; nothing created yet
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField(max_length=255, blank=True, default="")
    format = models.CharField(max_length=4)  # csv | json
    # The file's SHA-256: with the row number it names a row across uploads (idempotency).
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PREVIEW)
    # [{"row": 1, "input": {...create_launch arguments, JSON-safe}, "problems": [...]}]
    rows = models.JSONField(default=list)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # [{"row", "status": created|skipped|already_imported, "launch_id"?, "title", "problems"}]
    report = models.JSONField(default=list)
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename or self.format} ({self.status})"

    @property
    def valid_rows(self) -> int:
        return sum(1 for row in self.rows if not row["problems"])

    @property
    def created_count(self) -> int:
        return sum(1 for item in self.report if item["status"] == "created")

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class ImportedRow(models.Model):
    """A row of a file that became a launch: re-uploading the same file skips it."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField()
    # Null while the row is being created; deleting the launch frees the row for a re-import.
    launch = models.ForeignKey(
        "launches.Launch", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "sha256", "row_number"], name="imported_row_once"
            )
        ]

    def __str__(self) -> str:
        return f"row {self.row_number} of {self.sha256[:12]}"


class PostMetrics(models.Model):
    """A post's latest numbers, kept by every metrics fetch (the 15-minute refresh, reads).

    The per-launch analytics answer from the cache; this table keeps the numbers for good so
    that totals across launches, periods and platforms are one SQL aggregate.
    """

    log = models.OneToOneField(
        "launches.PostingLog", on_delete=models.CASCADE, primary_key=True, related_name="metrics"
    )
    impressions = models.PositiveBigIntegerField(default=0)  # views where the platform says so
    engagement = models.PositiveBigIntegerField(default=0)  # reactions, replies, shares, saves
    metrics = models.JSONField(default=dict)  # the spec's fields for the platform
    fetched_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["-engagement"], name="postmetrics_engagement")]

    def __str__(self) -> str:
        return f"{self.impressions} impressions, {self.engagement} engagement"
