"""Sandbox state changes: sign-in, codes and tokens, faults, posts."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import math
import random
import secrets
import shutil
import tempfile
import threading
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from connections.sandbox.models import (
    SandboxAccount,
    SandboxFault,
    SandboxGrant,
    SandboxMedia,
    SandboxPost,
    SandboxToken,
    hash_token,
    new_token,
)
from media.storage import media_storage

# Access-token lifetimes of the real platforms (seconds; None = no expiry).
TOKEN_LIFETIMES = {
    "twitter": 2 * 3600,
    "linkedin": 60 * 86400,
    "facebook": 60 * 86400,
    "instagram": 60 * 86400,
    "tiktok": 86400,
    "reddit": 3600,
}
REFRESHABLE = {"twitter", "linkedin", "tiktok", "reddit"}
ROTATING = {"twitter", "tiktok"}  # each refresh returns a new refresh token; the old one dies
CODE_TTL = timedelta(minutes=10)


class SandboxError(Exception):
    def __init__(self, code: str, message: str = ""):
        super().__init__(message or code)
        self.code = code
        self.message = message or code


def numeric_id() -> str:
    return str(10**17 + secrets.randbelow(9 * 10**17))


def base36_id() -> str:
    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
    return "".join(secrets.choice(alphabet) for _ in range(7))


# --- accounts ----------------------------------------------------------------------------------


def sign_in(*, platform: str, username: str, person=None) -> SandboxAccount:
    """The fake person approving the consent screen, with their pages/organizations.

    The first dropspace ``person`` to sign in to an account owns it; nobody else can sign in
    to it afterwards (like a real platform's password), so its feed and faults stay theirs.
    """
    username = username.strip().lstrip("@") or "sandbox-user"
    with transaction.atomic():
        account, created = SandboxAccount.objects.select_for_update().get_or_create(
            platform=platform,
            entity_id=f"{platform}-{username}",
            defaults={
                "username": username,
                "display_name": username.replace("-", " ").title(),
                "owner": person,
            },
        )
        if created:
            _create_children(account)
        elif account.owner_id is None and person is not None:
            account.owner = person  # made before accounts had owners, or signed in anonymously
            account.save(update_fields=["owner"])
        elif account.owner_id is not None and account.owner_id != getattr(person, "pk", None):
            raise SandboxError(
                "account_taken",
                f"the sandbox account {username!r} belongs to someone else; choose another name",
            )
    return account


def _create_children(account: SandboxAccount) -> None:
    name = account.display_name
    children = {
        "facebook": [("page", f"{name} Page"), ("page", f"{name} Labs")],
        "linkedin": [("organization", f"{name} Inc")],
        "instagram": [("business", f"{account.username}.app")],
    }.get(account.platform, [])
    for kind, title in children:
        SandboxAccount.objects.create(
            platform=account.platform,
            entity_id=numeric_id(),
            username=title.lower().replace(" ", ""),
            display_name=title,
            account_type=kind,
            parent=account,
        )


def can_act_for(token: SandboxToken, account: SandboxAccount) -> bool:
    return account.pk == token.account_id or account.parent_id == token.account_id


# --- codes and tokens --------------------------------------------------------------------------


def grant_code(*, account, redirect_uri: str, code_challenge: str = "", scope: str = ""):
    code = new_token()
    grant = SandboxGrant.objects.create(
        account=account,
        code_hash=hash_token(code),
        redirect_uri=redirect_uri,
        code_challenge=code_challenge,
        scope=scope,
    )
    grant.code = code  # handed to the redirect URI once, never stored
    return grant


def redeem_code(*, code: str, redirect_uri: str, code_verifier: str = "") -> SandboxToken:
    """Exchange an authorization code once, checking redirect URI and PKCE like the real ones."""
    with transaction.atomic():
        grant = SandboxGrant.objects.select_for_update().filter(code_hash=hash_token(code)).first()
        if not code or grant is None or grant.used or grant.created_at < timezone.now() - CODE_TTL:
            raise SandboxError("invalid_grant", "authorization code is invalid or expired")
        if grant.redirect_uri != redirect_uri:
            raise SandboxError("invalid_grant", "redirect_uri does not match")
        if grant.code_challenge and challenge_of(code_verifier) != grant.code_challenge:
            raise SandboxError("invalid_grant", "code_verifier does not match the challenge")
        grant.used = True
        grant.save(update_fields=["used"])
        return issue_token(grant.account, scope=grant.scope)


def challenge_of(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def issue_token(account, *, scope: str = "", refresh_token: str | None = None, lifetime=True):
    platform = account.platform
    seconds = TOKEN_LIFETIMES[platform] if lifetime else None
    if refresh_token is None:
        refresh_token = new_token() if platform in REFRESHABLE else ""
    access_token = new_token()
    token = SandboxToken.objects.create(
        account=account,
        scope=scope,
        access_token_hash=hash_token(access_token),
        refresh_token_hash=hash_token(refresh_token),
        expires_at=timezone.now() + timedelta(seconds=seconds) if seconds else None,
    )
    # The raw values go out once in the token response, never into the database.
    token.access_token, token.refresh_token = access_token, refresh_token
    return token


def refresh(*, platform: str, refresh_token: str) -> SandboxToken:
    """A refresh grant. Rotating platforms (X, TikTok) accept each refresh token once; reusing a
    spent one revokes the whole token family, as X does."""
    with transaction.atomic():
        token = (
            SandboxToken.objects.select_for_update()
            .filter(account__platform=platform, refresh_token_hash=hash_token(refresh_token))
            .order_by("-created_at")
            .first()
        )
        if not refresh_token or token is None or token.revoked:
            raise SandboxError("invalid_grant", "refresh token is invalid or revoked")
        if platform not in ROTATING:
            return issue_token(token.account, scope=token.scope, refresh_token=refresh_token)
        if not token.refresh_used:
            token.refresh_used = True
            token.save(update_fields=["refresh_used"])
            return issue_token(token.account, scope=token.scope)
        revoke_tokens(token.account)  # committed: the error below must not roll it back
    raise SandboxError("invalid_grant", "refresh token was already used")


def authenticate(header: str) -> SandboxToken | None:
    """The live token of an ``Authorization: Bearer|OAuth <token>`` header, if any."""
    _, _, value = (header or "").partition(" ")
    if not value:
        return None
    token = (
        SandboxToken.objects.select_related("account")
        .filter(access_token_hash=hash_token(value))
        .first()
    )
    return token if token and token.is_valid else None


def revoke_tokens(account: SandboxAccount) -> None:
    SandboxToken.objects.filter(account=account).update(revoked=True)


def revoke_token(value: str) -> None:
    if not value:
        return
    digest = hash_token(value)
    SandboxToken.objects.filter(access_token_hash=digest).update(revoked=True)
    SandboxToken.objects.filter(refresh_token_hash=digest).update(revoked=True)


# --- faults ------------------------------------------------------------------------------------


def inject_fault(*, account, kind: str, count: int = 1, retry_after: int = 30) -> SandboxFault:
    """Make the account's next ``count`` API calls fail with ``kind``."""
    return SandboxFault.objects.create(
        account=account, kind=kind, remaining=count, retry_after=retry_after
    )


def take_fault(account: SandboxAccount) -> SandboxFault | None:
    """Consume one injected failure of this account (or of the account it belongs to)."""
    owners = [account.pk, account.parent_id] if account.parent_id else [account.pk]
    with transaction.atomic():
        fault = SandboxFault.objects.select_for_update().filter(account__in=owners).first()
        if fault is None:
            return None
        if fault.remaining <= 1:
            fault.delete()
        else:
            SandboxFault.objects.filter(pk=fault.pk).update(remaining=fault.remaining - 1)
        if fault.kind == SandboxFault.Kind.REVOKED:
            revoke_tokens(account)
            if account.parent_id:
                revoke_tokens(account.parent)
        return fault


def clear_faults(*, account) -> None:
    SandboxFault.objects.filter(account=account).delete()


# --- posts -------------------------------------------------------------------------------------


class PostingTooFast(Exception):
    """The account created its window's allowance of posts; the view answers the platform's 429."""

    def __init__(self, *, limit: int, reset_at):
        super().__init__("posting too fast")
        self.limit = limit
        self.reset_at = reset_at

    @property
    def retry_after(self) -> int:
        return max(math.ceil((self.reset_at - timezone.now()).total_seconds()), 1)


def create_post(*, account, post_id: str | None = None, **fields) -> SandboxPost:
    """A new post, unless the account already posted its limit within the window (429)."""
    with transaction.atomic():
        _check_posting_rate(account)
        return SandboxPost.objects.create(
            account=account, post_id=post_id or numeric_id(), **fields
        )


def _check_posting_rate(account) -> None:
    limit = settings.SANDBOX_ACCOUNT_POST_LIMIT
    if not limit:
        return
    # Lock the account row so racing posts of one account count each other (as a platform does).
    SandboxAccount.objects.select_for_update().filter(pk=account.pk).first()
    window = timedelta(seconds=settings.SANDBOX_ACCOUNT_POST_WINDOW_SECONDS)
    recent = SandboxPost.objects.filter(account=account, created_at__gt=timezone.now() - window)
    stamps = list(recent.order_by("created_at").values_list("created_at", flat=True)[:limit])
    if len(stamps) >= limit:
        raise PostingTooFast(limit=limit, reset_at=stamps[0] + window)


class CallsInFlight:
    """The API calls this sandbox process is answering right now, per platform, and the most it
    answered at once: load tests hold the publishing engine's in-flight caps against it."""

    def __init__(self):
        self._lock = threading.Lock()
        self.now: Counter = Counter()
        self.peak: Counter = Counter()

    @contextlib.contextmanager
    def call(self, platform: str):
        with self._lock:
            self.now[platform] += 1
            self.peak[platform] = max(self.peak[platform], self.now[platform])
        try:
            yield
        finally:
            with self._lock:
                self.now[platform] -= 1

    def reset(self) -> None:
        with self._lock:
            self.now.clear()
            self.peak.clear()


calls_in_flight = CallsInFlight()


def latency_seconds(platform: str) -> float:
    """How long this platform's answer takes (configured latency ± uniform jitter)."""
    base = settings.SANDBOX_PLATFORM_LATENCY_MS.get(platform, settings.SANDBOX_LATENCY_MS)
    jitter = settings.SANDBOX_JITTER_MS
    spread = random.uniform(-jitter, jitter)  # noqa: S311 - timing noise, not a secret
    return max(base + spread, 0) / 1000 if base or jitter else 0.0


def delete_post(*, post: SandboxPost) -> SandboxPost:
    post.deleted_at = timezone.now()
    post.save(update_fields=["deleted_at"])
    return post


def live_post(account_ids, post_id: str) -> SandboxPost | None:
    return SandboxPost.objects.filter(
        account__in=account_ids, post_id=post_id, deleted_at__isnull=True
    ).first()


# --- media -------------------------------------------------------------------------------------
# Each platform's upload flow ends here: parts arrive in order (checked), are kept in the media
# storage, and are joined into one file when the upload completes; pulled URLs are fetched.


def receive_part(*, media: SandboxMedia, index: int, data: bytes, expected_size=None) -> None:
    """One part of a chunked upload; parts must come in order (and be the size announced)."""
    expected = media.state.get("next_part", 0)
    if index != expected:
        raise SandboxError("out_of_order", f"part {index} sent, part {expected} expected")
    if expected_size is not None and len(data) != expected_size:
        raise SandboxError("bad_size", f"part {index} has {len(data)} bytes, not {expected_size}")
    name = media_storage().save(f"sandbox/{media.pk}/part-{index:05d}", ContentFile(data))
    media.state = {
        **media.state,
        "next_part": index + 1,
        "part_names": [*media.state.get("part_names", []), name],
    }
    media.received += len(data)
    media.save(update_fields=["state", "received"])


def complete_upload(*, media: SandboxMedia) -> None:
    """Join the parts into one stored file; processing starts now."""
    names = media.state.get("part_names", [])
    storage = media_storage()
    with tempfile.TemporaryFile() as joined:
        for name in names:
            with storage.open(name, "rb") as part:
                shutil.copyfileobj(part, joined, 1 << 20)
        joined.seek(0)
        media.storage_name = storage.save(f"sandbox/{media.pk}/file", File(joined))
    for name in names:
        storage.delete(name)
    media.state = {**media.state, "part_names": [], "complete": True}
    media.created_at = timezone.now()
    media.save(update_fields=["storage_name", "state", "created_at"])


def store_whole(*, media: SandboxMedia, data: bytes, content_type: str = "") -> None:
    """A one-shot upload (an image, a single PUT)."""
    media.storage_name = media_storage().save(f"sandbox/{media.pk}/file", ContentFile(data))
    media.received = media.size = len(data)
    media.content_type = content_type or media.content_type
    media.state = {**media.state, "complete": True}
    media.save(update_fields=["storage_name", "received", "size", "content_type", "state"])


def store_file(*, media: SandboxMedia, upload, content_type: str = "") -> None:
    """A one-shot upload kept as Django received it (on disk past the memory threshold)."""
    media.storage_name = media_storage().save(f"sandbox/{media.pk}/file", upload)
    media.received = media.size = upload.size
    media.content_type = content_type or media.content_type
    media.state = {**media.state, "complete": True}
    media.save(update_fields=["storage_name", "received", "size", "content_type", "state"])


def pull(*, media: SandboxMedia, url: str) -> None:
    """Fetch a media URL as the platform would. Only this deployment's own URLs are fetched
    (the sandbox is no open proxy); others are recorded as given."""
    media.source_url = url
    if not _own_url(url):
        media.save(update_fields=["source_url"])
        return
    with requests.get(url, stream=True, timeout=10) as response:
        if response.status_code >= 400:
            raise SandboxError("fetch_failed", f"media URL answered HTTP {response.status_code}")
        with tempfile.TemporaryFile() as handle:
            for chunk in response.iter_content(1 << 20):
                handle.write(chunk)
            media.size = media.received = handle.tell()
            handle.seek(0)
            media.storage_name = media_storage().save(f"sandbox/{media.pk}/file", File(handle))
        media.content_type = response.headers.get("Content-Type", "").split(";")[0]
    media.state = {**media.state, "complete": True}
    media.save(
        update_fields=["source_url", "storage_name", "size", "received", "content_type", "state"]
    )


def _own_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and parts.netloc == urlsplit(settings.SITE_URL).netloc


def media_files(post: SandboxPost) -> list[SandboxMedia]:
    """The stored media a post shows, in its order."""
    found = {m.media_id: m for m in SandboxMedia.objects.filter(media_id__in=post.media or [])}
    return [found[media_id] for media_id in post.media or [] if media_id in found]


OFFICIAL_USERNAME = "dropspace-official"
OFFICIAL_PLATFORMS = ("twitter", "reddit")


def connect_official_accounts(platforms=OFFICIAL_PLATFORMS) -> list:
    """dropspace's own accounts, in the sandbox: what ``dropspace_platforms`` posts through.

    ``make run`` calls it so wallets (x402 agents) and anyone without connected accounts can
    publish on a fresh machine. Idempotent: an existing official connection gets a new token.
    """
    from connections import avatars
    from connections import services as connection_services
    from connections.platforms.base import AccountInfo, TokenSet

    connections = []
    for platform in platforms:
        try:
            account = sign_in(platform=platform, username=OFFICIAL_USERNAME)
        except SandboxError:  # someone signed in to this sandbox account as themselves
            continue
        token = issue_token(account, scope="sandbox")
        lifetime = (
            int((token.expires_at - timezone.now()).total_seconds()) if token.expires_at else None
        )
        connection = connection_services.save_connection(
            owner=None,
            platform=platform,
            sandbox=True,
            tokens=TokenSet(
                access_token=token.access_token,
                refresh_token=token.refresh_token,
                expires_in=lifetime,
            ),
            account=AccountInfo(
                entity_id=account.entity_id,
                username=account.username,
                display_name=f"{account.display_name} (sandbox)",
            ),
        )
        # ``make demo`` runs this before the web server is up, so the picture cannot be
        # fetched from the sandbox's URL as other accounts' are: it is drawn here instead.
        avatars.store_picture(connection, draw_picture(account))
        connections.append(connection)
    return connections


# --- profile pictures -------------------------------------------------------------------------

# Picture colours, one per account (from its id), so two sandbox accounts look different.
PICTURE_COLOURS = ["#1d9bf0", "#0a66c2", "#ff4500", "#e1306c", "#00a884", "#7856ff", "#f59e0b"]


def picture_url(account: SandboxAccount) -> str:
    """Where the sandbox's "who am I" answers say the profile picture is, as platforms give a
    CDN URL (the app copies it into its own storage at connect time)."""
    return f"{settings.SANDBOX_BASE_URL}/accounts/{account.pk}/picture.png"


def draw_picture(account: SandboxAccount, size: int = 200) -> bytes:
    """A profile picture for a fake account: its initial on a colour of its own, as PNG."""
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageFont

    colour = PICTURE_COLOURS[int(hashlib.sha256(account.entity_id.encode()).hexdigest(), 16) % 7]
    image = Image.new("RGB", (size, size), colour)
    initial = (account.display_name or account.username or "?").lstrip("@")[:1].upper()
    font = ImageFont.load_default(size=size // 2)
    ImageDraw.Draw(image).text((size / 2, size / 2), initial, fill="white", font=font, anchor="mm")
    out = BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
