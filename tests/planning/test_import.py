"""Bulk import through the pages and the services: preview in plain words, per-row atomic
creation through create_launch, idempotent re-upload, plan limits per row, background runs."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dropspace.celery import app as celery_app
from launches.models import Launch
from personas.models import Persona
from planning import services
from planning.models import ImportedRow, ImportJob

pytestmark = pytest.mark.django_db
NOW = datetime(2030, 3, 14, 10, 0, tzinfo=UTC)

GOOD_AND_BAD = (
    "title,description,platforms,twitter,reddit,reddit_title,scheduled_at,timezone,persona\n"
    "Acme Invoices,Acme turns invoices into payments.,twitter reddit,"
    '"First tweet\n---\nSecond tweet",Our story,We built Acme,2030-04-01 09:00,Europe/Paris,Olive\n'
    "Too soon,Acme again.,twitter,,,,2030-03-14 10:05,UTC,\n"
    "Nowhere,Acme again.,myspace,,,,,,Nobody\n"
)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def olive(user):
    return Persona.objects.create(owner=user, name="Olive")


def upload(client, text, name="launches.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post("/imports/", {"file": file})


def test_preview_names_every_problem_and_creates_nothing(logged_in_client, olive):
    response = upload(logged_in_client, GOOD_AND_BAD)
    job = ImportJob.objects.get()
    assert response.url == f"/imports/{job.pk}/"
    html = logged_in_client.get(response.url).content.decode()
    assert "Check 3 launches" in html
    assert "1 ready, 2 with problems" in html
    assert "scheduled_date must be at least 15 minutes from now" in html
    assert "myspace" in html
    assert "you have no persona named &#x27;Nobody&#x27;" in html
    assert "Create 1 launch" in html
    assert not Launch.objects.exists()


def test_confirming_creates_the_valid_rows_and_reports_the_rest(logged_in_client, olive):
    upload(logged_in_client, GOOD_AND_BAD)
    job = ImportJob.objects.get()
    response = logged_in_client.post(f"/imports/{job.pk}/start", follow=True)
    html = response.content.decode()
    assert "1 launch created, 2 rows skipped" in html
    launch = Launch.objects.get()
    assert launch.name == "Acme Invoices"
    assert launch.status == "scheduled"
    assert launch.scheduled_date == datetime(2030, 4, 1, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert launch.persona == olive
    assert launch.platform_contents["twitter"]["thread"] == ["First tweet", "Second tweet"]
    assert launch.platform_contents["reddit"]["title"] == "We built Acme"
    assert launch.platform_contents["reddit"]["generated_by"] == "user"


def test_re_uploading_the_same_file_creates_nothing_twice(user, olive):
    first = services.start_import(
        job=services.preview_import(owner=user, data=GOOD_AND_BAD.encode())
    )
    again = services.preview_import(owner=user, data=GOOD_AND_BAD.encode())
    assert [row["already_imported"] for row in again.rows] == [True, False, False]
    again = services.start_import(job=again)
    assert [item["status"] for item in again.report] == ["already_imported", "skipped", "skipped"]
    assert again.report[0]["launch_id"] == first.report[0]["launch_id"]
    assert Launch.objects.count() == 1
    # Deleting the launch frees its row: the file imports it again.
    Launch.objects.all().delete()
    third = services.start_import(
        job=services.preview_import(owner=user, data=GOOD_AND_BAD.encode())
    )
    assert third.report[0]["status"] == "created"


def test_each_row_meets_the_monthly_limit(user, plan_limits):
    plan_limits(launches_per_month=2)  # the default plan's limit, as billing meters it
    text = "title,description,platforms\n" + "".join(
        f"Launch {n},Acme number {n}.,linkedin\n" for n in range(3)
    )
    job = services.start_import(job=services.preview_import(owner=user, data=text.encode()))
    assert [item["status"] for item in job.report] == ["created", "created", "skipped"]
    assert "allows 2 launches" in job.report[2]["problems"][0]["message"]
    assert Launch.objects.count() == 2
    # The skipped row is not marked imported: it imports next month.
    assert ImportedRow.objects.count() == 2


def test_json_rows_and_the_api_shapes(user, no_real_http):
    from tests.media.files import image_bytes

    no_real_http.get("https://cdn.example.com/a.png", body=image_bytes("PNG", size=(64, 64)))
    rows = [
        {
            "title": "Acme",
            "product_description": "Acme turns invoices into payments.",
            "platforms": ["linkedin", "twitter"],
            "platform_contents": {"linkedin": {"content": "Acme on LinkedIn"}},
            "twitter": ["one", "two"],
            "media_urls": ["https://cdn.example.com/a.png"],
        }
    ]
    job = services.preview_import(owner=user, data=json.dumps({"launches": rows}).encode())
    [row] = job.rows
    assert job.format == "json"
    assert row["problems"] == []
    assert row["input"]["media"] == [{"source": "url", "url": "https://cdn.example.com/a.png"}]
    job = services.start_import(job=job)
    launch = Launch.objects.get()
    [asset] = launch.media_assets
    assert asset["type"] == "image"
    assert launch.platform_contents["linkedin"]["content"] == "Acme on LinkedIn"
    # platform_contents given as an object wins over the per-platform columns.
    assert launch.platform_contents["twitter"]["generated_by"] in ("offline", "claude")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("title,platfroms\nA,twitter\n", "unknown column 'platfroms'"),
        ("description\nA\n", "the file needs a title column"),
        ("title\n", "the file has no launches in it"),
        ('[{"title": 1', "the JSON cannot be read"),
        ('{"rows": []}', "the JSON must be a list of launch objects"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(logged_in_client, text, message):
    response = upload(logged_in_client, text, name="file.json" if text[0] in "[{" else "f.csv")
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not ImportJob.objects.exists()


def test_not_utf8_and_too_many_rows(logged_in_client, settings):
    file = SimpleUploadedFile("l.csv", "title\nCafé\n".encode("latin-1"))
    assert "not UTF-8" in logged_in_client.post("/imports/", {"file": file}).content.decode()
    settings.IMPORT_MAX_ROWS = 2
    response = upload(logged_in_client, "title\na\nb\nc\n")
    assert "import at most 2 at a time" in response.content.decode()


def test_a_large_file_runs_in_the_background_with_progress(
    logged_in_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_INLINE_ROWS = 1
    text = "title,description,platforms,linkedin\nA,Acme.,linkedin,Hi\nB,Acme.,linkedin,Hi\n"
    upload(logged_in_client, text)
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks() as enqueue:
        assert logged_in_client.post(f"/imports/{job.pk}/start").status_code == 302
    job.refresh_from_db()
    assert job.status == "queued"
    assert not Launch.objects.exists()
    progress = logged_in_client.get(f"/imports/{job.pk}/?progress=1", HTTP_HX_REQUEST="true")
    html = progress.content.decode()
    assert "0 of 2 rows done" in html
    assert 'hx-trigger="every 1s"' in html
    celery_app.conf.task_always_eager = True  # the worker picks the task up after the commit
    try:
        [callback() for callback in enqueue]
    finally:
        celery_app.conf.task_always_eager = False
    done = logged_in_client.get(f"/imports/{job.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert "2 launches created, 0 rows skipped" in done.content.decode()
    assert "every 1s" not in done.content.decode()
    assert Launch.objects.count() == 2


def test_an_import_starts_once_and_is_the_owners(client, user, stranger):
    job = services.preview_import(
        owner=user, data=b"title,description,platforms\nA,Acme.,linkedin\n"
    )
    services.start_import(job=job)
    client.force_login(stranger)
    assert client.get(f"/imports/{job.pk}/").status_code == 404
    assert client.post(f"/imports/{job.pk}/start").status_code == 404
    with pytest.raises(Exception, match="already been started"):
        services.start_import(job=job)


def test_the_example_file_imports_cleanly(logged_in_client, user):
    example = logged_in_client.get("/imports/example.csv")
    assert example["Content-Type"].startswith("text/csv")
    job = services.preview_import(owner=user, data=example.content)
    assert [row["problems"] for row in job.rows] == [[], []]
