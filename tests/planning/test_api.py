"""POST /v1/launches/import, GET /v1/launches/export, GET /v1/analytics/summary."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from developer.models import Scope
from dropspace.celery import app as celery_app
from launches.models import Launch
from personas.models import Persona
from tests.launches.factories import LaunchFactory

pytestmark = pytest.mark.django_db

CSV = (
    "title,product_description,platforms,linkedin,scheduled_date\n"
    "Acme,Acme turns invoices into payments.,linkedin,Acme is live,2099-01-01T09:00:00Z\n"
    "Broken,,linkedin,,2099-01-01T09:00:00Z\n"
)


def import_(client, **body):
    return client.post("/v1/launches/import", body, format="json")


def test_import_creates_the_valid_rows_and_reports_each(api, user):
    response = import_(api, content=CSV, filename="launches.csv")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert (data["total"], data["created"], data["skipped"], data["already_imported"]) == (
        2,
        1,
        1,
        0,
    )
    created, broken = data["rows"]
    assert created["status"] == "created"
    assert Launch.objects.get(pk=created["launch_id"]).owner == user
    assert broken["status"] == "skipped"
    assert broken["launch_id"] is None
    assert broken["problems"] == [
        {"column": "product_description", "message": "product_description cannot be empty"}
    ]


def test_the_same_file_again_creates_nothing(api):
    import_(api, content=CSV)
    again = import_(api, content=CSV).json()["data"]
    assert again["created"] == 0
    assert again["already_imported"] == 1
    assert Launch.objects.count() == 1


def test_dry_run_creates_nothing(api):
    data = import_(api, content=CSV, dry_run=True).json()["data"]
    assert data["dry_run"] is True
    assert data["import_id"] is None
    assert [row["status"] for row in data["rows"]] == ["ready", "invalid"]
    assert not Launch.objects.exists()


def test_launches_as_json_objects(api):
    launches = [{"title": "Acme", "description": "Acme pays.", "platforms": ["linkedin"]}]
    data = import_(api, launches=launches).json()["data"]
    assert data["created"] == 1
    assert import_(api, launches=launches).json()["data"]["already_imported"] == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"content": CSV, "launches": []},
        {"content": CSV, "surprise": 1},
        {"content": "title,nope\nA,b\n"},
        {"content": CSV, "format": "xml"},
    ],
)
def test_malformed_imports_are_400(api, body):
    response = import_(api, **body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"
    assert not Launch.objects.exists()


def test_import_needs_the_write_scope(make_api_client, user):
    reader = make_api_client(user, scopes=[str(Scope.READ)])
    response = import_(reader, content=CSV)
    assert response.status_code == 403
    assert not Launch.objects.exists()


def test_export_is_csv_of_my_posts_only(api, user, stranger, make_published):
    log = make_published(user, "twitter", impressions=120, engagement=7)
    LaunchFactory(owner=user, name="=HYPERLINK(evil)")
    make_published(stranger, "linkedin")
    response = api.get("/v1/launches/export")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 2
    post = next(row for row in rows if row["post_platform"])
    assert post["launch_id"] == str(log.launch_id)
    assert (post["post_url"], post["impressions"], post["engagement"]) == (log.post_url, "120", "7")
    assert post["post_status"] == "success"
    bare = next(row for row in rows if not row["post_platform"])
    assert bare["launch_name"] == "'=HYPERLINK(evil)"  # not a formula in a spreadsheet


def test_export_needs_the_read_scope(make_api_client, user):
    writer = make_api_client(user, scopes=[str(Scope.WRITE)])
    assert writer.get("/v1/launches/export").status_code == 403


def test_dashboard_export(logged_in_client, user, make_published):
    make_published(user, "reddit", engagement=3)
    response = logged_in_client.get("/imports/export.csv")
    assert "attachment" in response["Content-Disposition"]
    assert b"reddit" in b"".join(response.streaming_content)


def test_summary(api, user, stranger, make_published):
    make_published(user, "twitter", impressions=1000, engagement=50)
    make_published(user, "twitter", impressions=500, engagement=10)
    make_published(user, "linkedin", impressions=300, engagement=40)
    make_published(stranger, "twitter", impressions=9999, engagement=999)
    make_published(
        user,
        "reddit",
        status="failed",
        posted_at=None,
        error_code="content_rejected",
        error_message="Title too long",
    )
    response = api.get("/v1/analytics/summary?period=7d")
    assert response.status_code == 200, response.content
    data = response.json()["data"]
    assert data["totals"] == {"posts": 3, "impressions": 1800, "engagement": 100}
    assert data["platforms"][0] == {
        "platform": "twitter",
        "posts": 2,
        "impressions": 1500,
        "engagement": 60,
    }
    assert data["bucket"] == "day"
    assert len(data["trend"]) == 8
    assert data["trend"][-1]["impressions"] == 1800
    assert [post["engagement"] for post in data["best_posts"]] == [50, 40, 10]
    [failure] = data["failures"]
    assert (failure["platform"], failure["reason"], failure["count"]) == (
        "reddit",
        "content_rejected",
        1,
    )
    only = api.get("/v1/analytics/summary?platform=linkedin").json()["data"]
    assert only["totals"]["posts"] == 1


def test_summary_by_persona_and_a_strangers_persona(api, user, stranger, make_published):
    mine = Persona.objects.create(owner=user, name="Olive")
    theirs = Persona.objects.create(owner=stranger, name="Sam")
    launch = LaunchFactory(owner=user, status="completed", persona=mine)
    make_published(user, "twitter", impressions=10, launch=launch)
    make_published(user, "twitter", impressions=99)
    data = api.get(f"/v1/analytics/summary?persona_id={mine.pk}").json()["data"]
    assert data["totals"]["impressions"] == 10
    assert api.get(f"/v1/analytics/summary?persona_id={theirs.pk}").status_code == 404


@pytest.mark.parametrize("query", ["period=1y", "platform=myspace", "persona_id=nope", "x=1"])
def test_summary_malformed_is_400(api, query):
    response = api.get(f"/v1/analytics/summary?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "SERVER_002"


def test_summary_needs_the_read_scope(make_api_client, user):
    writer = make_api_client(user, scopes=[str(Scope.WRITE)])
    assert writer.get("/v1/analytics/summary").status_code == 403


def test_summary_of_old_posts_needs_a_longer_period(api, user, make_published):
    make_published(user, "twitter", impressions=5, posted_at=timezone.now() - timedelta(days=40))
    assert api.get("/v1/analytics/summary").json()["data"]["totals"]["posts"] == 0
    assert api.get("/v1/analytics/summary?period=90d").json()["data"]["totals"]["posts"] == 1
    all_time = api.get("/v1/analytics/summary?period=all").json()["data"]
    assert all_time["bucket"] == "month"
    assert all_time["totals"]["impressions"] == 5


def test_a_strangers_import_is_their_own(
    api, stranger_api, user, stranger, make_platform_connection
):
    import_(api, content=CSV)
    theirs = import_(stranger_api, content=CSV).json()["data"]
    assert theirs["created"] == 1  # the same file, another person: not "already imported"
    assert Launch.objects.filter(owner=stranger).count() == 1
    mine = make_platform_connection("twitter")
    row = (
        "title,product_description,platforms,twitter,user_platform_accounts\n"
        f"Borrowed,Acme.,twitter,Hi,twitter={mine.pk}\n"
    )
    [borrowed] = import_(stranger_api, content=row).json()["data"]["rows"]
    assert borrowed["status"] == "skipped"
    assert borrowed["problems"] == [
        {
            "column": "user_platform_accounts",
            "message": f"connection {mine.pk} is not one of your connected accounts",
        }
    ]


def test_a_large_import_answers_202_and_reports_when_done(
    api, user, stranger_api, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 1
    text = (
        "title,product_description,platforms,linkedin\nA,Acme.,linkedin,Hi\nB,Acme.,linkedin,Hi\n"
    )
    with django_capture_on_commit_callbacks() as enqueue:
        response = import_(api, content=text)
    assert response.status_code == 202
    queued = response.json()["data"]
    assert (queued["status"], queued["processed"], queued["total"], queued["rows"]) == (
        "queued",
        0,
        2,
        [],
    )
    url = f"/v1/launches/imports/{queued['import_id']}"
    assert stranger_api.get(url).status_code == 404
    celery_app.conf.task_always_eager = True  # the worker runs the task after the commit
    try:
        [callback() for callback in enqueue]
    finally:
        celery_app.conf.task_always_eager = False
    done = api.get(url).json()["data"]
    assert (done["status"], done["created"], len(done["rows"])) == ("done", 2, 2)
    assert Launch.objects.filter(owner=user).count() == 2


def test_import_report_errors(api, make_api_client, user):
    assert api.get("/v1/launches/imports/not-a-uuid").status_code == 404
    unknown = api.get("/v1/launches/imports/5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31")
    assert unknown.json()["error"]["code"] == "SERVER_003"
    writer = make_api_client(user, scopes=[str(Scope.WRITE)])
    assert (
        writer.get("/v1/launches/imports/5b0c8a52-54a8-4a55-9d57-6d2b0e0f2a31").status_code == 403
    )


def test_import_as_a_multipart_upload(api):
    upload = SimpleUploadedFile("launches.csv", CSV.encode(), content_type="text/csv")
    response = api.post("/v1/launches/import", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json()["data"]["created"] == 1
    missing = api.post("/v1/launches/import", {"dry_run": "true"}, format="multipart")
    assert missing.status_code == 400
    assert missing.json()["error"]["code"] == "SERVER_002"
