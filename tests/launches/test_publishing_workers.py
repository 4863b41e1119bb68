import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from dropspace.celery import app

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


def workers(settings) -> dict[str, str]:
    out = StringIO()
    call_command("publishing_workers", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if not line.startswith("#")]
    return dict(line.split(": ", 1) for line in lines)


def test_one_worker_per_platform_queue_with_its_concurrency(settings):
    settings.PUBLISH_QUEUE_PER_PLATFORM = True
    settings.PUBLISH_QUEUES = {p: f"publish.{p}" for p in settings.PUBLISH_QUEUES}
    settings.PUBLISH_CONCURRENCY = {**settings.PUBLISH_CONCURRENCY, "twitter": 1}
    procfile = workers(settings)
    assert len(procfile) == len(settings.PUBLISH_QUEUES) + 2  # + default and analytics
    assert "--queues=publish.twitter --pool=threads --concurrency=1" in procfile["worker-twitter"]
    assert "--queues=celery " in procfile["worker-default"]
    assert all("--pool=threads" in line for line in procfile.values())


def test_the_pool_follows_the_setting(settings):
    settings.PUBLISH_WORKER_POOL = "prefork"
    assert "--pool=prefork" in workers(settings)["worker-default"]


def test_with_one_shared_queue_posts_go_to_the_default_worker(settings):
    settings.PUBLISH_QUEUE_PER_PLATFORM = False
    settings.PUBLISH_QUEUES = dict.fromkeys(settings.PUBLISH_QUEUES, "celery")
    assert set(workers(settings)) == {"worker-default", "worker-analytics"}


def test_analytics_refreshes_have_their_own_queue_and_worker(settings):
    for task in ("refresh_recent_metrics", "refresh_metrics_batch"):
        route = app.amqp.router.route({}, f"launches.analytics_tasks.{task}")
        assert route["queue"].name == settings.ANALYTICS_QUEUE == "analytics"
    assert "--queues=analytics " in workers(settings)["worker-analytics"]
    # make run: the posting worker never takes analytics; the analytics worker only that.
    procfile = dict(line.split(": ", 1) for line in PROCFILE.read_text().splitlines())
    posting_queues = re.search(r"CELERY_QUEUES:-([^}]+)}", procfile["worker"]).group(1)
    assert "analytics" not in posting_queues.split(",")
    assert {"celery", *settings.PUBLISH_QUEUES.values()} <= set(posting_queues.split(","))
    assert procfile["analytics"].endswith("--queues=analytics")
