"""Launches and their posts as CSV: one line per post (a launch without posts: one line)."""

import csv
import json

from django.core.exceptions import ObjectDoesNotExist

from launches.models import Launch

COLUMNS = [
    "launch_id",
    "launch_name",
    "launch_status",
    "platforms",
    "scheduled_date",
    "created_at",
    "post_platform",
    "post_account",
    "post_status",
    "post_url",
    "posted_at",
    "post_error",
    "impressions",
    "engagement",
    "metrics",
    "metrics_fetched_at",
]


class _Echo:
    """A file-like object whose write returns the line, for a streamed response."""

    def write(self, value):
        return value


def launches_for_export(user):
    """Two queries per 500 launches (launches, then their posts with metrics)."""
    return (
        Launch.objects.filter(owner=user)
        .prefetch_related("posting_logs__metrics")
        .order_by("-created_at")
        .iterator(chunk_size=500)
    )


def csv_lines(launches):
    """The CSV, line by line (header first), for a StreamingHttpResponse."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for launch in launches:
        logs = list(launch.posting_logs.all())
        for log in logs or [None]:
            yield writer.writerow([_cell(value) for value in _line(launch, log)])


def _line(launch: Launch, log) -> list:
    line = [
        launch.pk,
        launch.name,
        launch.status,
        " ".join(launch.platforms),
        _iso(launch.scheduled_date),
        _iso(launch.created_at),
    ]
    if log is None:
        return [*line, *[""] * (len(COLUMNS) - len(line))]
    metrics = _metrics(log)
    return [
        *line,
        log.platform,
        log.target_key,
        log.status,
        log.post_url,
        _iso(log.posted_at),
        log.error_message,
        metrics.impressions if metrics else "",
        metrics.engagement if metrics else "",
        json.dumps(metrics.metrics, sort_keys=True) if metrics else "",
        _iso(metrics.fetched_at) if metrics else "",
    ]


def _metrics(log):
    try:
        return log.metrics  # the prefetched reverse one-to-one
    except ObjectDoesNotExist:
        return None


def _cell(value):
    """Text a spreadsheet would run as a formula (=, +, -, @) is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _iso(value) -> str:
    return value.isoformat() if value else ""
