"""Reads of the planning pages and API, each scoped to its owner here and nowhere else."""

import uuid

from django.db.models import QuerySet
from django.db.models.functions import Coalesce

from dropspace.api.errors import ApiError, Code
from launches.models import Launch, PostingLog
from planning.models import ImportJob

S = Launch.Status
CALENDAR_STATUSES = [S.SCHEDULED, S.RUNNING, S.COMPLETED, S.PARTIAL, S.FAILED]


def calendar_launches(user, *, start, end, status=None, platform=None) -> list[Launch]:
    """Launches on the calendar between ``start`` and ``end``: when they went out, or when
    they will (``when``), oldest first."""
    launches = (
        Launch.objects.filter(owner=user, status__in=CALENDAR_STATUSES)
        .annotate(when=Coalesce("started_at", "scheduled_date"))
        .filter(when__gte=start, when__lt=end)
        .only("id", "name", "status", "platforms", "scheduled_date", "started_at")
        .order_by("when", "name")
    )
    if status:
        launches = launches.filter(status__in=_statuses(status))
    # A JSON list has no portable "contains" lookup (SQLite); a calendar range is small.
    return [launch for launch in launches if not platform or platform in launch.platforms]


def _statuses(status: str) -> list[str]:
    # "published" is how a person says completed or partially completed.
    return [S.COMPLETED, S.PARTIAL] if status == "published" else [status]


def get_import_for_user(user, import_id) -> ImportJob:
    """The person's import; 404 SERVER_003 for another's, an unknown or a malformed id."""
    try:
        import_id = uuid.UUID(str(import_id))
    except ValueError:
        import_id = None
    job = ImportJob.objects.filter(owner=user, pk=import_id).first() if import_id else None
    if job is None:
        raise ApiError(Code.SERVER_003, "import not found")
    return job


def recent_imports(user, *, limit: int = 5) -> list[ImportJob]:
    return list(ImportJob.objects.filter(owner=user).defer("rows", "report")[:limit])


def export_posts(user) -> QuerySet[PostingLog]:
    """Every post of the person's launches with its launch and latest stored metrics."""
    return (
        PostingLog.objects.filter(launch__owner=user)
        .select_related("launch", "metrics")
        .order_by("-launch__created_at", "launch_id", "created_at")
    )


def launches_without_posts(user) -> QuerySet[Launch]:
    return Launch.objects.filter(owner=user, posting_logs__isnull=True).order_by("-created_at")
