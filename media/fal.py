"""fal's queue API through the official client (``fal-client``), and fal's webhook signatures.

Submit once, then ask the status (never wait in a worker), then fetch the result. The model ids
come from settings. fal signs its webhooks with Ed25519 over
``request_id \\n user_id \\n timestamp \\n sha256(body)``; the public keys are fal's JWKS.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass

import fal_client
import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.core.cache import cache

from dropspace import http

JWKS_CACHE_KEY = "media:fal-jwks"
# fal's sizes for text-to-image models that take an enum (the others take aspect_ratio).
IMAGE_SIZES = {
    "1:1": "square_hd",
    "16:9": "landscape_16_9",
    "9:16": "portrait_16_9",
    "4:3": "landscape_4_3",
    "3:4": "portrait_4_3",
}


class FalError(Exception):
    """fal refused or failed the request; ``retryable`` when asking again later may work."""

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass
class Status:
    state: str  # IN_QUEUE | IN_PROGRESS | COMPLETED
    queue_position: int | None = None
    error: str | None = None


def is_configured() -> bool:
    return bool(settings.FAL_KEY)


def model_for(generation_type: str, *, with_reference: bool = False) -> str:
    if generation_type == "image":
        return settings.FAL_IMAGE_EDIT_MODEL if with_reference else settings.FAL_IMAGE_MODEL
    return settings.FAL_VIDEO_MODEL


def arguments(job) -> dict:
    """The model's input for ``job`` (the shapes on fal's model pages)."""
    prompt = job.prompt
    if job.product_description:
        prompt = f"{prompt}\n\nProduct: {job.product_description}"[:4000]
    if job.generation_type == "image":
        args = {"prompt": prompt, "num_images": 1}
        if job.reference_image_url:
            return {**args, "image_url": job.reference_image_url, "aspect_ratio": job.aspect_ratio}
        if job.aspect_ratio in IMAGE_SIZES:
            return {**args, "image_size": IMAGE_SIZES[job.aspect_ratio]}
        return {**args, "aspect_ratio": job.aspect_ratio}
    if job.generation_type == "script_video":
        lines = " ".join(job.script)
        prompt = f"{prompt}\n\nVoice-over and on-screen captions, in order: {lines}"[:4000]
    return {
        "prompt": prompt,
        "aspect_ratio": job.aspect_ratio,
        "duration": f"{job.duration_seconds}s",
    }


def _client() -> fal_client.SyncClient:
    return fal_client.SyncClient(key=settings.FAL_KEY, default_timeout=30.0)


def submit(model_id: str, args: dict, webhook_url: str | None) -> str:
    """Queue the request; its fal request id."""
    with _errors():
        return _client().submit(model_id, arguments=args, webhook_url=webhook_url).request_id


def status(model_id: str, request_id: str) -> Status:
    with _errors():
        handle = _client().get_handle(model_id, request_id)
        answer = handle.status()
    if isinstance(answer, fal_client.Queued):
        return Status("IN_QUEUE", queue_position=answer.position)
    if isinstance(answer, fal_client.InProgress):
        return Status("IN_PROGRESS")
    return Status("COMPLETED", error=getattr(answer, "error", None))


def result(model_id: str, request_id: str) -> dict:
    """The output of a COMPLETED request (the client checks the status once more, no waiting)."""
    with _errors():
        return _client().result(model_id, request_id)


def output_url(output: dict) -> str:
    """The file URL in a model's output: ``images[0].url`` or ``video.url``."""
    if isinstance(output.get("video"), dict) and output["video"].get("url"):
        return output["video"]["url"]
    images = output.get("images") or []
    if images and isinstance(images[0], dict) and images[0].get("url"):
        return images[0]["url"]
    if isinstance(output.get("image"), dict) and output["image"].get("url"):
        return output["image"]["url"]
    raise FalError("fal's result has no image or video URL")


class _errors:
    """fal-client's exceptions as FalError (429 and 5xx are worth asking again)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if exc is None:
            return False
        if isinstance(exc, fal_client.client.FalClientHTTPError):
            retryable = exc.status_code == 429 or exc.status_code >= 500
            raise FalError(f"fal answered HTTP {exc.status_code}: {exc}", retryable=retryable)
        if isinstance(exc, httpx.HTTPError):
            raise FalError(f"could not reach fal: {type(exc).__name__}", retryable=True)
        return False


# --- webhooks ---------------------------------------------------------------------------------


def verify_webhook(headers, body: bytes) -> bool:
    """True only for a body fal signed recently with one of its published keys."""
    try:
        request_id = headers["X-Fal-Webhook-Request-Id"]
        user_id = headers["X-Fal-Webhook-User-Id"]
        timestamp = headers["X-Fal-Webhook-Timestamp"]
        signature = bytes.fromhex(headers["X-Fal-Webhook-Signature"])
        if abs(time.time() - int(timestamp)) > settings.FAL_WEBHOOK_TOLERANCE_SECONDS:
            return False
    except (KeyError, ValueError):
        return False
    message = "\n".join([request_id, user_id, timestamp, hashlib.sha256(body).hexdigest()]).encode()
    for key in public_keys():
        try:
            key.verify(signature, message)
            return True
        except InvalidSignature:
            continue
    return False


def public_keys() -> list[Ed25519PublicKey]:
    """fal's webhook keys (JWKS, cached a day; fetched through the one outbound fetcher)."""
    jwks = cache.get(JWKS_CACHE_KEY)
    if jwks is None:
        try:
            jwks = json.loads(http.fetch(settings.FAL_JWKS_URL).text)
        except (http.FetchError, ValueError):
            return []
        cache.set(JWKS_CACHE_KEY, jwks, 24 * 3600)
    keys = []
    for jwk in jwks.get("keys", []):
        if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and jwk.get("x"):
            raw = base64.urlsafe_b64decode(jwk["x"] + "=" * (-len(jwk["x"]) % 4))
            keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return keys
