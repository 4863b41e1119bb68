"""Print a Procfile of Celery workers: the default queue, one per publishing queue (with its
pool and concurrency), and analytics on its own.

Platform rate limits are global, so production runs each platform's queue on its own worker:
    manage.py publishing_workers > Procfile.workers && honcho start -f Procfile.workers
(`make run` instead serves the default and publishing queues with the one `worker` of the
Procfile, and analytics with its `analytics` worker.)
"""

from django.conf import settings
from django.core.management.base import BaseCommand

CELERY = ".venv/bin/celery -A dropspace worker --loglevel=INFO"


class Command(BaseCommand):
    help = "Print a Procfile with one Celery worker per queue (PUBLISH_CONCURRENCY_*)."

    def handle(self, *args, **options):
        pool = settings.PUBLISH_WORKER_POOL
        if not settings.PUBLISH_QUEUE_PER_PLATFORM:
            self.stdout.write("# posts use the celery queue: set PUBLISH_QUEUE_PER_PLATFORM=true")
        # Beat's scheduler and sweeper, webhooks, media and personas use the default queue.
        self.worker("default", "celery", pool, max(settings.PUBLISH_CONCURRENCY.values()))
        for platform, queue in settings.PUBLISH_QUEUES.items():
            if queue != "celery":
                self.worker(platform, queue, pool, settings.PUBLISH_CONCURRENCY[platform])
        self.worker(
            "analytics", settings.ANALYTICS_QUEUE, "threads", settings.ANALYTICS_CONCURRENCY
        )

    def worker(self, name: str, queue: str, pool: str, concurrency: int) -> None:
        self.stdout.write(
            f"worker-{name}: {CELERY} --queues={queue} --pool={pool} "
            f"--concurrency={concurrency} --hostname={name}@%h"
        )
