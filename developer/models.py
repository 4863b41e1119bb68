import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dropspace.crypto import EncryptedBinaryField


class Scope(models.TextChoices):
    READ = "read", "view launches, personas, media, and connections"
    WRITE = "write", "create and update launches and personas"
    DELETE = "delete", "delete launches, personas and published posts"
    PUBLISH = "publish", "publish and retry launches"
    GENERATE = "generate", "AI content and media generation"
    ADMIN = "admin", "manage API keys and webhooks"


DEFAULT_SCOPES = [Scope.READ, Scope.WRITE, Scope.PUBLISH, Scope.GENERATE]
KEY_PREFIX = "ds_live_"


def hash_key(raw_key: str) -> str:
    """SHA-256 of the whole key: the secret has >= 128 bits of entropy, so no slow hash."""
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A developer API key. Only its hash is stored; the raw key is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=32, help_text="First characters, for display.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(default=list)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="unique_active_api_key_name",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The remembered outcome of a POST sent with an ``Idempotency-Key`` header.

    The body is encrypted: it can hold a new API key or a webhook signing secret for 24 hours."""

    scope = models.CharField(max_length=64, help_text="Hash of the credential that sent it.")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64, help_text="Hash of method, path and body.")
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = EncryptedBinaryField(null=True)
    response_content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def is_complete(self) -> bool:
        return self.response_status is not None


class RateLimitCounter(models.Model):
    """Requests counted for one identity in one fixed window (embedded mode: no Redis).

    Incremented with one atomic upsert (developer/ratelimit.py); rows of past windows are
    deleted as new windows begin, so the table holds about two windows of active keys.
    """

    identity = models.CharField(max_length=100)
    window_start = models.BigIntegerField(help_text="Unix time at which the window began.")
    requests = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "developer_ratelimitcounter"  # named in ratelimit.py's upsert
        constraints = [
            models.UniqueConstraint(
                fields=["identity", "window_start"], name="unique_rate_limit_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="ratelimit_window_start")]

    def __str__(self) -> str:
        return f"{self.identity} @ {self.window_start}: {self.requests}"
