"""Deleting published posts from their platforms, and recording posts removed there.

Used by DELETE /v1/launches/:id/posts[/:logId], the dashboard and the metrics refresh. The
platform call happens outside any transaction (it can take seconds); the log's move to
``deleted`` is a conditional update, so two concurrent deletions record one ``post.deleted``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from connections.platforms import adapter_class, adapter_for
from connections.platforms.base import (
    DeleteNotSupported,
    PermanentError,
    PlatformError,
    ReauthError,
    RetryableError,
)
from launches import selectors
from launches.models import Launch, PostingLog
from webhooks.services import record_event

NOT_SUPPORTED = "DELETE_NOT_SUPPORTED"
# error_code values of a failed deletion, besides DELETE_NOT_SUPPORTED.
RECONNECT_REQUIRED = "RECONNECT_REQUIRED"  # the account's token is revoked or gone
PLATFORM_UNAVAILABLE = "PLATFORM_UNAVAILABLE"  # rate limit, outage: try again later
PLATFORM_REJECTED = "PLATFORM_REJECTED"  # the platform refused (its reason in "error")

# post.deleted reasons.
DELETED_BY_USER = "deleted_by_user"
REMOVED_ON_PLATFORM = "removed_on_platform"


def delete_post(*, log: PostingLog) -> dict:
    """Delete one published post (a deletable log) from its platform.

    Returns the spec's result object: ``{"success": True, "platform", "post_id",
    "deleted_at"}`` or ``{"success": False, "platform", "post_id", "error", "error_code"}``.
    A post already gone on the platform counts as deleted (the adapters treat the 404 so).
    """
    if not adapter_class(log.platform).supports_delete:
        return _failure(log, DeleteNotSupported(adapter_class(log.platform).label))
    connection = selectors.posting_connections([log]).get(log.connection_id)
    if connection is None:
        message = "the account that published this post is no longer connected; reconnect it"
        return _failure(log, ReauthError(message))
    adapter = adapter_for(connection)
    try:
        for post_id in _post_ids(log):
            adapter.delete(connection, post_id)
    except PlatformError as exc:
        return _failure(log, exc)
    deleted_at = timezone.now()
    _record_deleted(log, reason=DELETED_BY_USER, at=deleted_at)
    return {
        "success": True,
        "platform": log.platform,
        "post_id": log.post_id,
        "deleted_at": deleted_at,
    }


def delete_all_posts(*, launch: Launch) -> dict:
    """Delete every published post of ``launch``; the spec's bulk result with counts."""
    results = [delete_post(log=log) for log in selectors.deletable_posts(launch)]
    skipped = sum(1 for r in results if r.get("error_code") == NOT_SUPPORTED)
    deleted = sum(1 for r in results if r["success"])
    return {
        "results": results,
        "no_failures": deleted == len(results),
        "deleted_count": deleted,
        "failed_count": len(results) - deleted - skipped,
        "skipped_count": skipped,
    }


def mark_removed_on_platform(*, log: PostingLog, reason: str) -> bool:
    """Record that the platform no longer has this post (found by the metrics refresh).

    Returns whether the log changed (False when it was deleted meanwhile).
    """
    message = f"removed on the platform: {reason}"
    return _record_deleted(log, reason=REMOVED_ON_PLATFORM, at=timezone.now(), message=message)


def _post_ids(log: PostingLog) -> list[str]:
    """The post and, for a thread, its other tweets: the replies first, the head last."""
    ids = [str(i) for i in reversed(log.thread_post_ids or []) if str(i) != log.post_id]
    return [*dict.fromkeys(ids), log.post_id]


def _record_deleted(log: PostingLog, *, reason: str, at, message: str = "") -> bool:
    with transaction.atomic():
        changes = {"status": PostingLog.Status.DELETED, "updated_at": at}
        if message:
            changes["error_message"] = message
        changed = PostingLog.objects.filter(pk=log.pk, status=PostingLog.Status.SUCCESS).update(
            **changes
        )
        if changed:
            record_event(
                owner=log.launch.owner,
                type="post.deleted",
                data={
                    "launch_id": str(log.launch_id),
                    "post_id": str(log.pk),
                    "platform": log.platform,
                    "reason": reason,
                },
            )
    if changed:
        log.status, log.updated_at = PostingLog.Status.DELETED, at
    return bool(changed)


def _failure(log: PostingLog, error: PlatformError) -> dict:
    return {
        "success": False,
        "platform": log.platform,
        "post_id": log.post_id,
        "error": error.message,
        "error_code": _error_code(error),
    }


def _error_code(error: PlatformError) -> str:
    if error.code == NOT_SUPPORTED:
        return NOT_SUPPORTED
    if isinstance(error, ReauthError):
        return RECONNECT_REQUIRED
    if isinstance(error, RetryableError):
        return PLATFORM_UNAVAILABLE
    return PLATFORM_REJECTED if isinstance(error, PermanentError) else PLATFORM_UNAVAILABLE
