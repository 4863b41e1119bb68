"""Reads of launches shared by the API and the pages: the one place tenant scoping lives."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from dropspace.api.errors import ApiError, Code
from launches.models import Launch, PostingLog
from personas import selectors as persona_selectors
from personas.models import Persona


class LaunchNotFound(ApiError, Http404):
    """404 LAUNCH_001 in the API, the 404 page in the dashboard."""

    def __init__(self):
        super().__init__(Code.LAUNCH_001, "launch not found")


def launches_visible_to(user) -> QuerySet[Launch]:
    return Launch.objects.filter(owner=user)


def launch_list_for(user, *, status: str | None = None) -> QuerySet[Launch]:
    launches = launches_visible_to(user).order_by("-created_at", "-id")
    return launches.filter(status=status) if status else launches


def get_launch_for_user(user, launch_id, *, with_logs: bool = False) -> Launch:
    launches = launches_visible_to(user).select_related("persona")
    if with_logs:
        launches = launches.prefetch_related(
            Prefetch("posting_logs", queryset=PostingLog.objects.order_by("created_at"))
        )
    try:
        return launches.get(pk=launch_id)
    except (Launch.DoesNotExist, ValueError, ValidationError) as exc:
        raise LaunchNotFound() from exc


def get_persona_for_user(user, persona_id) -> Persona:
    """The persona when ``user`` owns it; 404 SERVER_003 (as the launches spec says) otherwise."""
    try:
        return persona_selectors.get_persona_for_user(user, persona_id)
    except ApiError:
        raise ApiError(Code.SERVER_003, "persona not found") from None


def personas_for(user) -> QuerySet[Persona]:
    return persona_selectors.personas_visible_to(user).order_by("name")


# Which log speaks for a platform posted to several accounts: the one needing attention first.
ATTENTION = ["publishing", "pending", "failed", "unconfirmed", "manual", "success", "deleted"]


def posting_logs(launch: Launch) -> list[PostingLog]:
    """The launch's posts in creation order (uses the prefetch of ``with_logs``)."""
    return sorted(launch.posting_logs.all(), key=lambda entry: (entry.created_at, str(entry.pk)))


def posting_status(launch: Launch) -> dict:
    """``{platform: {"status", "post_url"?, "posted_at"?, "error_message"?}}`` from the logs.

    A platform posted to several accounts (LinkedIn profile + company page...) reports the log
    needing attention first, and lists every account under ``accounts``.
    """
    by_platform: dict[str, list[PostingLog]] = {}
    for entry in posting_logs(launch):
        by_platform.setdefault(entry.platform, []).append(entry)
    status = {}
    for platform, logs in by_platform.items():
        lead = min(logs, key=lambda e: ATTENTION.index(e.status))
        item = _status_item(lead)
        if len(logs) > 1:
            item["accounts"] = [{"target_key": e.target_key, **_status_item(e)} for e in logs]
        status[platform] = item
    return status


# --- after publishing: analytics and post deletion ---------------------------------------------


def posting_connections(logs) -> dict:
    """``{connection_id: Connection}`` for the logs, in one query.

    A connection counts only when it belongs to the log's launch owner or is an official
    account: a log can never reach a stranger's tokens.
    """
    from connections.models import Connection  # launches does not import connections' models

    ids = {log.connection_id for log in logs if log.connection_id}
    if not ids:
        return {}
    found = {c.pk: c for c in Connection.objects.filter(pk__in=ids, is_active=True)}
    allowed = {}
    for log in logs:
        connection = found.get(log.connection_id)
        if connection and connection.owner_id in (None, log.launch.owner_id):
            allowed[connection.pk] = connection
    return allowed


def recent_published_posts(*, since):
    """Published posts with a platform id, posted since ``since`` (None: any time)."""
    posts = (
        PostingLog.objects.filter(status=PostingLog.Status.SUCCESS)
        .exclude(post_id="")
        .select_related("launch__owner")
        .order_by("posted_at")
    )
    return posts.filter(posted_at__gte=since) if since else posts


def deletable_posts(launch: Launch):
    """The launch's posts that can be deleted: published, with a platform id."""
    return (
        PostingLog.objects.filter(launch=launch, status=PostingLog.Status.SUCCESS)
        .exclude(post_id="")
        .select_related("launch__owner")
        .order_by("created_at")
    )


def get_deletable_post(launch: Launch, log_id) -> PostingLog:
    """One deletable post of ``launch``; 404 SERVER_003 otherwise (also for another's log)."""
    try:
        return deletable_posts(launch).get(pk=log_id)
    except (PostingLog.DoesNotExist, ValueError, ValidationError) as exc:
        raise ApiError(Code.SERVER_003, "posting log not found or not deletable") from exc


def get_guided_post(launch: Launch, log_id) -> PostingLog:
    """A guided (Product Hunt / Hacker News) post of ``launch``; 404 otherwise."""
    try:
        return PostingLog.objects.select_related("launch").get(
            launch=launch, pk=log_id, status=PostingLog.Status.MANUAL
        )
    except (PostingLog.DoesNotExist, ValueError, ValidationError) as exc:
        raise ApiError(Code.SERVER_003, "posting log not found") from exc


def _status_item(entry: PostingLog) -> dict:
    item = {"status": entry.status}
    if entry.post_url:
        item["post_url"] = entry.post_url
    if entry.posted_at:
        item["posted_at"] = entry.posted_at
    if entry.error_message:
        item["error_message"] = entry.error_message
    return item


def get_posting_log_for_user(user, launch_id, log_id) -> PostingLog:
    """A post of the user's launch; 404 LAUNCH_001 for a stranger's or an unknown id."""
    launch = get_launch_for_user(user, launch_id)
    try:
        return PostingLog.objects.get(launch=launch, pk=log_id)
    except (PostingLog.DoesNotExist, ValueError, ValidationError) as exc:
        raise ApiError(Code.LAUNCH_001, "post not found") from exc
