from io import StringIO

from django.core.management import call_command


def test_one_worker_per_platform_queue_with_its_concurrency(settings):
    settings.PUBLISH_QUEUE_PER_PLATFORM = True
    settings.PUBLISH_QUEUES = {p: f"publish.{p}" for p in settings.PUBLISH_QUEUES}
    settings.PUBLISH_CONCURRENCY = {**settings.PUBLISH_CONCURRENCY, "twitter": 1}
    out = StringIO()
    call_command("publishing_workers", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(settings.PUBLISH_QUEUES)
    assert "--queues=publish.twitter --pool=threads --concurrency=1" in lines[0]
    assert all("--pool=threads" in line for line in lines)


def test_the_pool_follows_the_setting(settings):
    settings.PUBLISH_WORKER_POOL = "prefork"
    out = StringIO()
    call_command("publishing_workers", stdout=out)
    assert "--pool=prefork" in out.getvalue()
