"""The work of one post, run by launches.tasks: claim, call the adapter, settle.

A task may run twice (a redelivered message, the sweeper's re-enqueue): the claim is a
conditional update (pending -> publishing), so only one run ever calls the platform.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from connections import services as connection_services
from connections.models import Connection
from connections.platforms import adapter_class, adapter_for
from connections.platforms.base import (
    PendingPublish,
    PermanentError,
    PlatformError,
    PlatformTimeout,
    PublishResult,
    ReauthError,
    RetryableError,
)
from launches import tasks
from launches.models import Launch, PostingLog
from launches.publishing import content, limits, pacing, services
from launches.publishing.targets import RECONNECT
from webhooks.services import record_event

log = logging.getLogger(__name__)

P = PostingLog.Status
# A delayed task may run a moment before the time the row records.
CLOCK_SLACK = timedelta(seconds=2)
CHECK_AGAIN = "check the platform before retrying"
# A post that found its platform's in-flight slots all taken is tried again this much later.
SLOT_RETRY_SECONDS = 1.0
# ... and one whose limits could not be checked (Redis unreachable), this much later.
LIMITS_RETRY_SECONDS = 30.0


def publish_post(*, log_id) -> None:
    entry = _claim(log_id)
    if entry is None:
        return
    connection = Connection.objects.filter(pk=entry.connection_id, is_active=True).first()
    if connection is None:
        _fail(entry, f"the account is no longer connected. {RECONNECT}", "disconnected")
        return
    healthy = connection.health != Connection.Health.NEEDS_REAUTH
    try:
        request = content.post_request(entry.launch, entry, sandbox=connection.is_sandbox)
    except Exception:  # nothing was sent: a plain failure, safe to retry once fixed
        log.exception("preparing post %s failed", entry.pk)
        _fail(entry, "the post could not be prepared from the launch's content", "prepare_failed")
        return
    try:
        slot = _limited(entry, connection, request)
    except Exception:  # the limits' store (Redis) failed us: nothing was sent, so later
        log.exception("checking the platform limits for post %s failed", entry.pk)
        _put_back(entry, LIMITS_RETRY_SECONDS)
        return
    if slot is None:
        return
    with slot:
        try:
            outcome = adapter_for(connection).publish(connection, request)
        except PlatformError as exc:
            outcome = exc
        except Exception:
            # A bug or an unexpected answer after the request may have gone out: never re-post.
            log.exception("publishing post %s failed unexpectedly", entry.pk)
            outcome = None
    # The slot is back before the outcome is written: the database is not the platform.
    if outcome is None:
        _unconfirmed(entry, "publishing failed unexpectedly", [])
    elif isinstance(outcome, PlatformError):
        _on_error(entry, connection, outcome, was_healthy=healthy)
    else:
        _on_outcome(entry, connection, outcome)


def _limited(entry: PostingLog, connection: Connection, request) -> limits.Slot | None:
    """The in-flight slot this post calls the platform in, or None when it must wait: put
    back, uncounted, for as long as the platform's limits say."""
    wait = pacing.wait_left(connection.pk)
    if wait:  # the platform told this account to slow down (a 429)
        _put_back(entry, wait)
        return None
    sandbox = connection.is_sandbox
    slot = limits.take_slot(entry.platform, sandbox=sandbox)
    if slot is None:  # the platform's in-flight cap is full across the workers
        _put_back(entry, SLOT_RETRY_SECONDS)
        return None
    try:
        posts = _posts_in(request)
        wait = limits.reserve(entry.platform, connection.pk, sandbox=sandbox, posts=posts)
    except BaseException:
        slot.release()
        raise
    if wait:  # this account (or the app) posted its window's allowance: when it has room
        slot.release()
        _put_back(entry, wait)
        return None
    return slot


def _posts_in(request) -> int:
    """Posts this request creates on the platform, as its posting limits count them: each
    tweet of a thread, each subreddit; less what an earlier attempt already published."""
    items = 1 + len(request.thread) if request.thread else max(len(request.subreddits), 1)
    return max(items - len(request.already_published), 1)


def _claim(log_id) -> PostingLog | None:
    now = timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + CLOCK_SLACK)
    claimed = PostingLog.objects.filter(
        due, pk=log_id, status=P.PENDING, launch__status=Launch.Status.RUNNING
    ).update(
        status=P.PUBLISHING,
        attempt_count=F("attempt_count") + 1,
        next_attempt_at=None,
        updated_at=now,
    )
    if not claimed:
        _drop_if_cancelled(log_id)
        return None
    return PostingLog.objects.select_related("launch", "launch__owner").get(pk=log_id)


def _drop_if_cancelled(log_id) -> None:
    """A post still pending when its launch was cancelled is never sent."""
    PostingLog.objects.filter(
        pk=log_id, status=P.PENDING, launch__status=Launch.Status.CANCELLED
    ).update(
        status=P.FAILED,
        error_code="cancelled",
        error_message="the launch was cancelled before this post was sent",
        updated_at=timezone.now(),
    )


# --- outcomes ---------------------------------------------------------------------------------


def _on_outcome(entry: PostingLog, connection: Connection, outcome) -> None:
    connection_services.mark_connection_healthy(connection=connection)
    if isinstance(outcome, PublishResult):
        services.settle_post(
            entry.pk,
            launch_id=entry.launch_id,
            status=P.SUCCESS,
            post_id=outcome.post_id,
            post_url=outcome.post_url,
            **content.published_fields(content.items_to_json(outcome.items)),
            pending_publish=None,
            posted_at=timezone.now(),
            error_message="",
            error_code="",
        )
    elif isinstance(outcome, PendingPublish):
        _wait_for_platform(entry, outcome, checks=0)


def _wait_for_platform(entry: PostingLog, pending: PendingPublish, *, checks: int) -> None:
    """Store the platform's pending work and look again in a few seconds (no sleeping)."""
    if checks >= settings.PUBLISH_MAX_PENDING_CHECKS:
        _unconfirmed(entry, "the platform was still processing the post", [])
        return
    delay = min(max(int(pending.check_after), 1), settings.PUBLISH_PENDING_CHECK_MAX_SECONDS)
    with transaction.atomic():
        PostingLog.objects.filter(pk=entry.pk, status=P.PUBLISHING).update(
            pending_publish={"pending": pending.to_dict(), "checks": checks},
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            updated_at=timezone.now(),
        )
        queue = settings.PUBLISH_QUEUES[entry.platform]
        transaction.on_commit(
            lambda: tasks.check_pending_post.apply_async(
                args=[str(entry.pk)], countdown=delay, queue=queue
            ),
            robust=True,
        )


def check_pending_post(*, log_id) -> None:
    """One look at platform-side processing; claimed by pushing next_attempt_at forward."""
    now = timezone.now()
    lease = now + timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    claimed = PostingLog.objects.filter(
        pk=log_id,
        status=P.PUBLISHING,
        pending_publish__isnull=False,
        next_attempt_at__lte=now + CLOCK_SLACK,
    ).update(next_attempt_at=lease, updated_at=now)
    if not claimed:
        return
    entry = PostingLog.objects.select_related("launch", "launch__owner").get(pk=log_id)
    connection = Connection.objects.filter(pk=entry.connection_id, is_active=True).first()
    if connection is None:
        _unconfirmed(
            entry, "the account was disconnected while the platform processed the post", []
        )
        return
    stored = entry.pending_publish
    pending = PendingPublish.from_dict(stored["pending"])
    try:
        outcome = adapter_for(connection).check_pending(connection, pending)
    except RetryableError as exc:
        if exc.published:  # items went out first: the stored state is stale, retry from them
            _on_error(entry, connection, exc, was_healthy=True)
            return
        if isinstance(exc, PlatformTimeout) and exc.may_have_applied:
            # It timed out creating the post (a tweet, LinkedIn's post, Instagram's publish):
            # looking again could post it twice.
            _unconfirmed(entry, exc.message, [])
            return
        # a look is safe to repeat
        pending.check_after = _backoff(stored["checks"] + 1, exc.retry_after)
        _wait_for_platform(entry, pending, checks=stored["checks"] + 1)
        return
    except PlatformError as exc:
        _on_error(entry, connection, exc, was_healthy=True)
        return
    except Exception:
        log.exception("checking post %s failed unexpectedly", entry.pk)
        _unconfirmed(entry, "checking the platform failed unexpectedly", [])
        return
    if isinstance(outcome, PendingPublish):
        _wait_for_platform(entry, outcome, checks=stored["checks"] + 1)
    else:
        _on_outcome(entry, connection, outcome)


def _on_error(entry, connection, exc: PlatformError, *, was_healthy: bool) -> None:
    published = content.items_to_json(exc.published) or entry.published_items
    if isinstance(exc, PlatformTimeout) and exc.may_have_applied:
        _unconfirmed(entry, exc.message, published)
    elif isinstance(exc, RetryableError):
        _retry_later(entry, exc, published)
    elif isinstance(exc, ReauthError):
        _reauth(entry, connection, exc, published, was_healthy=was_healthy)
    else:
        reason = exc.reason if isinstance(exc, PermanentError) else exc.message
        _fail(entry, reason, exc.code or "rejected", published)


def _retry_later(entry: PostingLog, exc: RetryableError, published: list) -> None:
    if entry.attempt_count >= settings.PUBLISH_MAX_ATTEMPTS:
        message = f"gave up after {entry.attempt_count} attempts: {exc.message}"
        _fail(entry, message, exc.code or "retries_exhausted", published)
        return
    pacing.hold(entry.connection_id, exc.retry_after or 0)
    delay = _backoff(entry.attempt_count, exc.retry_after)
    with transaction.atomic():
        PostingLog.objects.filter(pk=entry.pk, status=P.PUBLISHING).update(
            status=P.PENDING,
            **content.published_fields(published),
            # What it uploaded, so the retry reuses it (kept from earlier when it uploaded none).
            uploaded_media=exc.uploaded or entry.uploaded_media,
            pending_publish=None,  # a retry starts over from what went out
            error_message=f"attempt {entry.attempt_count} failed, retrying: {exc.message}",
            error_code=exc.code or "retrying",
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            updated_at=timezone.now(),
        )
        _enqueue_later(entry, delay)


def _put_back(entry: PostingLog, delay: float) -> None:
    """Back to pending, uncounted, due when the account's hold ends."""
    with transaction.atomic():
        PostingLog.objects.filter(pk=entry.pk, status=P.PUBLISHING).update(
            status=P.PENDING,
            attempt_count=F("attempt_count") - 1,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            updated_at=timezone.now(),
        )
        _enqueue_later(entry, delay)


def _enqueue_later(entry: PostingLog, delay: float) -> None:
    if delay <= settings.PUBLISH_RETRY_MAX_SECONDS:
        # Longer waits (a long retry-after) are left to the sweeper: a countdown close to
        # the broker's visibility timeout would be delivered twice.
        queue = settings.PUBLISH_QUEUES[entry.platform]
        transaction.on_commit(
            lambda: tasks.publish_post.apply_async(
                args=[str(entry.pk)], countdown=delay, queue=queue
            ),
            robust=True,
        )


def _backoff(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with jitter, never sooner than the platform's retry-after."""
    base = settings.PUBLISH_RETRY_BASE_SECONDS * (2 ** max(attempt - 1, 0))
    jittered = min(base, settings.PUBLISH_RETRY_MAX_SECONDS) * (0.5 + secrets.randbelow(501) / 1000)
    return max(jittered, retry_after or 0.0)


def _reauth(entry, connection, exc: ReauthError, published: list, *, was_healthy: bool) -> None:
    label = adapter_class(entry.platform).label
    message = f"{label} access expired or was revoked ({exc.message}). {RECONNECT}"
    with transaction.atomic():
        if connection.health != Connection.Health.NEEDS_REAUTH:
            connection_services.record_platform_error(connection=connection, error=exc)
        if was_healthy and connection.owner_id:
            record_event(
                owner=connection.owner,
                type="connection.needs_reauth",
                data={
                    "connection_id": str(connection.pk),
                    "platform": connection.platform,
                    "account_name": connection.account_name,
                },
            )
        _fail(entry, message, "needs_reauth", published)


def _fail(entry: PostingLog, message: str, code: str, published: list | None = None) -> None:
    services.settle_post(
        entry.pk,
        launch_id=entry.launch_id,
        status=P.FAILED,
        error_message=message,
        error_code=str(code)[:64],
        **content.published_fields(published if published is not None else entry.published_items),
        pending_publish=None,
    )


def _unconfirmed(entry: PostingLog, reason: str, published: list) -> None:
    services.settle_post(
        entry.pk,
        launch_id=entry.launch_id,
        status=P.UNCONFIRMED,
        error_message=f"{reason}; the post may have been published: {CHECK_AGAIN}",
        error_code="unconfirmed",
        **content.published_fields(published or entry.published_items),
        pending_publish=None,
    )
