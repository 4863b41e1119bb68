"""Publishing throughput and scheduling lateness through the real pipeline, at platform latency.

``run()`` serves the sandbox platforms from ``manage.py runserver`` on a free port, answering
every API call after 300 ms +- 50 ms (SANDBOX_LATENCY_MS / SANDBOX_JITTER_MS), starts Celery
workers as `make run` does (2 processes of the publishing pool, threads, ``--concurrency``
threads each) on every publishing queue (same broker and database as the project: embedded or
PostgreSQL + Redis) and Celery beat, and measures:

(a) posts per second: launches published through ``publish_launch`` until every post is
    settled, beside the floor: the same adapter calls sent to the same sandbox by a plain loop
    with as many calls in flight (a thread pool, no queue, no database rows), and the ratio;
(b) lateness: 100 (then 2,000) launches scheduled for the same instant, started by beat's
    scheduler task; lateness is ``scheduled_date`` -> the post's ``posted_at`` (p50 / p99);
(c) the posts the sandbox holds: exactly one per launch (none lost, none twice), printed;
(d) CPU seconds per post (user + system, from /proc, so independent of how busy the machine
    is): the workers, this database's PostgreSQL backends, the sandbox server, and this
    process (publish_launch: the web side) for the pipeline; the sandbox server and this
    process (the client) for the floor. With the cores the processes may use, that bounds
    posts/s whatever the latency.

Sizes: BENCH_PUBLISH_POSTS (400), BENCH_PUBLISH_DUE ("100,2000"), BENCH_PUBLISH_CONCURRENCY (16),
BENCH_PUBLISH_WORKERS (worker processes, 2), BENCH_PUBLISH_ACCOUNTS (48 X accounts: each stays
under X's 100 posts / 15 min, which the engine now holds).
"""

import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from connections.models import Connection
from connections.platforms import adapter_for
from connections.platforms.base import PostRequest
from connections.sandbox import services as sandbox
from connections.sandbox.models import SandboxAccount, SandboxPost
from launches.models import Launch, PostingLog
from launches.publishing import limits, services

BENCH_EMAIL = "bench-publishing@localhost"
# X accounts the posts are spread over: 2,304 posts over 48 is 48 each, under X's 100 posts
# per 15 min per account that the engine holds (fewer accounts: the run is paced, by design).
ACCOUNTS = int(os.environ.get("BENCH_PUBLISH_ACCOUNTS", "48"))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
LATENCY = {"SANDBOX_LATENCY_MS": "300", "SANDBOX_JITTER_MS": "50"}


def run(posts=None, due=None, concurrency=None) -> list[tuple[str, str]]:
    posts = posts or int(os.environ.get("BENCH_PUBLISH_POSTS", "400"))
    due = due or [int(n) for n in os.environ.get("BENCH_PUBLISH_DUE", "100,2000").split(",")]
    concurrency = concurrency or int(os.environ.get("BENCH_PUBLISH_CONCURRENCY", "16"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}/sandbox"
    settings.SANDBOX_ENABLED, settings.SANDBOX_BASE_URL = True, base
    env = {**os.environ, "SANDBOX_ENABLED": "true", "SANDBOX_BASE_URL": base, **LATENCY}
    # runserver serves each request on a new thread: a persistent connection per thread would
    # pile up to PostgreSQL's max_connections within seconds.
    server_env = {**env, "DATABASE_CONN_MAX_AGE": "0"}
    processes = [_runserver(port, server_env)]
    label = f"publishing (threads x{concurrency}, sandbox X 300+-50 ms, {_backend()})"
    rows = []
    workers = int(os.environ.get("BENCH_PUBLISH_WORKERS", "2"))  # as `make run`
    if workers > 1:
        label = label.replace("threads x", f"{workers} processes x threads x")
    try:
        _wait_for_port(port)
        owner, connections = _fresh_owner()
        server = processes[0]
        floor_cpu = _CpuMeter(server.pid)
        # The same calls in flight as the pipeline: every worker's threads.
        floor = _floor(connections, posts, concurrency * workers)
        floor_cpu = floor_cpu.per_post(posts)
        workers_started = [_worker(concurrency, env, index) for index in range(workers)]
        processes += workers_started
        _publish(owner, connections, 4 * workers, timeout=120)  # warm-up: the workers are up
        pipeline_cpu = _CpuMeter(
            server.pid, *(worker.pid for worker in workers_started), database=not settings.EMBEDDED
        )
        rate = _publish(owner, connections, posts, timeout=900)
        pipeline_cpu = pipeline_cpu.per_post(posts)
        rows.append(
            (
                f"{label}: posts/s",
                f"{rate:.1f} pipeline vs {floor:.1f} plain loop (ratio {rate / floor:.2f})",
            )
        )
        rows.append((f"{label}: CPU ms per post, pipeline", _cpu_row(pipeline_cpu)))
        rows.append((f"{label}: CPU ms per post, floor", _cpu_row(floor_cpu)))
        processes.append(_beat(env))
        for count in due:
            due_cpu = _CpuMeter(
                server.pid, *(w.pid for w in workers_started), database=not settings.EMBEDDED
            )
            lateness, started = _lateness(owner, connections, count)
            due_cpu = due_cpu.per_post(count)
            due_cpu.pop("bench process")  # it only creates the rows and waits here
            rows.append(
                (
                    f"{label}: lateness of {count} due at once",
                    f"p50 {statistics.median(lateness):.2f} s, "
                    f"p99 {statistics.quantiles(lateness, n=100)[-1]:.2f} s "
                    f"(launch started: p50 {statistics.median(started):.2f} s, "
                    f"last {max(started):.2f} s)",
                )
            )
            rows.append((f"{label}: CPU ms per post, {count} due (scheduler)", _cpu_row(due_cpu)))
        launches = Launch.objects.filter(owner=owner).count()
        on_sandbox = SandboxPost.objects.filter(account__username__startswith="bench-")
        per_launch = on_sandbox.exclude(text__startswith="floor post").count()
        rows.append(
            (
                f"{label}: posts on the sandbox",
                f"{per_launch} for {launches} launches "
                f"({'exactly one each' if per_launch == launches else 'MISMATCH'})",
            )
        )
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(timeout=30)
        get_user_model().objects.filter(email=BENCH_EMAIL).delete()
        SandboxAccount.objects.filter(username__startswith="bench-").delete()
    return rows


# --- the measurements -------------------------------------------------------------------------


def _floor(connections: list[Connection], count: int, concurrency: int) -> float:
    """The same posts from a plain thread pool of the same concurrency: no queue, no rows."""

    def post(index: int) -> None:
        connection = connections[index % len(connections)]
        adapter_for(connection).publish(connection, PostRequest(text=f"floor post {index}"))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(post, range(count)))
    return count / (time.perf_counter() - started)


class _CpuMeter:
    """CPU seconds (user + system) used by processes and their children since it was made,
    and by this process (the bench's own side: enqueuing, or the floor's client)."""

    def __init__(self, *pids: int, database: bool = False):
        self.pids = pids
        self.start = [_process_tree_cpu(pid) for pid in pids]
        self.own = _own_cpu()
        self.database = _database_backends_cpu() if database else None

    def per_post(self, posts: int) -> dict[str, float]:
        now = [_process_tree_cpu(pid) for pid in self.pids]
        used = [after - before for after, before in zip(now, self.start, strict=True)]
        names = ["sandbox server", *(f"worker {n + 1}" for n in range(len(self.pids) - 1))]
        result = {name: seconds * 1000 / posts for name, seconds in zip(names, used, strict=True)}
        result["bench process"] = (_own_cpu() - self.own) * 1000 / posts
        if self.database is not None:
            after = _database_backends_cpu()
            used = sum(cpu - self.database.get(pid, 0.0) for pid, cpu in after.items())
            result["PostgreSQL"] = used * 1000 / posts
        return result


def _cpu_row(per_post: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {ms:.1f}" for name, ms in per_post.items())
    return f"{sum(per_post.values()):.1f} ({parts})"


def _database_backends_cpu() -> dict[int, float]:
    """CPU of the PostgreSQL server processes serving this database now (the workers' and this
    process's connections persist; the sandbox's, one per request, mostly exit uncounted)."""
    name = settings.DATABASES["default"]["NAME"]
    backends = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                title = cmdline.read().decode(errors="replace")
            if not title.startswith("postgres: ") or f" {name} " not in title:
                continue
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        backends[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return backends


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _process_tree_cpu(pid: int) -> float:
    """utime + stime of ``pid`` and its live descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += cpu.get(current, 0.0)
        todo += children.get(current, [])
    return total


def _publish(owner, connections, count: int, *, timeout: float) -> float:
    launches = _launches(owner, connections, count, status=Launch.Status.TRIGGER)
    started = time.perf_counter()
    for launch in launches:
        services.publish_launch(launch=launch)
    _wait_settled([launch.pk for launch in launches], started, timeout)
    return count / (time.perf_counter() - started)


def _lateness(owner, connections, count: int) -> list[float]:
    due = timezone.now() + timedelta(seconds=10)
    launches = _launches(owner, connections, count, status=Launch.Status.SCHEDULED, due=due)
    assert timezone.now() < due, "creating the launches took longer than the lead time"
    started = time.perf_counter()
    _wait_settled([launch.pk for launch in launches], started, timeout=900)
    first_posts = PostingLog.objects.filter(
        launch__in=launches, status=PostingLog.Status.SUCCESS
    ).values_list("posted_at", flat=True)
    started = Launch.objects.filter(pk__in=[launch.pk for launch in launches])
    return (
        [(posted_at - due).total_seconds() for posted_at in first_posts],
        [(at - due).total_seconds() for at in started.values_list("started_at", flat=True)],
    )


def _wait_settled(ids, started: float, timeout: float) -> None:
    pending = Launch.objects.filter(pk__in=ids).exclude(status=Launch.Status.COMPLETED)
    while pending.exists():
        if time.perf_counter() - started > timeout:
            counts = list(pending.values_list("status", flat=True).distinct())
            raise RuntimeError(f"launches not completed after {timeout} s: {counts}")
        time.sleep(0.1)


def _launches(owner, connections, count: int, *, status: str, due=None) -> list[Launch]:
    return Launch.objects.bulk_create(
        [
            Launch(
                owner=owner,
                name=f"bench {index}",
                status=status,
                scheduled_date=due,
                platforms=["twitter"],
                platform_contents={"twitter": {"platform": "twitter", "content": f"post {index}"}},
                user_platform_accounts={"twitter": str(connections[index % len(connections)].pk)},
            )
            for index in range(count)
        ]
    )


# --- setup ------------------------------------------------------------------------------------


def _fresh_owner():
    users = get_user_model().objects
    users.filter(email=BENCH_EMAIL).delete()
    owner = users.create_user(BENCH_EMAIL, None)
    connections = []
    limits.clear("twitter", sandbox=True)  # the sandbox app's day window: this run's only
    for index in range(ACCOUNTS):
        account = sandbox.sign_in(platform="twitter", username=f"bench-{index}")
        token = sandbox.issue_token(account, lifetime=False)
        connections.append(
            Connection.objects.create(
                owner=owner,
                platform="twitter",
                entity_id=account.entity_id,
                username=f"@{account.username}",
                access_token=token.access_token,
                is_sandbox=True,
                extra={"handle": account.username},
            )
        )
    return owner, connections


def _runserver(port: int, env: dict) -> subprocess.Popen:
    command = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    return subprocess.Popen(
        command,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _worker(concurrency: int, env: dict, index: int = 0) -> subprocess.Popen:
    queues = ",".join(sorted({"celery", *settings.PUBLISH_QUEUES.values()}))
    command = [
        sys.executable, "-m", "celery", "-A", "dropspace", "worker",
        f"--pool={settings.PUBLISH_WORKER_POOL}", f"--concurrency={concurrency}",
        "-Q", queues, "--loglevel=WARNING", f"--hostname=bench{index}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)


def _beat(env: dict) -> subprocess.Popen:
    schedule = settings.VAR_DIR / "bench-celerybeat-schedule"
    command = [
        sys.executable, "-m", "celery", "-A", "dropspace", "beat", "--loglevel=WARNING",
        f"--schedule={schedule}",
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("the sandbox server did not start")


def _backend() -> str:
    database = "SQLite" if settings.EMBEDDED else "PostgreSQL"
    return f"{database}, {settings.CELERY_BROKER_URL.split(':')[0]} broker"
