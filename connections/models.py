import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dropspace.crypto import EncryptedTextField


class Platform(models.TextChoices):
    """The auto-post platforms, in the spec's canonical order."""

    FACEBOOK = "facebook", "Facebook"
    LINKEDIN = "linkedin", "LinkedIn"
    TWITTER = "twitter", "X (Twitter)"
    REDDIT = "reddit", "Reddit"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"


# Platforms where one owner may hold several accounts (the spec's FAQ): LinkedIn profile + each
# company page, and each Facebook page. Everywhere else a reconnect replaces the one account.
MULTI_ACCOUNT_PLATFORMS = {Platform.LINKEDIN, Platform.FACEBOOK}


class Connection(models.Model):
    """One connected platform account. ``owner`` is null for an official (instance-wide) account."""

    class AccountType(models.TextChoices):
        PERSONAL = "personal"
        ORGANIZATION = "organization"
        PAGE = "page"
        BUSINESS = "business"

    class Health(models.TextChoices):
        HEALTHY = "healthy"
        NEEDS_REAUTH = "needs_reauth"
        ERROR = "error"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="connections",
        help_text="Empty for an official dropspace account available to every user.",
    )
    platform = models.CharField(max_length=20, choices=Platform.choices)
    account_type = models.CharField(
        max_length=20, choices=AccountType.choices, default=AccountType.PERSONAL
    )
    entity_id = models.CharField(max_length=255, help_text="The platform's id of the account.")
    username = models.CharField(max_length=255, blank=True)
    display_name = models.CharField(max_length=255, blank=True)
    # Where the platform keeps the profile picture; pages never load it from there.
    avatar_url = models.URLField(max_length=1000, blank=True)
    # Our copy of that picture in the media storage (connections.avatars), "" when none.
    avatar_name = models.CharField(max_length=255, blank=True, default="")
    scopes = models.JSONField(default=list, blank=True)
    access_token = EncryptedTextField(blank=True)
    refresh_token = EncryptedTextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refresh_expires_at = models.DateTimeField(null=True, blank=True)
    extra = models.JSONField(
        default=dict, blank=True, help_text="Platform ids adapters need (person URN, user id...)."
    )
    is_sandbox = models.BooleanField(default=False, help_text="Talks to the local sandbox.")
    is_active = models.BooleanField(default=True)
    health = models.CharField(max_length=20, choices=Health.choices, default=Health.HEALTHY)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["platform", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "platform", "entity_id"], name="unique_connection_account"
            ),
        ]
        indexes = [models.Index(fields=["is_active", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.account_name or self.entity_id}"

    @property
    def is_official(self) -> bool:
        return self.owner_id is None

    @property
    def account_name(self) -> str:
        return self.username or self.display_name

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        """Active, healthy and not past expiry (without a refresh token to renew it)."""
        renewable = bool(self.refresh_token)
        return (
            self.is_active
            and self.health == self.Health.HEALTHY
            and (renewable or not self.is_expired)
        )

    def record_error(self, health: str, message: str) -> None:
        self.health = health
        self.last_error = message
        self.last_error_at = timezone.now()

    def clear_error(self) -> None:
        self.health = self.Health.HEALTHY
        self.last_error = ""
        self.last_error_at = None
