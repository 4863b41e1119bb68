"""The connection's profile picture, copied into our own media storage.

Pages never load the platform's picture URL: that would tell the platform's CDN who looks at
the dashboard, break when the URL expires (TikTok's last 2 hours, Facebook's are signed) and
let a third party change what our pages show. At connect time (and at every reconnect, so a
new picture shows up) the picture is fetched through the SSRF-safe fetcher, decoded, cut to a
square, re-encoded as a small PNG (nothing of the original file survives) and saved under
``avatars/``. Pages fall back to the account's initial while there is none.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from PIL import Image, ImageOps

from connections.models import Connection
from dropspace import http
from media.storage import delete_files, media_storage

log = logging.getLogger(__name__)

SIZE = 96  # pixels: sharp at the 48 px the largest preview draws, on a 2x screen
MAX_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 4096 * 4096  # a profile picture is never larger; more is a decompression bomb
FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


class AvatarError(Exception):
    """The picture could not be fetched or is not an image we accept."""


def refresh_avatar(connection: Connection) -> None:
    """Copy the connection's current picture into our storage (a reconnect replaces the old
    copy). A failure keeps what was there: the picture is a nicety, never worth a failed
    connect."""
    if not connection.avatar_url:
        _replace(connection, "")
        return
    try:
        picture = fetch_picture(connection)
    except AvatarError as exc:
        log.info("profile picture of connection %s not copied: %s", connection.pk, exc)
        return
    store_picture(connection, picture)


def store_picture(connection: Connection, picture: bytes) -> None:
    """``picture`` (an image file's bytes) as the connection's picture: cut, re-encoded and
    stored as every copy is. Also how an account with no picture URL to fetch gets one (the
    sandbox's official accounts, created before any web server answers)."""
    try:
        png = square_png(picture)
    except AvatarError as exc:
        log.info("profile picture of connection %s not stored: %s", connection.pk, exc)
        return
    digest = hashlib.sha256(png).hexdigest()[:16]
    name = f"avatars/{connection.pk.hex}-{digest}.png"
    if name != connection.avatar_name:
        try:
            name = media_storage().save(name, ContentFile(png))
        except Exception as exc:  # any backend failure (disk full, S3 refusing) is the same
            log.warning("profile picture not stored: %s", type(exc).__name__)
            return
    _replace(connection, name)


def forget_avatar(connection: Connection) -> None:
    """A disconnected account's picture is not kept."""
    _replace(connection, "")


def fetch_picture(connection: Connection) -> bytes:
    """The picture's bytes, fetched the safe way. Only a sandbox account's picture may live on
    this machine (the sandbox serves it from the app itself)."""
    url = connection.avatar_url
    sandbox_base = f"{settings.SANDBOX_BASE_URL}/"
    try:
        result = http.fetch(
            url,
            timeout=settings.AVATAR_FETCH_TIMEOUT_SECONDS,
            max_bytes=MAX_BYTES,
            allow_loopback=connection.is_sandbox and url.startswith(sandbox_base),
        )
    except http.FetchError as exc:
        raise AvatarError(str(exc)) from exc
    if result.status != 200:
        raise AvatarError(f"answered HTTP {result.status}")
    return result.content


def square_png(data: bytes) -> bytes:
    """The picture centred and cut to a SIZE x SIZE square, as PNG."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise AvatarError(f"not a picture format we accept ({image.format})")
                if image.width * image.height > MAX_PIXELS:
                    raise AvatarError("the picture has too many pixels")
                image.seek(0)  # an animated GIF: its first frame
                square = ImageOps.fit(image.convert("RGBA"), (SIZE, SIZE), Image.LANCZOS)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise AvatarError(f"not a readable image: {exc}") from exc
    except Image.DecompressionBombWarning as exc:
        raise AvatarError("the picture has too many pixels") from exc
    out = io.BytesIO()
    square.save(out, "PNG", optimize=True)
    return out.getvalue()


def _replace(connection: Connection, name: str) -> None:
    old = connection.avatar_name
    if name == old:
        return
    Connection.objects.filter(pk=connection.pk).update(avatar_name=name)
    connection.avatar_name = name
    delete_files(old)


def forget_deleted(sender, instance: Connection, **kwargs) -> None:
    """``post_delete`` of a connection: its picture file goes too. Deleting a whole user
    account cascades to its connections in the database without any service running, so the
    row's deletion is the one moment that always sees the file (deleted once the transaction
    commits; a rolled-back deletion keeps both)."""
    name = instance.avatar_name
    if name:
        transaction.on_commit(lambda: delete_files(name))


def avatar_src(connection: Connection | None) -> str:
    """Where pages load the picture from: our own URL ("" when there is no copy yet). The
    file's name is in the URL, so a new picture is a new URL and caches never show the old."""
    if connection is None or not connection.avatar_name:
        return ""
    filename = connection.avatar_name.rsplit("/", 1)[-1]
    return reverse("connections:avatar", args=[connection.pk, filename])
