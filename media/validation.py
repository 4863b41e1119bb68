"""What a file is, decided from its bytes only: sniffing, image decoding, video probing.

The name and the declared type are never trusted. Allowed: JPEG, PNG, WebP, GIF images and
MP4, QuickTime (MOV) videos.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import av
from PIL import Image

SNIFF_BYTES = 16
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
}
PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
}
# ISO base media brands of MP4 files (ftyp major brand); "qt  " is QuickTime.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"M4VP", b"dash", b"MSNV", b"f4v ", b"mmp4", b"XAVC",
}  # fmt: skip
# Old QuickTime files may start with one of these atoms instead of ftyp.
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


class InvalidMedia(Exception):
    """The bytes are not an allowed image or video (UPLOAD_001)."""


@dataclass
class Probe:
    width: int
    height: int
    duration: float | None = None
    container: str = ""
    codec: str = ""


def sniff(head: bytes) -> str:
    """The MIME type the first bytes show; InvalidMedia for anything not allowed."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    box = head[4:8]
    if box == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "video/quicktime"
        if brand in MP4_BRANDS:
            return "video/mp4"
    elif box in QUICKTIME_ATOMS:
        return "video/quicktime"
    raise InvalidMedia("unsupported media type: allowed are jpeg, png, webp, gif, mp4 and mov")


def is_video(mime_type: str) -> bool:
    return mime_type.startswith("video/")


def inspect(path: str, mime_type: str) -> Probe:
    """Decode the image or probe the video at ``path``; InvalidMedia when it does not hold up."""
    return _probe_video(path) if is_video(mime_type) else _decode_image(path, mime_type)


def _decode_image(path: str, mime_type: str) -> Probe:
    try:
        with warnings.catch_warnings():
            # A decompression bomb (far more pixels than any post needs) is refused outright.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()  # a truncated or corrupt file fails here
            with Image.open(path) as image:
                found, width, height = image.format, image.width, image.height
                image.load()  # verify() does not decode pixel data: decode it once
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidMedia(f"the file is not a readable image: {exc}") from exc
    except Image.DecompressionBombWarning as exc:
        raise InvalidMedia("the image has too many pixels") from exc
    if found != PILLOW_FORMATS[mime_type]:
        raise InvalidMedia(f"the file is not a readable {mime_type} image")
    return Probe(width=width, height=height)


def _probe_video(path: str) -> Probe:
    try:
        with av.open(path, metadata_errors="ignore") as container:
            streams = container.streams.video
            if not streams:
                raise InvalidMedia("the video has no video track")
            stream = streams[0]
            duration = _duration(container, stream)
            return Probe(
                width=stream.codec_context.width,
                height=stream.codec_context.height,
                duration=duration,
                container=container.format.name[:50],
                codec=(stream.codec_context.name or "")[:30],
            )
    except av.FFmpegError as exc:
        raise InvalidMedia(f"the file is not a readable video: {exc}") from exc


def _duration(container, stream) -> float | None:
    if container.duration is not None:
        return round(container.duration / av.time_base, 3)
    if stream.duration is not None and stream.time_base is not None:
        return round(float(stream.duration * stream.time_base), 3)
    return None


def poster_frame(path: str, max_side: int = 1280) -> bytes | None:
    """The video's first decodable frame as JPEG bytes (None when no frame decodes)."""
    try:
        with av.open(path, metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            for frame in container.decode(stream):
                image = frame.to_image()
                image.thumbnail((max_side, max_side))
                buffer = io.BytesIO()
                image.convert("RGB").save(buffer, "JPEG", quality=85)
                return buffer.getvalue()
    except (av.FFmpegError, IndexError, OSError):
        return None
    return None
