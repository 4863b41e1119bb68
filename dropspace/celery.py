"""The Celery app and the one beat schedule of the project."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropspace.settings")

app = Celery("dropspace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.task_prerun.connect
@signals.task_postrun.connect
def close_old_connections(sender=None, **_):
    """What Django does around each request, around each task (on the task's own thread):
    drop this thread's connection only if it broke or outlived CONN_MAX_AGE, so a thread-pool
    worker keeps one connection per thread instead of opening one per task. Not for an eager
    task, which runs inside its caller's transaction (tests)."""
    from django.db import close_old_connections

    if not getattr(sender.request, "is_eager", False):
        close_old_connections()


# Periodic work, declared in one place. Each app adds its entries here.
app.conf.beat_schedule = {
    "developer-purge-expired-idempotency-keys": {
        "task": "developer.tasks.purge_expired_idempotency_keys",
        "schedule": 3600.0,
    },
    # Due webhook retries live in DB rows (next_attempt_at), never in long Celery countdowns.
    "webhooks-dispatch-due-deliveries": {
        "task": "webhooks.tasks.dispatch_due_deliveries",
        "schedule": 5.0,
    },
    "webhooks-purge-old-events": {
        "task": "webhooks.tasks.purge_old_events",
        "schedule": 3600.0,
    },
    # Tokens expiring within CONNECTION_REFRESH_AHEAD_MINUTES are refreshed ahead of use.
    "connections-refresh-expiring-tokens": {
        "task": "connections.tasks.refresh_expiring_connections",
        "schedule": 300.0,
    },
    # Recent posts' metrics: warms the analytics cache, notices posts removed on the platform.
    "analytics-refresh-recent-metrics": {
        "task": "launches.analytics_tasks.refresh_recent_metrics",
        "schedule": 900.0,
    },
    # Publishing: due scheduled launches are claimed from the database (never Celery ETA), and
    # the sweeper repairs posts whose worker or message was lost.
    # Every second, so a launch starts within a second of its time (the claim is a cheap
    # indexed query; SKIP LOCKED keeps overlapping ticks apart). A tick no worker took within
    # its second is dropped: the next one does the same work.
    "launches-start-due-launches": {
        "task": "launches.tasks.start_due_launches",
        "schedule": 1.0,
        "options": {"expires": 1.0},
    },
    "launches-sweep-publishing": {
        "task": "launches.tasks.sweep_publishing",
        "schedule": 60.0,
    },
    # A persona build whose worker died would show "building" forever; fail it after 15 min.
    # AI media jobs whose worker died are picked up again; overdue ones fail with a reason.
    "media-resume-stalled-jobs": {
        "task": "media.tasks.resume_stalled_jobs",
        "schedule": 60.0,
    },
    "personas-fail-stale-builds": {
        "task": "personas.tasks.fail_stale_builds",
        "schedule": 300.0,
    },
}
