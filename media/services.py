"""Every change to media: ingest (upload, URL, base64), discard, delete.

Ingest streams the bytes to a temporary file (never holding a video in memory), hashing and
counting as they arrive; the type comes from the first bytes, the size cap from that type;
then the image is decoded or the video probed, and only a file that holds up is saved to the
media storage and gets its row. A failure leaves nothing behind.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import itertools
import logging
import os
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from dropspace import http
from dropspace.api.errors import ApiError, Code
from media import validation
from media.models import LaunchMedia, MediaAsset, MediaFetch
from media.storage import delete_files, media_storage

log = logging.getLogger(__name__)
S = MediaAsset.Source


class SpooledFile(File):
    """Our temporary file, offered to the storage as Django offers big uploads: a local
    FileSystemStorage moves it into place instead of copying it again."""

    def temporary_file_path(self) -> str:
        return self.file.name


@dataclass
class Spooled:
    """Bytes received into a temporary file, with what was learnt on the way."""

    path: str
    mime_type: str
    size: int
    checksum: str


# --- ingest -----------------------------------------------------------------------------------


def ingest_upload(*, owner, file, source: str = S.UPLOAD) -> MediaAsset:
    """Store an uploaded file (a Django UploadedFile, or any file object with ``name``)."""
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
    return ingest_chunks(
        owner=owner,
        chunks=chunks,
        filename=getattr(file, "name", "") or "upload",
        source=source,
        video_max=settings.MEDIA_VIDEO_MAX_BYTES,
    )


def ingest_base64(*, owner, data: str, filename: str = "", mime_type: str = "") -> MediaAsset:
    """Store base64 media from an API request; ``mime_type`` is not trusted (the bytes are)."""
    limit = max(settings.MEDIA_IMAGE_MAX_BYTES, settings.MEDIA_BASE64_VIDEO_MAX_BYTES)
    if len(data) > (limit + 2) // 3 * 4 + 4:  # over the cap however it decodes
        raise ApiError(Code.UPLOAD_002, too_large_message(limit))
    try:
        raw = base64.b64decode(data.split(",", 1)[-1] if data.startswith("data:") else data)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(Code.SERVER_002, "data is not valid base64") from exc
    return ingest_chunks(
        owner=owner,
        chunks=[raw],
        filename=filename or "upload",
        source=S.UPLOAD,
        video_max=settings.MEDIA_BASE64_VIDEO_MAX_BYTES,
    )


def ingest_url(
    *,
    owner,
    url: str,
    allow_loopback: bool = False,
    source: str = S.URL,
    progress: Callable[[int, int | None], None] | None = None,
    **fields,
) -> MediaAsset:
    """Fetch ``url`` through the SSRF-safe fetcher, streaming, and store it.

    AI generation downloads fal's results this way too (``source="generated"``, ``fields``
    such as ``fal_request_id`` go on the row).

    ``progress(received, total)`` is told as the bytes arrive (``total`` from Content-Length,
    None when the server did not say): the library's background fetches show it.

    ``allow_loopback`` is never set from a request: only the ingest benchmark (bench/) uses
    it, to serve its test file from 127.0.0.1.
    """
    cap = max(settings.MEDIA_IMAGE_MAX_BYTES, settings.MEDIA_VIDEO_MAX_BYTES)
    try:
        with http.stream(
            url,
            timeout=settings.MEDIA_FETCH_TIMEOUT_SECONDS,
            max_bytes=cap,
            allow_loopback=allow_loopback,
            chunk_size=1 << 20,
        ) as response:
            if response.status >= 400:
                raise ApiError(Code.SERVER_002, f"{url} answered HTTP {response.status}")
            chunks = response.chunks
            if progress is not None:
                chunks = _counted(chunks, _content_length(response.headers), progress)
            return ingest_chunks(
                owner=owner,
                chunks=chunks,
                filename=_name_from_url(response.url),
                source=source,
                source_url=url,
                video_max=settings.MEDIA_VIDEO_MAX_BYTES,
                **fields,
            )
    except http.UnsafeURLError as exc:
        raise ApiError(Code.SERVER_002, f"media url refused: {exc}") from exc
    except http.FetchError as exc:
        if "larger than" in str(exc):
            raise ApiError(Code.UPLOAD_002, too_large_message(cap)) from exc
        raise ApiError(Code.SERVER_002, f"could not fetch {url}: {exc}") from exc


def _content_length(headers) -> int | None:
    try:
        return int(headers.get("content-length") or 0) or None
    except ValueError:
        return None


def _counted(chunks: Iterable[bytes], total: int | None, progress) -> Iterator[bytes]:
    received = 0
    progress(received, total)
    for chunk in chunks:
        received += len(chunk)
        progress(received, total)
        yield chunk


def ingest_chunks(
    *,
    owner,
    chunks: Iterable[bytes],
    filename: str,
    source: str,
    video_max: int,
    source_url: str = "",
    **fields,
) -> MediaAsset:
    """Spool, check and store one file; the one path every ingest (and generation) takes.

    Raises 400 UPLOAD_001 (not an allowed type, or unreadable), UPLOAD_002 (too large),
    UPLOAD_003 (the storage failed). Extra ``fields`` (fal_request_id, prompt...) go on the row.
    """
    spooled = _spool(chunks, video_max)
    try:
        try:
            probe = validation.inspect(spooled.path, spooled.mime_type)
        except validation.InvalidMedia as exc:
            raise ApiError(Code.UPLOAD_001, str(exc)) from exc
        return _store(owner, spooled, probe, filename, source, source_url, fields)
    finally:
        with contextlib.suppress(FileNotFoundError):  # a local storage moved it into place
            os.unlink(spooled.path)


def _spool(chunks: Iterable[bytes], video_max: int) -> Spooled:
    """Write the chunks to a temporary file; the type (and so the cap) is told from the first
    bytes, and the stream is abandoned as soon as it passes the cap."""
    digest, size = hashlib.sha256(), 0
    handle = tempfile.NamedTemporaryFile(prefix="dropspace-media-", delete=False)  # noqa: SIM115
    try:
        with handle:
            head, rest = _head(iter(chunks))
            if not head:
                raise ApiError(Code.UPLOAD_001, "the file is empty")
            mime_type, cap = _type_and_cap(head, video_max)
            for chunk in itertools.chain([head], rest):
                size += len(chunk)
                if size > cap:
                    raise ApiError(Code.UPLOAD_002, too_large_message(cap, mime_type))
                digest.update(chunk)
                handle.write(chunk)
    except BaseException:
        os.unlink(handle.name)
        raise
    return Spooled(handle.name, mime_type, size, digest.hexdigest())


def _head(chunks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """At least the bytes needed to sniff (fewer only if the stream is shorter)."""
    head = b""
    for chunk in chunks:
        head += chunk
        if len(head) >= validation.SNIFF_BYTES:
            break
    return head, chunks


def _type_and_cap(head: bytes, video_max: int) -> tuple[str, int]:
    try:
        mime_type = validation.sniff(head)
    except validation.InvalidMedia as exc:
        raise ApiError(Code.UPLOAD_001, str(exc)) from exc
    if validation.is_video(mime_type):
        return mime_type, video_max
    return mime_type, settings.MEDIA_IMAGE_MAX_BYTES


def too_large_message(cap: int, mime_type: str = "") -> str:
    kind = "video" if validation.is_video(mime_type) else ("image" if mime_type else "media")
    return f"{kind} file too large: the limit is {cap / (1024 * 1024):g} MB"


def _store(owner, spooled: Spooled, probe, filename, source, source_url, fields) -> MediaAsset:
    asset_id = uuid.uuid4()
    extension = validation.EXTENSIONS[spooled.mime_type]
    storage = media_storage()
    # The poster first: a local storage then moves the spooled file away.
    poster = _store_poster(spooled, asset_id) if validation.is_video(spooled.mime_type) else ""
    try:
        with open(spooled.path, "rb") as handle:
            name = storage.save(f"assets/{asset_id.hex}{extension}", SpooledFile(handle))
    except Exception as exc:  # any backend (disk full, S3 refusing...) is the same to people
        log.warning("media storage save failed: %s", type(exc).__name__)
        delete_files(poster)
        raise ApiError(Code.UPLOAD_003, "media storage upload failed; try again") from exc
    try:
        return MediaAsset.objects.create(
            id=asset_id,
            poster_name=poster,
            owner=owner,
            kind=MediaAsset.Kind.VIDEO
            if validation.is_video(spooled.mime_type)
            else MediaAsset.Kind.IMAGE,
            source=source,
            storage_name=name,
            filename=display_name(filename, extension),
            mime_type=spooled.mime_type,
            size=spooled.size,
            width=probe.width,
            height=probe.height,
            duration=probe.duration,
            container=probe.container,
            codec=probe.codec,
            checksum=spooled.checksum,
            source_url=source_url,
            **fields,
        )
    except Exception:
        delete_files(name, poster)
        raise


def _store_poster(spooled: Spooled, asset_id) -> str:
    """Save the video's first frame; "" when none decodes (the video is still usable)."""
    frame = validation.poster_frame(spooled.path)
    if frame is None:
        return ""
    try:
        return media_storage().save(f"assets/{asset_id.hex}.poster.jpg", ContentFile(frame))
    except Exception:
        log.warning("media storage could not save a poster frame")
        return ""


def display_name(filename: str, extension: str) -> str:
    """A safe file name ending in the extension of the type the bytes showed."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem or "media"
    stem = get_valid_filename(stem)[:100] or "media"
    return f"{stem}{extension}"


def _name_from_url(url: str) -> str:
    return unquote(PurePosixPath(urlsplit(url).path).name) or "media"


# --- many at once ------------------------------------------------------------------------------


def ingest_items(*, owner, items: list[dict]) -> list[MediaAsset]:
    """Ingest a request's ``media`` items, all or nothing: on any failure the files stored so
    far are removed and the error names the item (``media[2]``)."""
    stored: list[MediaAsset] = []
    try:
        for index, item in enumerate(items):
            try:
                stored.append(_ingest_item(owner, item))
            except ApiError as exc:
                field = f"media[{index}]"
                exc.details = [{"field": field, "message": exc.message}]
                exc.message = f"{field}: {exc.message}"
                raise
    except BaseException:
        discard_assets(stored)
        raise
    return stored


def _ingest_item(owner, item: dict) -> MediaAsset:
    if item["source"] == "url":
        return ingest_url(owner=owner, url=item["url"])
    return ingest_base64(
        owner=owner,
        data=item["data"],
        filename=item.get("filename") or "",
        mime_type=item.get("mime_type") or "",
    )


def discard_assets(assets: list[MediaAsset]) -> None:
    """Remove assets just ingested for a request that then failed (files and rows). The files
    go now, not on commit: the caller's transaction may be the one rolling back."""
    for asset in assets:
        MediaAsset.objects.filter(pk=asset.pk).delete()
        delete_files(asset.storage_name, asset.poster_name)


# --- delete -----------------------------------------------------------------------------------


def delete_asset(*, asset: MediaAsset) -> None:
    """Delete an asset no launch uses; 409 SERVER_009 while a launch still uses it."""
    with transaction.atomic():
        locked = MediaAsset.objects.select_for_update().filter(pk=asset.pk).first()
        if locked is None:
            return
        if LaunchMedia.objects.filter(asset=locked).exists():
            raise ApiError(Code.SERVER_009, "this media is used by a launch: remove it there first")
        locked.delete()  # its files go on commit (media.storage.forget_deleted)


# --- the library's background fetches ---------------------------------------------------------

# Progress is written when this much more has arrived (not once per 1 MB chunk).
FETCH_PROGRESS_STEP = 4 * 1024 * 1024


def start_fetch(*, owner, url: str) -> MediaFetch:
    """Queue "add from a link" for a worker; the page polls the row for progress."""
    from media import tasks  # tasks call back into the services

    fetch = MediaFetch.objects.create(owner=owner, url=url)
    transaction.on_commit(lambda: tasks.fetch_url.delay(str(fetch.pk)))
    return fetch


def run_fetch(fetch_id) -> None:
    """A worker's fetch: taken once (a redelivered message does nothing), streamed to storage
    through ``ingest_url`` with its progress written as it goes, then completed or failed in
    the person's words."""
    now = timezone.now()
    taken = MediaFetch.objects.filter(
        pk=fetch_id, status=MediaFetch.Status.PROCESSING, started_at__isnull=True
    ).update(started_at=now, updated_at=now)
    if not taken:
        return
    fetch = MediaFetch.objects.select_related("owner").get(pk=fetch_id)
    written = {"bytes": -FETCH_PROGRESS_STEP}

    def progress(received: int, total: int | None) -> None:
        if received - written["bytes"] >= FETCH_PROGRESS_STEP:
            written["bytes"] = received
            MediaFetch.objects.filter(pk=fetch.pk).update(
                received_bytes=received, total_bytes=total, updated_at=timezone.now()
            )

    try:
        asset = ingest_url(owner=fetch.owner, url=fetch.url, progress=progress)
    except ApiError as exc:
        _settle_fetch(fetch, status=MediaFetch.Status.FAILED, error_message=exc.message)
    except Exception:
        log.exception("fetching %s failed", fetch.url)
        message = "the file could not be fetched; try again"
        _settle_fetch(fetch, status=MediaFetch.Status.FAILED, error_message=message)
    else:
        _settle_fetch(
            fetch, status=MediaFetch.Status.COMPLETED, asset=asset, received_bytes=asset.size
        )


def _settle_fetch(fetch: MediaFetch, **fields) -> None:
    MediaFetch.objects.filter(pk=fetch.pk).update(updated_at=timezone.now(), **fields)


def expire_stalled_fetches(owner) -> None:
    """A fetch no worker took or finished within the fetch timeout (plus a minute) will not
    finish: say so instead of showing its bar forever."""
    limit = timezone.now() - timedelta(seconds=settings.MEDIA_FETCH_TIMEOUT_SECONDS + 60)
    MediaFetch.objects.filter(
        owner=owner, status=MediaFetch.Status.PROCESSING, updated_at__lt=limit
    ).update(
        status=MediaFetch.Status.FAILED,
        error_message="the fetch stopped before it finished; try again",
        updated_at=timezone.now(),
    )
