"""Every state change of a launch's run: publish, retry, guided steps, settle, schedule, sweep.

Invariants (why the pieces look the way they do):

- A launch moves to ``running`` under a row lock *and* a conditional update, so two concurrent
  publishes (or two schedulers) start it exactly once.
- Post tasks are enqueued after commit; the database is the source of truth and the sweeper
  re-enqueues what a lost broker message left behind.
- A post is settled (success, failed, unconfirmed) with a conditional update on its status
  while the launch row is locked; the last settle finishes the launch exactly once, with its
  events in the same transaction.
"""

import logging
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dropspace.api.errors import ApiError, Code
from launches import rules, tasks
from launches.models import Launch, PostingLog
from launches.publishing import targets as targeting
from webhooks.services import record_event

log = logging.getLogger(__name__)

S = Launch.Status
P = PostingLog.Status
# Statuses a launch may be published from (partial: use retry; running: already publishing).
PUBLISHABLE = {S.DRAFT, S.MANUAL, S.TRIGGER, S.SCHEDULED, S.FAILED}
IN_FLIGHT = [P.PENDING, P.PUBLISHING]
RETRYABLE = [P.FAILED, P.UNCONFIRMED]
REQUEUE_GRACE = timedelta(seconds=60)
SWEEP_BATCH = 500  # rows repaired per sweep (and per kind): the next minute takes the rest


# --- publish ----------------------------------------------------------------------------------


def publish_launch(*, launch: Launch, by=None) -> Launch:
    """Validate everything, move the launch to running, one log and one task per post.

    Raises 409 LAUNCH_004 (not publishable, already publishing), 422 LAUNCH_007 (no posting
    account), 403 AUTH_002 (plan restriction), 400 LAUNCH_007 with every problem in details.
    """
    with transaction.atomic():
        locked = Launch.objects.select_for_update().get(pk=launch.pk)
        _check_publishable(locked)
        targets = targeting.targets_for(locked)
        targeting.ensure_plan_allows(locked, targets)
        problems = targeting.publish_problems(locked, targets)
        if problems:
            raise ApiError(Code.LAUNCH_007, _summary(problems), details=problems)
        _start(locked, targets)
    return locked


def _check_publishable(launch: Launch) -> None:
    if launch.status == S.RUNNING:
        raise ApiError(Code.LAUNCH_004, "the launch is already publishing")
    if launch.status not in PUBLISHABLE:
        raise ApiError(Code.LAUNCH_004, f"a {launch.status} launch cannot be published")
    if not launch.has_posting_accounts:
        raise ApiError(
            Code.LAUNCH_007,
            "the launch has no platforms configured for posting: set user_platform_accounts "
            "or dropspace_platforms",
            status=422,
        )


def _summary(problems: list[dict]) -> str:
    count = len(problems)
    first = problems[0]
    more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
    return f"platform requirements not met: {first['field']}: {first['message']}{more}"


def _start(launch: Launch, targets: list, failures: dict | None = None, earlier=None) -> None:
    """running + logs + tasks. ``failures``: {target key or platform: message} failed at once.

    ``earlier``: the launch's existing logs when the caller read them already (the scheduler
    reads a whole batch's at once).
    """
    now = timezone.now()
    started = Launch.objects.filter(pk=launch.pk, status=launch.status).update(
        status=S.RUNNING, started_at=now, completed_at=None, updated_at=now
    )
    if not started:  # someone else started it between our read and this update
        raise ApiError(Code.LAUNCH_004, "the launch is already publishing")
    launch.status, launch.started_at, launch.completed_at = S.RUNNING, now, None
    logs = [_new_log(launch, target, failures or {}) for target in targets]
    if earlier is None:
        earlier = list(PostingLog.objects.filter(launch=launch))
    _carry_over_published_items(launch, logs, earlier)
    logs = PostingLog.objects.bulk_create(logs)
    for entry in logs:
        if entry.status == P.FAILED:
            _post_event(launch, entry)
    enqueue_posts([entry for entry in logs if entry.status == P.PENDING])
    finish_if_settled(launch, logs=logs)  # these are all its posts now


def _carry_over_published_items(launch: Launch, logs: list[PostingLog], earlier: list) -> None:
    """A failed launch published again replaces its logs, but tweets (or subreddits) an
    earlier run did post are kept, so the new run resumes after them instead of re-posting."""
    if not earlier:
        return
    earlier = {(entry.platform, entry.target_key): entry.published_items for entry in earlier}
    PostingLog.objects.filter(launch=launch).delete()
    for entry in logs:
        items = earlier.get((entry.platform, entry.target_key), [])
        entry.published_items = items
        entry.thread_post_ids = [item["post_id"] for item in items]


def _new_log(launch: Launch, target, failures: dict) -> PostingLog:
    entry = PostingLog(
        launch=launch,
        platform=target.platform,
        target_key=target.key,
        connection_id=target.connection.pk if target.connection else None,
        status=P.PENDING if target.key else P.MANUAL,
    )
    message = failures.get(target.key) or failures.get(target.platform) or target.problem
    if target.key and message:
        entry.status, entry.error_message, entry.error_code = P.FAILED, message, "not_started"
    return entry


def enqueue_posts(logs: list[PostingLog]) -> None:
    """One task per post on its platform's queue, after commit. robust: a broker outage must
    not undo the commit; the sweeper re-enqueues posts nobody picked up."""
    if logs:
        pairs = [(str(entry.pk), entry.platform) for entry in logs]
        transaction.on_commit(lambda: _send(pairs), robust=True)


def _send(pairs) -> None:
    for log_id, platform in pairs:
        tasks.publish_post.apply_async(args=[log_id], queue=settings.PUBLISH_QUEUES[platform])


# --- retry ------------------------------------------------------------------------------------


def retry_launch(*, launch: Launch) -> list[str]:
    """Publish again the posts that failed (or are unconfirmed, which the person checked).

    Published posts are left alone; a thread or multi-subreddit post resumes after what already
    went out. A post whose account still needs reconnecting is not sent again: its message
    says so. Raises 409 LAUNCH_004 (running), 400 LAUNCH_003 (nothing that can be retried).
    """
    with transaction.atomic():
        locked = Launch.objects.select_for_update().get(pk=launch.pk)
        if locked.status == S.RUNNING:
            raise ApiError(Code.LAUNCH_004, "the launch is already running")
        failed = list(locked.posting_logs.filter(status__in=RETRYABLE).order_by("created_at"))
        if not failed or not locked.can_become(S.RUNNING):
            raise ApiError(Code.LAUNCH_003, "no failed platforms to retry", status=400)
        retried = _reset_for_retry(locked, failed)
        Launch.objects.filter(pk=locked.pk, status=locked.status).update(
            status=S.RUNNING, completed_at=None, updated_at=timezone.now()
        )
        enqueue_posts(retried)
    order = {platform: index for index, platform in enumerate(locked.platforms)}
    return sorted({entry.platform for entry in retried}, key=lambda p: order.get(p, 99))


def _reset_for_retry(launch: Launch, failed: list[PostingLog]) -> list[PostingLog]:
    """Back to pending, on the account the launch names now (a reconnect may have changed it);
    400 LAUNCH_003 when none of them can post."""
    targets = {target.key: target for target in targeting.targets_for(launch)}
    retried, blocked = [], []
    for entry in failed:
        target = targets.get(entry.target_key)
        if target is None or target.problem or target.connection is None:
            problem = target.problem if target else "the launch no longer posts to this account"
            blocked.append(f"{entry.platform}: {problem}")
            continue
        entry.connection_id = target.connection.pk
        entry.status, entry.attempt_count, entry.next_attempt_at = P.PENDING, 0, None
        entry.error_message, entry.error_code, entry.pending_publish = "", "", None
        entry.save(update_fields=RETRY_FIELDS)
        retried.append(entry)
    if not retried:
        message = "no failed platform can be retried: " + "; ".join(blocked)
        raise ApiError(Code.LAUNCH_003, message, status=400)
    return retried


RETRY_FIELDS = [
    "connection_id",
    "status",
    "attempt_count",
    "next_attempt_at",
    "error_message",
    "error_code",
    "pending_publish",
    "updated_at",
]


# --- guided steps -----------------------------------------------------------------------------


def mark_manual_posted(*, log: PostingLog, url: str) -> PostingLog:
    """The person posted a guided step (Product Hunt, Hacker News...) themselves: its URL."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > 2048:
        message = "url must be the http(s) URL of the post (max 2048 characters)"
        raise ApiError(Code.SERVER_002, message, details=[rules.problem("url", message)])
    with transaction.atomic():
        locked = PostingLog.objects.select_for_update().get(pk=log.pk)
        if locked.status != P.MANUAL:
            raise ApiError(Code.LAUNCH_003, f"a {locked.status} post is not a manual step")
        locked.post_url, locked.posted_at = url, timezone.now()
        locked.save(update_fields=["post_url", "posted_at", "updated_at"])
    return locked


# --- settling posts and finishing launches ----------------------------------------------------


def settle_post(
    log_id, *, status: str, expect: str = P.PUBLISHING, launch_id=None, **fields
) -> bool:
    """Give an in-flight post its outcome, once. Returns False when it was settled already.

    Callers holding the post pass its ``launch_id`` (one query fewer per post).
    """
    if launch_id is None:
        launch_id = PostingLog.objects.filter(pk=log_id).values_list("launch_id", flat=True).first()
        if launch_id is None:
            return False
    with transaction.atomic():
        # The launch row lock serialises the settles of its posts (owner joined, not locked).
        launch = (
            Launch.objects.select_for_update(of=("self",)).select_related("owner").get(pk=launch_id)
        )
        now = timezone.now()
        changed = PostingLog.objects.filter(pk=log_id, status=expect).update(
            status=status, updated_at=now, next_attempt_at=None, **fields
        )
        if not changed:
            return False
        logs = list(launch.posting_logs.order_by("created_at"))
        _post_event(launch, next(entry for entry in logs if entry.pk == _as_uuid(log_id)))
        finish_if_settled(launch, logs=logs)
    return True


def _as_uuid(value):
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def finish_if_settled(launch: Launch, *, logs: list[PostingLog] | None = None) -> str | None:
    """Completed / partial / failed once no post is in flight (call with the launch locked).

    ``logs``: the launch's posts, already read under the lock (saves reading them again).
    """
    if logs is None:
        logs = list(launch.posting_logs.order_by("created_at"))
    logs = [entry for entry in logs if entry.status != P.MANUAL]
    if any(entry.status in IN_FLIGHT for entry in logs):
        return None
    succeeded = sum(entry.status in (P.SUCCESS, P.DELETED) for entry in logs)
    final = S.COMPLETED if succeeded == len(logs) else (S.PARTIAL if succeeded else S.FAILED)
    now = timezone.now()
    if not Launch.objects.filter(pk=launch.pk, status=S.RUNNING).update(
        status=final, completed_at=now, updated_at=now
    ):
        return None
    launch.status, launch.completed_at = final, now
    record_event(owner=launch.owner, type=f"launch.{final}", data=_launch_data(launch, logs))
    return final


def _launch_data(launch: Launch, logs: list[PostingLog]) -> dict:
    return {
        "launch_id": str(launch.pk),
        "name": launch.name,
        "status": launch.status,
        "platforms": list(launch.platforms),
        "posts": [
            {
                "platform": entry.platform,
                "status": "published" if entry.status == P.SUCCESS else "failed",
                "post_url": entry.post_url or None,
                "error": entry.error_message or None,
            }
            for entry in logs
        ],
    }


def _post_event(launch: Launch, entry: PostingLog) -> None:
    data = {"launch_id": str(launch.pk), "post_id": str(entry.pk), "platform": entry.platform}
    if entry.status == P.SUCCESS:
        record_event(
            owner=launch.owner, type="post.published", data={**data, "post_url": entry.post_url}
        )
    else:
        record_event(
            owner=launch.owner, type="post.failed", data={**data, "error": entry.error_message}
        )


# --- scheduling -------------------------------------------------------------------------------


def start_due_launches(*, now=None) -> int:
    """Start every scheduled launch that is due; safe to run from several schedulers at once.

    Each batch is claimed with SELECT ... FOR UPDATE SKIP LOCKED (PostgreSQL), so concurrent
    schedulers take disjoint batches; on SQLite the transaction takes the write lock first
    (IMMEDIATE), so schedulers run one after the other. Either way the conditional update to
    running is the claim itself: a launch that is no longer scheduled is not started.
    """
    now = now or timezone.now()
    started = 0
    while True:
        with transaction.atomic():
            batch = list(
                Launch.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("owner")
                .filter(status=S.SCHEDULED, scheduled_date__lte=now)
                .order_by("scheduled_date")[: settings.PUBLISH_SCHEDULER_BATCH]
            )
            started += _start_batch(batch)
        if len(batch) < settings.PUBLISH_SCHEDULER_BATCH:
            return started


def _start_batch(batch: list[Launch]) -> int:
    """Start a claimed batch: each launch checked on its own, then the launches that never ran
    written together (one update, one insert, one enqueue). Anything unexpected in the shared
    writes undoes them and starts those launches one by one, so one broken launch never
    holds up the others."""
    earlier = _logs_of(batch)
    fresh, started = [], 0
    for launch in batch:
        if launch.pk in earlier:  # a failed launch rescheduled: it resumes what went out
            started += _start_scheduled(launch, earlier[launch.pk])
            continue
        try:
            targets = targeting.targets_for(launch)
            fresh.append((launch, targets, _scheduled_failures(launch, targets)))
        except Exception:
            log.exception("checking scheduled launch %s failed", launch.pk)
    if not fresh:
        return started
    before = [(launch.status, launch.started_at, launch.completed_at) for launch, _, _ in fresh]
    try:
        with transaction.atomic():
            _start_together(fresh)
    except Exception:
        log.warning("starting %s launches together failed: one by one", len(fresh), exc_info=True)
        for (launch, _, _), fields in zip(fresh, before, strict=True):  # as the rows are again
            launch.status, launch.started_at, launch.completed_at = fields
        return started + sum(_start_scheduled(launch, []) for launch, _, _ in fresh)
    return started + len(fresh)


class _NotAllScheduled(Exception):
    """A launch of the batch changed status meanwhile: start them one by one instead."""


def _start_together(fresh: list) -> None:
    now = timezone.now()
    claimed = Launch.objects.filter(
        pk__in=[launch.pk for launch, _, _ in fresh], status=S.SCHEDULED
    ).update(status=S.RUNNING, started_at=now, completed_at=None, updated_at=now)
    if claimed != len(fresh):
        raise _NotAllScheduled
    logs = {}
    for launch, targets, failures in fresh:
        launch.status, launch.started_at, launch.completed_at = S.RUNNING, now, None
        logs[launch.pk] = [_new_log(launch, target, failures) for target in targets]
    PostingLog.objects.bulk_create([entry for entries in logs.values() for entry in entries])
    for launch, _, _ in fresh:
        for entry in logs[launch.pk]:
            if entry.status == P.FAILED:
                _post_event(launch, entry)
        finish_if_settled(launch, logs=logs[launch.pk])
    enqueue_posts([e for entries in logs.values() for e in entries if e.status == P.PENDING])


def _logs_of(launches: list[Launch]) -> dict:
    """The logs a batch of launches already has (a failed launch rescheduled), in one query."""
    logs: dict = {}
    for entry in PostingLog.objects.filter(launch__in=launches):
        logs.setdefault(entry.launch_id, []).append(entry)
    return logs


def _start_scheduled(launch: Launch, earlier: list) -> int:
    """Start one due launch. Problems fail only the platforms they concern (an unhealthy
    connection: that platform, with a reconnect message); the others are posted."""
    try:
        with transaction.atomic():
            targets = targeting.targets_for(launch)
            failures = _scheduled_failures(launch, targets)
            _start(launch, targets, failures, earlier)
    except ApiError:
        return 0  # started by someone else meanwhile
    except Exception:  # one broken launch must not stop the others
        log.exception("starting scheduled launch %s failed", launch.pk)
        return 0
    return 1


def _scheduled_failures(launch: Launch, targets: list) -> dict:
    problems = targeting.publish_problems(launch, targets)
    restriction = targeting.plan_problem(launch, targets)
    if restriction:
        problems.append(rules.problem("", restriction))
    failures: dict[str, str] = {}
    for item in problems:
        platform = targeting.problem_platform(launch, item["field"])
        message = f"{item['field']}: {item['message']}" if item["field"] else item["message"]
        for target in targets:
            if platform is None or target.platform == platform:
                key = target.key or target.platform
                failures[key] = "; ".join(filter(None, [failures.get(key), message]))
    return failures


# --- the sweeper ------------------------------------------------------------------------------


def sweep_publishing(*, now=None) -> dict:
    """Repair what lost workers and lost messages left behind (beat, every minute).

    - a post claimed (``publishing``) longer than the lease, not waiting on the platform: its
      worker died mid-call, so it may have been sent -> ``unconfirmed`` (never re-posted).
    - a post waiting on the platform whose check is overdue -> the check is enqueued again.
    - a ``pending`` post nobody picked up (lost message, long retry-after) -> enqueued again;
      its claim makes a duplicate harmless.
    - a running launch whose posts all settled -> finished.
    """
    now = now or timezone.now()
    lease = now - timedelta(seconds=settings.PUBLISH_LEASE_SECONDS)
    running = PostingLog.objects.filter(launch__status=S.RUNNING).order_by("updated_at")
    return {
        "unconfirmed": _settle_lost(running, lease),
        "checks": _recheck_overdue(running, lease),
        "requeued": _requeue_waiting(running, now, lease),
        "finished": _finish_settled(),
    }


def _settle_lost(running, lease) -> int:
    lost = running.filter(status=P.PUBLISHING, pending_publish__isnull=True, updated_at__lte=lease)
    ids = list(lost.values_list("pk", flat=True)[:SWEEP_BATCH])
    for log_id in ids:
        settle_post(
            log_id,
            status=P.UNCONFIRMED,
            error_code="worker_lost",
            error_message=(
                "publishing was interrupted and the post may have gone out: check the platform "
                "before retrying"
            ),
        )
    return len(ids)


def _recheck_overdue(running, lease) -> int:
    overdue = running.filter(
        status=P.PUBLISHING, pending_publish__isnull=False, next_attempt_at__lte=lease
    )
    pairs = list(overdue.values_list("pk", "platform")[:SWEEP_BATCH])
    for log_id, platform in pairs:
        tasks.check_pending_post.apply_async(
            args=[str(log_id)], queue=settings.PUBLISH_QUEUES[platform]
        )
    return len(pairs)


def _requeue_waiting(running, now, lease) -> int:
    # A due retry had its own delayed task (or none, past PUBLISH_RETRY_MAX_SECONDS): a minute
    # late means it is not coming. A first attempt may just wait in a long queue: the lease.
    waiting = running.filter(status=P.PENDING).filter(
        Q(next_attempt_at__lte=now - REQUEUE_GRACE)
        | Q(next_attempt_at__isnull=True, updated_at__lte=lease)
    )
    pairs = list(waiting.values_list("pk", "platform")[:SWEEP_BATCH])
    # Due now; the next sweep sends them again only if this message is lost too.
    PostingLog.objects.filter(pk__in=[pk for pk, _ in pairs]).update(
        next_attempt_at=now, updated_at=now
    )
    _send([(str(pk), platform) for pk, platform in pairs])
    return len(pairs)


def _finish_settled() -> int:
    finished = 0
    settled = Launch.objects.filter(status=S.RUNNING).exclude(posting_logs__status__in=IN_FLIGHT)
    for launch_id in settled.values_list("pk", flat=True)[:SWEEP_BATCH]:
        with transaction.atomic():
            locked = Launch.objects.select_for_update().get(pk=launch_id)
            finished += finish_if_settled(locked) is not None
    return finished
