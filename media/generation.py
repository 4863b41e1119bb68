"""AI media jobs: start one, move it forward a step at a time, settle it.

A job is counted against the plan's monthly allowance in the transaction that creates it.
``advance_job`` does one short step (render locally, submit to fal once, or ask fal's status
once) and says when to come back: no worker ever waits on fal. ``resume_stalled_jobs`` picks up
jobs whose worker or message was lost and fails those past the time bound. Finished files go
through the same ingest as uploads (type sniffed, decoded, size-capped) into our storage, as a
``generated`` MediaAsset on the launch; ``media.ready`` or ``media.failed`` goes to the outbox.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import re
import tempfile
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from billing import selectors as billing_selectors
from billing import services as billing
from billing.models import Meter
from dropspace.api.errors import ApiError, Code
from launches import attachments
from launches import selectors as launch_selectors
from media import fal, renderer, tasks
from media import services as media_services
from media.models import MediaAsset, MediaJob
from media.selectors import open_file
from media.storage import file_url, public_media_problem
from webhooks import services as webhooks

log = logging.getLogger(__name__)
T = MediaJob.Type
ASPECT_RATIOS = ("1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "5:4", "4:5", "21:9")
VIDEO_ASPECT_RATIOS = ("16:9", "9:16")
DURATIONS = (4, 6, 8)
SCRIPT_PLATFORMS = ("instagram", "tiktok")
PROMPT_MIN, PROMPT_MAX = 10, 2000
# How long fal usually takes (progress estimates only; the time bound is a setting).
EXPECTED_SECONDS = {T.IMAGE: 15, T.VIDEO: 120, T.SCRIPT_VIDEO: 120}


# --- start ------------------------------------------------------------------------------------


def meter_for(generation_type: str) -> Meter:
    return Meter.AI_IMAGES if generation_type == T.IMAGE else Meter.AI_VIDEOS


def check_request(
    *, generation_type, platform="", prompt="", aspect_ratio=None, duration_seconds=None,
    reference_image_url="",
) -> list[dict]:  # fmt: skip
    """Every problem of a generation request (400 SERVER_002 with these details)."""
    problems = []
    if generation_type not in T.values:
        problems.append(_problem("type", 'type must be "image", "video" or "script_video"'))
        return problems
    is_video = generation_type != T.IMAGE
    if generation_type == T.SCRIPT_VIDEO:
        if platform not in SCRIPT_PLATFORMS:
            problems.append(
                _problem("platform", 'script_video needs platform "instagram" or "tiktok"')
            )
        if not prompt:
            problems.append(_problem("prompt", "script_video needs a prompt: the script to show"))
    if prompt and not PROMPT_MIN <= len(prompt) <= PROMPT_MAX:
        problems.append(_problem("prompt", f"prompt must be {PROMPT_MIN}-{PROMPT_MAX} characters"))
    allowed = VIDEO_ASPECT_RATIOS if is_video else ASPECT_RATIOS
    if aspect_ratio is not None and aspect_ratio not in allowed:
        what = "video supports" if is_video else "image supports"
        problems.append(_problem("options.aspect_ratio", f"{what} {', '.join(allowed)}"))
    if duration_seconds is not None and (not is_video or duration_seconds not in DURATIONS):
        message = "duration_seconds is 4, 6 or 8, for video and script_video only"
        problems.append(_problem("options.duration_seconds", message))
    if reference_image_url and is_video:
        message = "reference_image_url is for type image only"
        problems.append(_problem("reference_image_url", message))
    return problems


def start_generation(
    *,
    owner,
    generation_type: str,
    launch_id,
    platform: str = "",
    prompt: str = "",
    product_description: str = "",
    aspect_ratio: str | None = None,
    duration_seconds: int | None = None,
    reference_image_url: str = "",
    attach_to: list[str] | None = None,
) -> tuple[MediaJob, dict, str]:
    """Start a job; return it with the allowance after it (``usage``) and the plan's name.

    Raises 400 SERVER_002 (bad request), 404 LAUNCH_001 (not the caller's launch), 403 AUTH_002
    (plan without media generation), 429 MEDIA_001 (monthly allowance used), 429 RATE_001 (too
    many jobs running), 400 UPLOAD_00x (a reference image that is not a usable image).
    """
    problems = check_request(
        generation_type=generation_type,
        platform=platform,
        prompt=prompt,
        aspect_ratio=aspect_ratio,
        duration_seconds=duration_seconds,
        reference_image_url=reference_image_url,
    )
    if problems:
        raise ApiError(Code.SERVER_002, problems[0]["message"], details=problems)
    launch = launch_selectors.get_launch_for_user(owner, launch_id)
    meter = meter_for(generation_type)
    billing.ensure_available(account=owner, meter=meter)
    _ensure_concurrency(owner)
    reference = _store_reference(owner, reference_image_url) if reference_image_url else None
    is_video = generation_type != T.IMAGE
    job = MediaJob(
        owner=owner,
        launch=launch,
        generation_type=generation_type,
        platform=platform,
        prompt=prompt or default_prompt(launch),
        product_description=product_description or launch.product_description,
        aspect_ratio=aspect_ratio or ("9:16" if is_video else "1:1"),
        duration_seconds=(duration_seconds or 8) if is_video else None,
        reference_image_url=file_url(reference) if reference else "",
        reference_asset=reference,
        script=script_lines(prompt) if generation_type == T.SCRIPT_VIDEO else [],
        attach_to=list(attach_to or []),
        model_id=_model_id(generation_type, bool(reference)),
    )
    with transaction.atomic():
        usage = billing.charge(account=owner, meter=meter, object_id=job.pk)
        _ensure_concurrency(owner)  # again, under the person's lock charge() holds
        job.save()
        transaction.on_commit(lambda: tasks.advance_job.delay(str(job.pk)))
    plan = billing_selectors.plan_for(owner).name
    return (
        job,
        {"used": usage["used"], "limit": usage["limit"], "remaining": usage["remaining"]},
        plan,
    )


def allowance(owner) -> dict:
    """What the person may still generate this billing period, for the dashboard."""
    plan = billing_selectors.plan_for(owner)
    period = billing_selectors.billing_period(owner)
    result = {
        "enabled": plan.media_generation,
        "plan": plan.label,
        "local": not fal.is_configured(),
    }
    for key, meter in (("images", Meter.AI_IMAGES), ("videos", Meter.AI_VIDEOS)):
        limit = getattr(plan, billing_selectors.METER_LIMIT[meter])
        used = billing_selectors.used_in_period(owner, meter, period)
        result[key] = billing_selectors.counter(limit, used)
    return result


def default_prompt(launch) -> str:
    """The prompt the dashboard offers for a launch: its name and what it is."""
    text = f"{launch.name}: {launch.product_description}".strip()
    return text[:PROMPT_MAX]


def script_lines(text: str) -> list[str]:
    """A script's lines: its own lines, or its sentences, at most 8 cards."""
    lines = [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
    if len(lines) <= 1:
        lines = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]
    return [line[:200] for line in lines[:8]]


def _ensure_concurrency(owner) -> None:
    running = MediaJob.objects.filter(owner=owner, status=MediaJob.Status.PROCESSING).count()
    if running >= settings.MEDIA_MAX_CONCURRENT_JOBS:
        raise ApiError(
            Code.RATE_001,
            f"{running} media jobs are still running (the limit is "
            f"{settings.MEDIA_MAX_CONCURRENT_JOBS} at a time): wait for one to finish",
        )


def _store_reference(owner, url: str) -> MediaAsset:
    """Fetch the reference image (through dropspace.http) and keep our copy: fal's edit model
    gets our bytes, never a fetch of the person's URL from our side twice."""
    asset = media_services.ingest_url(owner=owner, url=url)
    if asset.is_video:
        media_services.discard_assets([asset])
        raise ApiError(Code.UPLOAD_001, "reference_image_url must be an image")
    return asset


def _model_id(generation_type: str, with_reference: bool) -> str:
    if fal.is_configured():
        return fal.model_for(generation_type, with_reference=with_reference)
    return renderer.IMAGE_MODEL_ID if generation_type == T.IMAGE else renderer.VIDEO_MODEL_ID


def _problem(field: str, message: str) -> dict:
    return {"field": field, "message": message}


# --- advance ----------------------------------------------------------------------------------


def advance_job(job_id) -> float | None:
    """Do the job's next short step; the seconds until the next one, or None when settled."""
    job = MediaJob.objects.filter(pk=job_id, status=MediaJob.Status.PROCESSING).first()
    if job is None:
        return None
    if _past_deadline(job):
        fail_job(job, _timeout_message())
        return None
    _touch(job)
    if job.is_local:
        _render_locally(job)
        return None
    if not job.fal_request_id:
        return _submit_once(job)
    return _poll(job)


def _render_locally(job: MediaJob) -> None:
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115
        prefix="dropspace-render-", suffix=".mp4" if job.is_video else ".jpg", delete=False
    )
    handle.close()
    try:
        launch = job.launch
        seed = launch.name
        if job.is_video:
            cards = _video_cards(job, seed)
            renderer.render_video(
                cards,
                job.aspect_ratio,
                job.duration_seconds,
                handle.name,
                on_progress=lambda share: _set_progress(job, 10 + int(share * 80)),
            )
        else:
            card = renderer.Card(
                launch.name, _subtitle(job), renderer.keywords(job.prompt), palette_seed=seed
            )
            renderer.render_image(card, job.aspect_ratio, handle.name)
        _set_progress(job, 92)
        with open(handle.name, "rb") as rendered:
            asset = _ingest(job, iter(lambda: rendered.read(1 << 20), b""), handle.name)
        complete_job(job, asset)
    except ApiError as exc:
        fail_job(job, f"the rendered file was refused: {exc.message}")
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(handle.name)


def _video_cards(job: MediaJob, seed: str) -> list[renderer.Card]:
    title = renderer.Card(job.launch.name, _subtitle(job), renderer.keywords(job.prompt), seed)
    lines = job.script or script_lines(job.prompt)[:3]
    return [title, *(renderer.Card(line, palette_seed=seed) for line in lines)]


def _subtitle(job: MediaJob) -> str:
    text = job.product_description or job.prompt
    return re.split(r"(?<=[.!?])\s+", text.strip())[0][:180]


def _submit_once(job: MediaJob) -> float | None:
    """Submit to fal under the row's lock: a second worker finds the request id and polls."""
    refused = ""
    with transaction.atomic():
        locked = MediaJob.objects.select_for_update().get(pk=job.pk)
        if locked.fal_request_id:
            return settings.FAL_POLL_SECONDS
        try:
            request_id = fal.submit(job.model_id, _fal_arguments(job), _webhook_url())
        except fal.FalError as exc:
            if exc.retryable:
                return settings.FAL_POLL_SECONDS * 5
            refused = f"fal refused the job: {exc}"
        else:
            locked.fal_request_id = request_id
            locked.submitted_at = timezone.now()
            locked.progress = 5
            locked.save(update_fields=["fal_request_id", "submitted_at", "progress"])
    if refused:
        fail_job(job, refused)
        return None
    return _next_poll()


def _fal_arguments(job: MediaJob) -> dict:
    args = fal.arguments(job)
    if job.reference_asset_id:  # our stored copy, as a data URI: fal need not reach us
        reference = job.reference_asset
        with open_file(reference) as handle:
            data = base64.b64encode(handle.read()).decode()
        args["image_url"] = f"data:{reference.mime_type};base64,{data}"
    return args


def _poll(job: MediaJob) -> float | None:
    try:
        status = fal.status(job.model_id, job.fal_request_id)
    except fal.FalError as exc:
        if exc.retryable:
            return _next_poll() * 3
        fail_job(job, f"fal could not report on the job: {exc}")
        return None
    if status.state == "IN_QUEUE":
        _set_progress(job, 10)
        return _next_poll()
    if status.state == "IN_PROGRESS":
        elapsed = (timezone.now() - (job.submitted_at or job.created_at)).total_seconds()
        share = min(elapsed / EXPECTED_SECONDS[job.generation_type], 1.0)
        _set_progress(job, 20 + int(share * 70))
        return _next_poll()
    if status.error:
        fail_job(job, f"fal could not generate it: {status.error}")
        return None
    try:
        output = fal.result(job.model_id, job.fal_request_id)
    except fal.FalError as exc:
        if exc.retryable:
            return _next_poll() * 3
        fail_job(job, f"fal's result could not be read: {exc}")
        return None
    finish_from_output(job, output)
    return None


def finish_from_output(job: MediaJob, output: dict) -> None:
    """Download fal's file (its URLs expire) through dropspace.http and settle the job."""
    try:
        url = fal.output_url(output)
        _set_progress(job, 95)
        asset = media_services.ingest_url(
            owner=job.owner,
            url=url,
            source=MediaAsset.Source.GENERATED,
            fal_request_id=job.fal_request_id,
            prompt=job.prompt,
        )
    except fal.FalError as exc:
        fail_job(job, str(exc))
        return
    except ApiError as exc:
        fail_job(job, f"the generated file was refused: {exc.message}")
        return
    complete_job(job, asset)


def _ingest(job: MediaJob, chunks, path: str) -> MediaAsset:
    extension = ".mp4" if job.is_video else ".jpg"
    return media_services.ingest_chunks(
        owner=job.owner,
        chunks=chunks,
        filename=f"{job.launch.name[:60] or 'launch'}-{job.generation_type}{extension}",
        source=MediaAsset.Source.GENERATED,
        video_max=settings.MEDIA_VIDEO_MAX_BYTES,
        prompt=job.prompt,
    )


def _next_poll() -> float:
    return settings.FAL_WEBHOOK_BACKSTOP_SECONDS if _webhook_url() else settings.FAL_POLL_SECONDS


def _webhook_url() -> str | None:
    """fal calls us back only when it can reach us; otherwise we poll."""
    if public_media_problem() and not settings.FAL_WEBHOOK_BASE_URL:
        return None
    base = settings.FAL_WEBHOOK_BASE_URL or settings.SITE_URL
    return f"{base.rstrip('/')}{reverse('media:fal-webhook')}"


# --- settle -----------------------------------------------------------------------------------


def complete_job(job: MediaJob, asset: MediaAsset) -> None:
    """Mark done (once: a late webhook or poll finds it settled and its file is dropped)."""
    with transaction.atomic():
        locked = MediaJob.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or locked.status != MediaJob.Status.PROCESSING:
            transaction.on_commit(lambda: media_services.discard_assets([asset]))
            return
        locked.status = MediaJob.Status.COMPLETED
        locked.progress = 100
        locked.asset = asset
        locked.completed_at = timezone.now()
        locked.error_message = ""
        locked.save(update_fields=["status", "progress", "asset", "completed_at", "error_message"])
        attachments.add_generated(locked.launch_id, asset, attach_to=locked.attach_to)
        webhooks.record_event(
            owner=locked.owner,
            type="media.ready",
            data={
                "media_id": str(asset.pk),
                "job_id": str(locked.pk),
                "launch_id": str(locked.launch_id),
                "type": asset.kind,
                "generation_type": locked.generation_type,
                "url": file_url(asset),
            },
        )
    job.refresh_from_db()


def fail_job(job: MediaJob, message: str) -> None:
    with transaction.atomic():
        locked = MediaJob.objects.select_for_update().filter(pk=job.pk).first()
        if locked is None or locked.status != MediaJob.Status.PROCESSING:
            return
        locked.status = MediaJob.Status.FAILED
        locked.error_message = message[:1000]
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "error_message", "completed_at"])
        # Nothing was made: the job does not count against the month's allowance.
        billing.refund(
            account=locked.owner, meter=meter_for(locked.generation_type), object_id=locked.pk
        )
        webhooks.record_event(
            owner=locked.owner,
            type="media.failed",
            data={
                "media_id": str(locked.pk),
                "job_id": str(locked.pk),
                "launch_id": str(locked.launch_id),
                "type": "video" if locked.is_video else "image",
                "generation_type": locked.generation_type,
                "error": locked.error_message,
            },
        )
    log.info("media job %s failed: %s", job.pk, message)
    job.refresh_from_db()


def _set_progress(job: MediaJob, progress: int) -> None:
    """Progress only moves forward; the write is also the worker's heartbeat."""
    progress = min(progress, 99)
    if progress > job.progress:
        job.progress = progress
    MediaJob.objects.filter(pk=job.pk, progress__lt=progress).update(
        progress=progress, heartbeat_at=timezone.now()
    )


def _touch(job: MediaJob) -> None:
    MediaJob.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now(), attempts=job.attempts + 1
    )


# --- fal webhook, recovery --------------------------------------------------------------------


def handle_fal_webhook(headers, body: bytes) -> bool:
    """Apply a fal callback; False (and nothing changed) unless fal's signature holds."""
    if not fal.verify_webhook(headers, body):
        return False
    try:
        payload = json.loads(body)
    except ValueError:
        return False
    request_id = str(payload.get("request_id") or headers.get("X-Fal-Webhook-Request-Id"))
    job = MediaJob.objects.filter(
        fal_request_id=request_id, status=MediaJob.Status.PROCESSING
    ).first()
    if job is None:
        return True  # settled already, or not ours: nothing to do
    if payload.get("status") == "OK" and isinstance(payload.get("payload"), dict):
        finish_from_output(job, payload["payload"])
    else:
        fail_job(job, f"fal could not generate it: {payload.get('error') or 'unknown error'}")
    return True


def resume_stalled_jobs() -> int:
    """Re-queue jobs nobody is working on (a lost worker or message); fail the overdue ones."""
    now = timezone.now()
    stalled_before = now - timedelta(seconds=settings.MEDIA_JOB_STALL_SECONDS)
    resumed = 0
    for job in MediaJob.objects.filter(
        status=MediaJob.Status.PROCESSING, created_at__lt=stalled_before
    ):
        if _past_deadline(job):
            fail_job(job, _timeout_message())
        elif job.heartbeat_at is None or job.heartbeat_at < stalled_before:
            tasks.advance_job.delay(str(job.pk))
            resumed += 1
    return resumed


def _past_deadline(job: MediaJob) -> bool:
    return timezone.now() - job.created_at > timedelta(minutes=settings.MEDIA_JOB_TIMEOUT_MINUTES)


def _timeout_message() -> str:
    return (
        f"the generation did not finish within {settings.MEDIA_JOB_TIMEOUT_MINUTES} minutes "
        "and was stopped; try again"
    )
