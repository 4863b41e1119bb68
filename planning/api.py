"""/v1/launches/import, /v1/launches/export, /v1/analytics/summary."""

import json
import zoneinfo

from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from developer.models import Scope
from dropspace.api.errors import Code
from dropspace.api.parsers import StrictJSONParser
from dropspace.api.schema import envelope, errors
from launches import selectors as launch_selectors
from planning import analytics, selectors, services
from planning.serializers import (
    ImportReportSerializer,
    ImportRequestSerializer,
    ImportUploadSerializer,
    SummaryQuerySerializer,
    SummarySerializer,
)
from planning.views import csv_response

TAGS = ["Planning"]


class ImportView(APIView):
    required_scopes = {"POST": Scope.WRITE}
    parser_classes = [StrictJSONParser, MultiPartParser]

    @extend_schema(
        tags=TAGS,
        summary="Import launches from a CSV or JSON file, with a per-row report",
        description="Each row is checked with the same rules as POST /v1/launches and created "
        "on its own (a broken row is skipped with its problems; the others are created). "
        "Re-sending the same file creates nothing twice (already_imported). dry_run checks "
        "every row and creates nothing. Columns: title, product_description (description), "
        "platforms, scheduled_date (scheduled_at) with an offset or a timezone column, persona "
        "(name or id), product_url, user_platform_accounts (key=connection id; …), "
        "dropspace_platforms, one content column per platform (twitter, linkedin, …; tweets "
        "of a thread separated by a --- line), reddit_title, producthunt_title, "
        "hackernews_title, reddit_subreddits, media_urls (fetched like the API's `media` items "
        "of source url). "
        "A file with more valid rows than IMPORT_INLINE_ROWS (20) is created in the background: "
        "the answer is 202 with status queued, and GET /v1/launches/imports/{import_id} "
        "reports the progress and, when done, every row.",
        request={
            "application/json": ImportRequestSerializer,
            "multipart/form-data": ImportUploadSerializer,
        },
        responses={
            200: envelope(ImportReportSerializer),
            202: envelope(ImportReportSerializer),
            **errors(Code.SERVER_002),
        },
    )
    def post(self, request):
        uploaded = request.content_type.startswith("multipart/")
        shape = ImportUploadSerializer if uploaded else ImportRequestSerializer
        params = shape(data=request.data)
        params.is_valid(raise_exception=True)
        data, format, filename = _file_of(params.validated_data)
        arguments = {"owner": request.user, "data": data, "format": format}
        if params.validated_data["dry_run"]:
            _, _, rows = services.check_file(**arguments, filename=filename)
            return Response({"data": _dry_run_report(rows)})
        job = services.preview_import(**arguments, filename=filename)
        job = services.start_import(job=job)
        return Response({"data": _report(job)}, status=200 if job.is_finished else 202)


class ImportDetailView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="An import's progress and per-row report",
        responses={200: envelope(ImportReportSerializer), **errors(Code.SERVER_003)},
    )
    def get(self, request, import_id):
        job = selectors.get_import_for_user(request.user, import_id)
        return Response({"data": _report(job)})


def _file_of(validated: dict) -> tuple[bytes, str, str]:
    """(bytes, format, filename) of the request; the format "" is guessed from the file."""
    if "file" in validated:
        upload = validated["file"]
        return upload.read(), "", upload.name
    filename = validated["filename"]
    if "launches" in validated:
        # Sorted keys: the same launches sent again hash the same (idempotent re-import).
        return json.dumps(validated["launches"], sort_keys=True).encode(), "json", filename
    return validated["content"].encode(), validated.get("format", "csv"), filename


def _counts(rows: list[dict]) -> dict:
    statuses = [row["status"] for row in rows]
    return {
        "total": len(rows),
        "created": statuses.count(services.CREATED),
        "skipped": statuses.count(services.SKIPPED) + statuses.count("invalid"),
        "already_imported": statuses.count(services.ALREADY),
    }


def _report(job) -> dict:
    notes = {row["row"]: row["notes"] for row in job.rows}
    rows = [{**item, "notes": notes.get(item["row"], [])} for item in job.report]
    progress = {"status": job.status, "processed": job.processed}
    counts = {**_counts(rows), "total": job.total}
    return {"import_id": job.pk, "dry_run": False, **progress, **counts, "rows": rows}


def _dry_run_report(checked: list[dict]) -> dict:
    rows = [
        {
            "row": row["row"],
            "title": row["title"],
            "status": _dry_status(row),
            "launch_id": None,
            "problems": row["problems"],
            "notes": row["notes"],
        }
        for row in checked
    ]
    progress = {"status": "preview", "processed": len(rows)}
    return {"import_id": None, "dry_run": True, **progress, **_counts(rows), "rows": rows}


def _dry_status(row: dict) -> str:
    if row["already_imported"]:
        return services.ALREADY
    return "invalid" if row["problems"] else "ready"


class ExportView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="Export launches and their posts (status, links, latest metrics) as CSV",
        description="One line per post; a launch without posts has one line with empty post "
        "columns. Metrics are the latest stored numbers (refreshed every 15 minutes).",
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="the CSV file")
        },
    )
    def get(self, request):
        return csv_response(request.user)


class SummaryView(APIView):
    required_scopes = {"GET": Scope.READ}

    @extend_schema(
        tags=TAGS,
        summary="Analytics across launches: totals per platform and period, trend, best posts",
        description="From the stored metrics (refreshed every 15 minutes), in your timezone. "
        "Engagement adds the platform's reactions, replies, shares and saves; impressions are "
        "views where the platform reports them.",
        parameters=[SummaryQuerySerializer],
        responses={200: envelope(SummarySerializer), **errors(Code.SERVER_002, Code.SERVER_003)},
    )
    def get(self, request):
        params = SummaryQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        persona_id = params.validated_data["persona_id"]
        if persona_id:
            launch_selectors.get_persona_for_user(request.user, persona_id)  # 404 for a stranger's
        filters = analytics.Filters(
            period=params.validated_data["period"],
            platform=params.validated_data["platform"],
            persona_id=str(persona_id or ""),
        )
        # Periods and buckets are the person's days, as on the page.
        with timezone.override(zoneinfo.ZoneInfo(request.user.timezone or "UTC")):
            data = analytics.summary(request.user, filters)
            return Response({"data": SummarySerializer(data).data})


urlpatterns = [
    path("launches/import", ImportView.as_view(), name="api-launches-import"),
    path(
        "launches/imports/<str:import_id>",
        ImportDetailView.as_view(),
        name="api-launches-import-detail",
    ),
    path("launches/export", ExportView.as_view(), name="api-launches-export"),
    path("analytics/summary", SummaryView.as_view(), name="api-analytics-summary"),
]
