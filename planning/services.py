"""Every change the planning pages and API make: moving a launch on the calendar, importing
launches. Both go through the launch services (launches.services), which own the rules."""

import hashlib
import logging
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from dropspace.api.errors import ApiError, Code
from launches import selectors as launch_selectors
from launches import services as launch_services
from launches.models import Launch
from planning import calendar
from planning.importing.parse import FileProblem, parse
from planning.importing.rows import in_words, read_row
from planning.models import ImportedRow, ImportJob

logger = logging.getLogger(__name__)
CREATED, SKIPPED, ALREADY = "created", "skipped", "already_imported"
PROGRESS_EVERY = 10  # rows between progress writes of a background import


# --- the calendar -----------------------------------------------------------------------------


def reschedule_launch(*, launch: Launch, by, to_day: date, to_hour: int | None = None) -> Launch:
    """Move a scheduled launch to another day (and hour), keeping its minutes.

    The editor's rules apply unchanged (update_launch): 15 minutes ahead, the content and
    posting accounts valid for publishing. 409 LAUNCH_003 for a launch that is not scheduled.
    """
    if launch.status != Launch.Status.SCHEDULED or launch.scheduled_date is None:
        raise ApiError(Code.LAUNCH_003, "only a scheduled launch can be moved on the calendar")
    when = calendar.moved(launch.scheduled_date, to_day, to_hour)
    changes = {"scheduled_date": when}
    return launch_services.update_launch(launch=launch, by=by, changes=changes)


# --- import -----------------------------------------------------------------------------------


def preview_import(*, owner, data: bytes, filename: str = "", format: str = "") -> ImportJob:
    """Parse and check every row of a file into an import to confirm; nothing is created yet.

    Raises 400 SERVER_002 when the file as a whole cannot be read (planning.importing.parse).
    """
    format, sha256, rows = check_file(owner=owner, data=data, filename=filename, format=format)
    return ImportJob.objects.create(
        owner=owner,
        filename=filename[:255],
        format=format,
        sha256=sha256,
        rows=rows,
        total=len(rows),
    )


def check_file(*, owner, data: bytes, filename: str = "", format: str = ""):
    """(format, sha256, rows with their problems) of a file, for a preview or a dry run."""
    try:
        format, raw_rows = parse(data, filename=filename, format=format)
    except FileProblem as exc:
        details = [{"field": "file", "message": str(exc)}]
        raise ApiError(Code.SERVER_002, str(exc), details=details) from exc
    sha256 = hashlib.sha256(data).hexdigest()
    personas = _personas_by_name(owner)
    rows = [
        read_row(number, raw, owner=owner, personas=personas).as_dict()
        for number, raw in enumerate(raw_rows, start=1)
    ]
    done = set(
        ImportedRow.objects.filter(owner=owner, sha256=sha256).values_list("row_number", flat=True)
    )
    for row in rows:
        row["already_imported"] = row["row"] in done
    return format, sha256, rows


def _personas_by_name(owner) -> dict:
    personas = {}
    for persona in launch_selectors.personas_for(owner):
        personas.setdefault(persona.name.strip().lower(), persona)
        personas[str(persona.pk)] = persona
    return personas


def start_import(*, job: ImportJob, background: bool | None = None) -> ImportJob:
    """Create the job's valid rows: now for a small file, in a Celery task for a large one."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEW).update(
        status=ImportJob.Status.QUEUED
    )
    if not claimed:
        raise ApiError(Code.LAUNCH_003, "this import has already been started")
    if background is None:
        background = job.valid_rows > settings.IMPORT_INLINE_ROWS
    if background:
        from planning import tasks  # tasks import this module

        transaction.on_commit(lambda: tasks.run_import.delay(str(job.pk)))
    else:
        run_import(job_id=job.pk)
    job.refresh_from_db()
    return job


def run_import(*, job_id) -> ImportJob:
    """Create each valid row through create_launch, one atomic row at a time; idempotent."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    report = []
    try:
        for index, row in enumerate(job.rows, start=1):
            report.append(_import_row(job, row))
            if index % PROGRESS_EVERY == 0:
                ImportJob.objects.filter(pk=job.pk).update(processed=index, report=report)
    except Exception as exc:  # an unexpected failure ends the job visibly, never silently
        logger.exception("import %s failed at row %s", job.pk, len(report) + 1)
        _finish(job, report, ImportJob.Status.FAILED, error=str(exc))
        raise
    return _finish(job, report, ImportJob.Status.DONE)


def _finish(job: ImportJob, report: list, status: str, error: str = "") -> ImportJob:
    job.report, job.processed, job.status, job.error = report, len(report), status, error
    job.finished_at = timezone.now()
    job.save(update_fields=["report", "processed", "status", "error", "finished_at"])
    return job


def _import_row(job: ImportJob, row: dict) -> dict:
    result = {"row": row["row"], "title": row["title"], "launch_id": None}
    if row["problems"]:
        return {**result, "status": SKIPPED, "problems": row["problems"]}
    claim = _claim(job, row["row"])
    if claim is None:
        earlier = ImportedRow.objects.filter(
            owner=job.owner, sha256=job.sha256, row_number=row["row"]
        ).first()
        message = "already imported from this file"
        launch_id = str(earlier.launch_id) if earlier and earlier.launch_id else None
        problems = [{"column": "", "message": message}]
        return {**result, "status": ALREADY, "launch_id": launch_id, "problems": problems}
    try:
        launch, _ = launch_services.create_launch(owner=job.owner, **_arguments(row["input"]))
    except ApiError as exc:
        claim.delete()  # nothing of the row stays: it can be imported again once fixed
        return {**result, "status": SKIPPED, "problems": _problems_of(exc)}
    except BaseException:
        claim.delete()
        raise
    ImportedRow.objects.filter(pk=claim.pk).update(launch=launch)
    return {**result, "status": CREATED, "launch_id": str(launch.pk), "problems": []}


def _claim(job: ImportJob, number: int) -> ImportedRow | None:
    """Reserve the row so that a second upload (or a retried task) cannot create it twice."""
    try:
        with transaction.atomic():
            return ImportedRow.objects.create(owner=job.owner, sha256=job.sha256, row_number=number)
    except IntegrityError:
        return None


def _arguments(stored: dict) -> dict:
    arguments = dict(stored)
    if "scheduled_date" in arguments:
        arguments["scheduled_date"] = datetime.fromisoformat(arguments["scheduled_date"])
    return arguments


def _problems_of(exc: ApiError) -> list:
    if exc.details:
        return [in_words(item) for item in exc.details if isinstance(item, dict)]
    return [{"column": "", "message": exc.message}]
