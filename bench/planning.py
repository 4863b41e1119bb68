"""Bulk import and the analytics page.

Import: a 1,000-row CSV (two platforms with their content, a schedule with a timezone, a
posting account) checked (the preview) and created through ``planning.services`` (each row
through ``create_launch``), in rows per second, beside the floor: the same launches stored by
a plain loop of ``Launch.objects.create`` with no rules, claims or events.

Analytics: an account with 1,000 launches and 3,000 published posts with stored metrics; the
page ``/analytics/`` (all time, and 30 days) rendered in-process with Django's test client:
queries per page and latency p50 / p95, beside the floor: the same page of an empty account.
"""

import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from connections.models import Connection
from developer import services as developer_services
from launches.models import Launch, PostingLog
from planning import services
from planning.models import PostMetrics

ROWS = 1000
LAUNCHES = 1000
PAGE_REQUESTS = 30
PLATFORMS = ["twitter", "linkedin", "reddit"]


def run() -> list[tuple[str, str]]:
    # Pages render in-process: plain static storage, so no collectstatic manifest is needed.
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = {**settings.STORAGES, "staticfiles": static}
    # No launch limit: the default plan's (billing) is lifted.
    unlimited = {settings.DEFAULT_PLAN: {"launches_per_month": None}}
    with override_settings(BILLING_PLANS=unlimited, ALLOWED_HOSTS=["*"], STORAGES=storages):
        return _import_rows() + _analytics_rows()


# --- import -----------------------------------------------------------------------------------


def _csv(rows: int, connection_id: str) -> bytes:
    when = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d %H:%M")
    lines = ["title,product_description,platforms,twitter,linkedin,scheduled_at,timezone,accounts"]
    lines += [
        f'Bench import {n},"Acme turns invoices into payments, number {n}.",twitter linkedin,'
        f'"Acme {n} is live",Acme {n} on LinkedIn,{when},Europe/Paris,twitter={connection_id}'
        for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _import_rows() -> list[tuple[str, str]]:
    owner = _fresh_owner("bench-import@localhost")
    try:
        connection_id = _twitter_connection(owner)
        data = _csv(ROWS, connection_id)
        started = time.perf_counter()
        job = services.preview_import(owner=owner, data=data, filename="bench.csv")
        preview = time.perf_counter() - started
        started = time.perf_counter()
        job = services.start_import(job=job, background=False)
        created = time.perf_counter() - started
        made = job.created_count
        floor = _floor(owner, job.rows)
        return [
            ("import: preview 1,000-row CSV", f"{ROWS / preview:.0f} rows/s ({preview:.1f} s)"),
            (
                "import: create 1,000 rows",
                f"{made / created:.0f} rows/s ({made} made in {created:.1f} s) vs "
                f"{floor:.0f} rows/s plain Launch.objects.create loop "
                f"(ratio {made / created / floor:.2f})",
            ),
        ]
    finally:
        owner.delete()


def _twitter_connection(owner) -> str:
    connection_ = Connection.objects.create(
        owner=owner,
        platform="twitter",
        account_type="personal",
        entity_id="bench",
        username="bench",
        is_active=True,
    )
    return str(connection_.pk)


def _floor(owner, rows: list[dict]) -> float:
    started = time.perf_counter()
    for row in rows:
        arguments = row["input"]
        Launch.objects.create(
            owner=owner,
            name=arguments["title"],
            product_description=arguments["product_description"],
            platforms=arguments["platforms"],
            platform_contents=arguments["platform_contents"],
            scheduled_date=arguments["scheduled_date"],
            user_platform_accounts=arguments["user_platform_accounts"],
            status="scheduled",
        )
    return len(rows) / (time.perf_counter() - started)


# --- analytics --------------------------------------------------------------------------------


def _analytics_rows() -> list[tuple[str, str]]:
    owner = _fresh_owner("bench-analytics@localhost")
    empty = _fresh_owner("bench-analytics-empty@localhost")
    try:
        _seed(owner)
        rows = []
        for query in ("?period=all", "?period=30d"):
            queries, p50, p95 = _measure(owner, f"/analytics/{query}")
            _, floor50, floor95 = _measure(empty, f"/analytics/{query}")
            rows.append(
                (
                    f"analytics page {query} ({LAUNCHES} launches)",
                    f"{queries} queries, p50 {p50:.0f} ms / p95 {p95:.0f} ms vs empty account "
                    f"p50 {floor50:.0f} ms / p95 {floor95:.0f} ms",
                )
            )
        rows.append(_api_row(owner))
        return rows
    finally:
        owner.delete()
        empty.delete()


def _seed(owner) -> None:
    now = timezone.now()
    launches = Launch.objects.bulk_create(
        Launch(
            owner=owner,
            name=f"Bench analytics {n}",
            status="completed",
            platforms=PLATFORMS,
            product_description="Acme turns invoices into payments.",
            started_at=now - timedelta(hours=n),
        )
        for n in range(LAUNCHES)
    )
    logs = PostingLog.objects.bulk_create(
        PostingLog(
            launch=launch,
            platform=platform,
            target_key=platform,
            status="success",
            post_id=f"{launch.pk}-{platform}",
            post_url=f"https://example.com/{launch.pk}/{platform}",
            posted_at=launch.started_at,
        )
        for launch in launches
        for platform in PLATFORMS
    )
    PostMetrics.objects.bulk_create(
        PostMetrics(
            log=log,
            impressions=100 + index % 900,
            engagement=index % 97,
            metrics={"impressions": 100 + index % 900},
            fetched_at=now,
        )
        for index, log in enumerate(logs)
    )


def _measure(owner, url: str) -> tuple[int, float, float]:
    client = Client()
    client.force_login(owner)
    assert client.get(url).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = len(captured)  # now: the log is reset by the next request
    latencies = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return queries, statistics.median(latencies), _p95(latencies)


def _api_row(owner) -> tuple[str, str]:
    _, raw_key = developer_services.create_api_key(
        owner=owner, granter=owner, name="bench", scopes=["read"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    latencies = []
    for _ in range(PAGE_REQUESTS):
        started = time.perf_counter()
        response = client.get("/v1/analytics/summary?period=all")
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return (
        f"GET /v1/analytics/summary?period=all ({LAUNCHES} launches)",
        f"p50 {statistics.median(latencies):.0f} ms / p95 {_p95(latencies):.0f} ms",
    )


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _fresh_owner(email: str):
    User = get_user_model()
    User.objects.filter(email=email).delete()
    return User.objects.create_user(email, "bench-password-123")
