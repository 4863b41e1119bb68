"""Where media files live and at which URL they can be fetched.

Files go through Django's storage API (the "media" alias: local files under MEDIA_ROOT by
default, an S3-compatible bucket when configured). People and platforms fetch them at the
app's own unguessable URL, /media/files/<token>/<name>, or from MEDIA_PUBLIC_BASE_URL when
the store serves files publicly itself.
"""

from __future__ import annotations

import ipaddress
import logging
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import storages
from django.db import transaction
from django.urls import reverse

log = logging.getLogger(__name__)

# Host names that only ever mean "this machine" or a private network.
PRIVATE_SUFFIXES = (".local", ".localhost", ".internal", ".lan", ".home", ".test")


def media_storage():
    return storages["media"]


def delete_files(*names: str) -> None:
    """Best effort: an orphan file is harmless, a crash here would hide the real cause."""
    for name in filter(None, names):
        try:
            media_storage().delete(name)
        except Exception:
            log.warning("could not delete media file %s", name)


def forget_deleted(sender, instance, **kwargs) -> None:
    """``post_delete`` of an asset: its files go once the deletion commits (a rolled-back
    deletion keeps both). Deleting a whole user account cascades to the assets in the
    database without any service running, so the row's deletion is the one moment that
    always sees the files."""
    names = (instance.storage_name, instance.poster_name)
    transaction.on_commit(lambda: delete_files(*names))


def file_url(asset) -> str:
    """The absolute URL the asset's bytes are served at."""
    if settings.MEDIA_PUBLIC_BASE_URL:
        return f"{settings.MEDIA_PUBLIC_BASE_URL}/{quote(asset.storage_name)}"
    path = reverse("media:file", args=[asset.public_token, asset.filename])
    return f"{settings.SITE_URL}{path}"


def poster_url(asset) -> str:
    """The absolute URL of a video's poster frame ("" when it has none)."""
    if not asset.poster_name:
        return ""
    if settings.MEDIA_PUBLIC_BASE_URL:
        return f"{settings.MEDIA_PUBLIC_BASE_URL}/{quote(asset.poster_name)}"
    return f"{settings.SITE_URL}{reverse('media:poster', args=[asset.public_token])}"


def public_media_problem() -> str:
    """Why platforms that fetch media themselves (Instagram, TikTok photos) cannot reach our
    files, or "" when they can."""
    if settings.MEDIA_PUBLIC_BASE_URL:
        return ""
    host = urlsplit(settings.SITE_URL).hostname or ""
    if _is_public_host(host):
        return ""
    return (
        f"this server's address ({settings.SITE_URL}) is not reachable from the internet, so "
        "Instagram and TikTok cannot fetch the media: set SITE_URL to the public address, or "
        "MEDIA_PUBLIC_BASE_URL to a public bucket or CDN serving the media storage"
    )


def _is_public_host(host: str) -> bool:
    if not host or host == "localhost" or host.endswith(PRIVATE_SUFFIXES) or "." not in host:
        try:
            return ipaddress.ip_address(host).is_global
        except ValueError:
            return False
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return True  # a DNS name with a public-looking suffix: trust the operator's SITE_URL
