"""State of the sandbox platforms: fake accounts, tokens, media, posts and injected faults."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PROCESSING_SECONDS = 5  # how long sandbox media, containers and TikTok posts stay "processing"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class SandboxAccount(models.Model):
    """A fake platform account (a profile, page, organization or business account)."""

    platform = models.CharField(max_length=20)
    entity_id = models.CharField(max_length=100)
    username = models.CharField(max_length=100)
    display_name = models.CharField(max_length=100)
    account_type = models.CharField(max_length=20, default="personal")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sandbox_accounts",
        help_text="The person who signed in to it on the consent page (its pages follow it). "
        "Only they, and staff, see its feed and faults.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "entity_id"], name="unique_sandbox_account")
        ]

    def __str__(self) -> str:
        return f"sandbox {self.platform} {self.username}"


class SandboxGrant(models.Model):
    """An authorization code, as handed to the redirect URI."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    code = models.CharField(max_length=64, unique=True, default=new_token)
    redirect_uri = models.URLField(max_length=500)
    code_challenge = models.CharField(max_length=200, blank=True)
    scope = models.CharField(max_length=500, blank=True)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"code for {self.account}"


class SandboxToken(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="tokens")
    access_token = models.CharField(max_length=64, unique=True, default=new_token)
    refresh_token = models.CharField(max_length=64, blank=True, db_index=True)
    refresh_used = models.BooleanField(default=False)
    scope = models.CharField(max_length=500, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"token for {self.account}"

    @property
    def is_valid(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())


class SandboxMedia(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE)
    media_id = models.CharField(max_length=64, unique=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    received = models.PositiveBigIntegerField(default=0)
    state = models.JSONField(default=dict, blank=True)
    # The bytes the sandbox received (or pulled from a URL), in the "media" storage, so feeds
    # show what was really uploaded.
    storage_name = models.CharField(max_length=500, blank=True, default="")
    source_url = models.URLField(max_length=2048, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.media_id

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")

    @property
    def is_processing(self) -> bool:
        return (timezone.now() - self.created_at).total_seconds() < PROCESSING_SECONDS


class SandboxPost(models.Model):
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="posts")
    post_id = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, default="text")
    text = models.TextField(blank=True)
    title = models.CharField(max_length=300, blank=True)
    link = models.URLField(max_length=1000, blank=True)
    media = models.JSONField(default=list, blank=True)
    reply_to = models.CharField(max_length=100, blank=True)
    target = models.CharField(max_length=100, blank=True, help_text="subreddit")
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.post_id

    def metric(self, name: str, per_minute: float, cap: int = 100_000) -> int:
        """A number that grows with the post's age, different per post and metric."""
        seed = int(hashlib.sha256(f"{self.post_id}:{name}".encode()).hexdigest()[:6], 16)
        minutes = max((timezone.now() - self.created_at).total_seconds() / 60, 0)
        return min(int(seed % 5 + minutes * per_minute * (0.5 + seed % 100 / 100)), cap)


class SandboxFault(models.Model):
    """The next ``remaining`` calls of an account fail this way."""

    class Kind(models.TextChoices):
        RATE_LIMIT = "rate_limit", "429 rate limit with retry-after"
        SERVER_ERROR = "server_error", "500 server error"
        TIMEOUT = "timeout", "no answer in time"
        REVOKED = "revoked", "token revoked"
        REJECTED = "rejected", "post rejected"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="faults")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    remaining = models.PositiveIntegerField(default=1)
    retry_after = models.PositiveIntegerField(default=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.kind} x{self.remaining} for {self.account}"
