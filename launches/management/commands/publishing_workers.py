"""Print one Celery worker command per publishing queue, with the configured pool and concurrency.

Platform rate limits are global, so production runs each platform's queue on its own worker:
    manage.py publishing_workers > Procfile.workers && honcho start -f Procfile.workers
(`make run` instead serves every queue with the one worker of the Procfile.)
"""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a Procfile with one Celery worker per publishing queue (PUBLISH_CONCURRENCY_*)."

    def handle(self, *args, **options):
        if not settings.PUBLISH_QUEUE_PER_PLATFORM:
            self.stdout.write("# posts use the celery queue: set PUBLISH_QUEUE_PER_PLATFORM=true")
        for platform, queue in settings.PUBLISH_QUEUES.items():
            concurrency = settings.PUBLISH_CONCURRENCY[platform]
            self.stdout.write(
                f"worker-{platform}: .venv/bin/celery -A dropspace worker --loglevel=INFO "
                f"--queues={queue} --pool={settings.PUBLISH_WORKER_POOL} "
                f"--concurrency={concurrency} --hostname={platform}@%h"
            )
