import uuid

from django.conf import settings
from django.db import models


class Platform(models.TextChoices):
    """The nine platforms a launch can target, in the spec's order."""

    TWITTER = "twitter", "Twitter / X"
    LINKEDIN = "linkedin", "LinkedIn"
    REDDIT = "reddit", "Reddit"
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    PRODUCTHUNT = "producthunt", "Product Hunt"
    HACKERNEWS = "hackernews", "Hacker News"
    SUBSTACK = "substack", "Substack"


# Platforms dropspace posts to itself; the others get guided manual posting.
AUTO_POST_PLATFORMS = ["facebook", "linkedin", "twitter", "reddit", "instagram", "tiktok"]


class Launch(models.Model):
    """One product announcement written for each of its platforms."""

    class Status(models.TextChoices):
        # The labels are what pages show (the API sends the values).
        DRAFT = "draft", "Draft"
        # ready; nothing to post automatically (no posting accounts chosen)
        MANUAL = "manual", "Ready to post yourself"
        TRIGGER = "trigger", "Ready to publish"  # ready; posting accounts chosen, on demand
        SCHEDULED = "scheduled", "Scheduled"  # ready; published at scheduled_date
        RUNNING = "running", "Publishing"
        COMPLETED = "completed", "Published"
        PARTIAL = "partial", "Partly published"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="launches"
    )
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    platforms = models.JSONField(default=list)
    scheduled_date = models.DateTimeField(null=True, blank=True)
    product_url = models.URLField(max_length=2048, blank=True, default="")
    product_description = models.TextField(blank=True, default="")
    persona = models.ForeignKey(
        "personas.Persona",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="launches",
    )
    # {platform: {"platform", "content" | "thread", "title"?, ..., "generated_by"}}; the
    # shapes and limits are launches.rules.
    platform_contents = models.JSONField(default=dict)
    # {platform: {"message", "at"}} for platforms the writer could not write; retry-content
    # retries exactly these.
    generation_failures = models.JSONField(default=dict)
    regeneration_count = models.PositiveIntegerField(default=0)
    # {platform: [{"entry", "at"}, ...]}: the content each regeneration replaced, newest last,
    # so the dashboard can undo it (launches.history).
    content_history = models.JSONField(default=dict, blank=True)
    dropspace_platforms = models.JSONField(null=True, blank=True)
    # {"twitter": "<connection uuid>", "linkedin:organization:123": "<uuid>", ...}
    user_platform_accounts = models.JSONField(null=True, blank=True)

    # Media arrive with the media work; the spec's fields are here so no migration of the
    # launch's shape is needed then. No endpoint accepts them yet.
    media_mode = models.CharField(max_length=8, blank=True, default="")
    media_assets = models.JSONField(default=list)
    media_attach_platforms = models.JSONField(default=list)

    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="launch_owner_created"),
            models.Index(fields=["status", "scheduled_date"], name="launch_status_scheduled"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_posting_accounts(self) -> bool:
        return bool(self.user_platform_accounts) or bool(self.dropspace_platforms)

    def ready_status(self) -> str:
        """The status a ready launch has: scheduled, trigger or manual (see Status)."""
        if self.scheduled_date:
            return self.Status.SCHEDULED
        return self.Status.TRIGGER if self.has_posting_accounts else self.Status.MANUAL

    def can_become(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_deletable(self) -> bool:
        return self.status != self.Status.RUNNING


S = Launch.Status
READY_STATUSES = {S.MANUAL, S.TRIGGER, S.SCHEDULED}
# The status machine, in one place: status -> the statuses it may move to.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: READY_STATUSES | {S.CANCELLED, S.RUNNING},
    S.MANUAL: {S.DRAFT, S.TRIGGER, S.SCHEDULED, S.CANCELLED, S.RUNNING},
    S.TRIGGER: {S.DRAFT, S.MANUAL, S.SCHEDULED, S.CANCELLED, S.RUNNING},
    S.SCHEDULED: {S.DRAFT, S.MANUAL, S.TRIGGER, S.CANCELLED, S.RUNNING},
    S.RUNNING: {S.COMPLETED, S.PARTIAL, S.FAILED, S.CANCELLED},
    S.COMPLETED: set(),
    S.PARTIAL: {S.RUNNING},  # retry of the failed platforms
    S.FAILED: READY_STATUSES | {S.DRAFT, S.CANCELLED, S.RUNNING},
    S.CANCELLED: READY_STATUSES | {S.DRAFT},
}
# Statuses whose content and settings can still change (PATCH, generate-content).
EDITABLE_STATUSES = {S.DRAFT, S.MANUAL, S.TRIGGER, S.SCHEDULED, S.FAILED, S.CANCELLED}
# Statuses a person may ask for with PATCH; the others are reached by publishing.
REQUESTABLE_STATUSES = [S.DRAFT, S.MANUAL, S.TRIGGER, S.SCHEDULED, S.CANCELLED]


class PostingLog(models.Model):
    """One post of a launch on one platform account; filled by publishing, read by /status."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        PUBLISHING = "publishing", "Posting"
        SUCCESS = "success", "Posted"
        FAILED = "failed", "Failed"
        # timed out with an unknown outcome: never retried blindly
        UNCONFIRMED = "unconfirmed", "Not confirmed"
        DELETED = "deleted", "Deleted"
        # guided platforms (Product Hunt, Hacker News) and accountless ones: posted by the person
        MANUAL = "manual", "Post it yourself"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    launch = models.ForeignKey(Launch, on_delete=models.CASCADE, related_name="posting_logs")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    # The user_platform_accounts key ("linkedin:organization:123") or "dropspace:<platform>".
    target_key = models.CharField(max_length=128, blank=True, default="")
    # A connections.Connection id; a plain UUID so launches does not depend on that model.
    connection_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempt_count = models.PositiveSmallIntegerField(default=0)
    post_id = models.CharField(max_length=255, blank=True, default="")
    post_url = models.URLField(max_length=2048, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    error_code = models.CharField(max_length=64, blank=True, default="")
    # Ids of the tweets of a thread posted so far, so a retry resumes after the last one.
    thread_post_ids = models.JSONField(default=list)
    # The same items in full ({"post_id", "post_url", "target"}: a tweet, a subreddit's
    # submission), so a retry resumes after them (Reddit needs the subreddit, not just the id).
    published_items = models.JSONField(default=list)
    # Platform work finished later (an Instagram container, a TikTok upload): the adapter's
    # PendingPublish.to_dict(), checked again by a short follow-up task.
    pending_publish = models.JSONField(null=True, blank=True)
    # Media an attempt uploaded before it failed (X media ids with when X drops them: the
    # adapter's error.uploaded), so the retry attaches them instead of uploading again.
    uploaded_media = models.JSONField(default=dict, blank=True)
    # When the next attempt or pending check is due; a claim pushes it forward as a lease, so
    # the sweeper can tell a waiting post from one whose worker was lost.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["launch", "platform", "target_key"], name="unique_post_per_target"
            )
        ]
        indexes = [models.Index(fields=["status", "updated_at"], name="postinglog_status_updated")]

    def __str__(self) -> str:
        return f"{self.platform} {self.target_key} ({self.status})"
