"""The embedded broker (dropspace/broker.py): nothing lost, nothing twice, no worker killed."""

import hashlib
import json
import logging
import multiprocessing
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection
from kombu.utils.imports import symbol_by_name

from dropspace import broker

TRANSPORT = "dropspace.broker:Transport"
ROOT = Path(__file__).resolve().parents[2]


def broker_options(folder: Path) -> dict:
    for name in ("out", "control", "bad", "processed"):
        (folder / name).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "control_folder": str(folder / "control"),
        "processed_folder": str(folder / "processed"),
        "bad_folder": str(folder / "bad"),
        "polling_interval": 0.01,
    }


def connect(transport: str, options: dict) -> Connection:
    return Connection("filesystem://", transport=transport, transport_options=options)


# --- the multi-process stress: several producers and consumers on one queue ------------------


def produce(transport, options, producer, count, seed):
    """Publish ``count`` messages of random sizes, each naming itself and its checksum."""
    rng = random.Random(seed)
    with connect(transport, options) as connection:
        queue = connection.SimpleQueue("stress")
        for number in range(count):
            padding = rng.randbytes(rng.randrange(0, 6000)).hex()
            digest = hashlib.sha256(padding.encode()).hexdigest()
            queue.put({"id": f"{producer}-{number}", "padding": padding, "sha256": digest})
        queue.close()


def consume(transport, options, producers_done, results):
    """Take messages until the producers are done and the queue stays empty; report them."""
    seen, errors = [], []
    with connect(transport, options) as connection:
        queue = connection.SimpleQueue("stress")
        while True:
            try:
                message = queue.get(timeout=0.3)
            except Empty:
                if producers_done.is_set():
                    break
                continue
            except Exception as exc:  # what kills a Celery worker: count it and go on
                errors.append(repr(exc))
                continue
            body = message.payload
            if hashlib.sha256(body["padding"].encode()).hexdigest() != body["sha256"]:
                errors.append(f"corrupt body {body['id']}")
            seen.append(body["id"])
            message.ack()
        queue.close()
    results.put((seen, errors))


def run_stress(transport, folder, producers=4, consumers=4, per_producer=1000):
    """Start consumers, then producers; return (expected ids, delivered ids, errors)."""
    context = multiprocessing.get_context("fork")  # children only use kombu and the folder
    options = broker_options(folder)
    # kombu remembers declared bindings per process, not per folder: forget earlier runs' ones.
    symbol_by_name(transport).global_state.clear()
    connect(transport, options).SimpleQueue("stress").close()  # declare before anyone polls
    producers_done, results = context.Event(), context.Queue()
    consuming = [
        context.Process(target=consume, args=(transport, options, producers_done, results))
        for _ in range(consumers)
    ]
    producing = [
        context.Process(target=produce, args=(transport, options, p, per_producer, p))
        for p in range(producers)
    ]
    for process in consuming + producing:
        process.start()
    for process in producing:
        process.join(timeout=120)
    producers_done.set()
    delivered, errors = [], []
    for _ in consuming:
        seen, failed = results.get(timeout=120)
        delivered += seen
        errors += failed
    for process in consuming:
        process.join(timeout=30)
    expected = {f"{p}-{n}" for p in range(producers) for n in range(per_producer)}
    return expected, delivered, errors


def test_many_producers_and_consumers_lose_nothing_and_deliver_once(tmp_path):
    expected, delivered, errors = run_stress(TRANSPORT, tmp_path)

    assert errors == []
    assert len(delivered) == len(expected) == 4000
    assert set(delivered) == expected  # 0 lost
    assert len(set(delivered)) == len(delivered)  # 0 duplicated
    assert os.listdir(tmp_path / "out") == []  # no claim or temporary file left behind
    assert os.listdir(tmp_path / "bad") == []


# --- unreadable messages are set aside, the consumer goes on ----------------------------------


@pytest.fixture
def channel(tmp_path):
    with connect(TRANSPORT, broker_options(tmp_path)) as connection:
        yield connection.default_channel


def drop_file(folder: Path, queue: str, content: bytes) -> str:
    name = broker.message_name(queue)
    (folder / "out" / name).write_bytes(content)
    return name


@pytest.mark.parametrize(
    "content",
    [
        b"",  # what kombu's own _put leaves for an instant: the crash of issue 10
        b'{"body": "trunc',
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        b'{"body": "aGk=", "properties": {"delivery_tag": "t"}}',
        b'{"body": "not base64!", "properties": {"delivery_tag": "t", "delivery_info": {},'
        b' "body_encoding": "base64"}}',
    ],
    ids=["empty", "truncated", "not-utf8", "not-a-message", "no-delivery-info", "bad-base64"],
)
def test_an_unreadable_message_is_set_aside_and_the_next_one_delivered(
    channel, tmp_path, caplog, content
):
    bad_name = drop_file(tmp_path, "celery", content)
    channel._put("celery", {"body": "", "properties": {"delivery_tag": "t2", "delivery_info": {}}})

    with caplog.at_level(logging.ERROR, logger="dropspace.broker"):
        payload = channel._get("celery")

    assert payload["properties"]["delivery_tag"] == "t2"
    assert os.listdir(tmp_path / "bad") == [bad_name]
    assert (tmp_path / "bad" / bad_name).read_bytes() == content  # kept as it was, for a look
    assert os.listdir(tmp_path / "out") == []
    assert f"set aside as {tmp_path / 'bad' / bad_name}" in caplog.text


def test_a_consumer_that_finds_only_bad_messages_keeps_consuming(tmp_path):
    options = broker_options(tmp_path)
    with connect(TRANSPORT, options) as connection:
        queue = connection.SimpleQueue("jobs")
        drop_file(tmp_path, "jobs", b"")
        with pytest.raises(Empty):
            queue.get(timeout=0.2)
        queue.put({"n": 1})
        assert queue.get(timeout=1).payload == {"n": 1}
        queue.close()
    assert len(os.listdir(tmp_path / "bad")) == 1


def test_messages_of_other_queues_and_files_in_progress_are_left_alone(channel, tmp_path):
    other = drop_file(tmp_path, "celery.pidbox", b"{}")
    (tmp_path / "out" / f".{broker.message_name('celery')}.abc.tmp").write_bytes(b"")

    with pytest.raises(Empty):
        channel._get("celery")
    assert other in os.listdir(tmp_path / "out")
    assert channel._size("celery") == 0
    assert channel._size("celery.pidbox") == 1


def test_a_failed_write_publishes_nothing(channel, tmp_path, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(broker.filesystem.ChannelError):
        channel._put("celery", {"properties": {}})
    assert os.listdir(tmp_path / "out") == []


def test_messages_come_out_in_publishing_order(channel):
    for number in range(20):
        channel._put(
            "celery", {"n": number, "properties": {"delivery_info": {}, "delivery_tag": 1}}
        )
    assert [channel._get("celery")["n"] for _ in range(20)] == list(range(20))


# --- exchange tables: concurrent binds all land, readers never see a half-written table ------


def bind_queues(options, worker, count):
    with connect(TRANSPORT, options) as connection:
        channel = connection.default_channel
        for number in range(count):
            channel._queue_bind("fan", "", "", f"q-{worker}-{number}")


def test_concurrent_binds_from_many_processes_all_land_in_the_table(tmp_path):
    options = broker_options(tmp_path)
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=bind_queues, args=(options, w, 25)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=60)

    table = json.loads((tmp_path / "control" / "fan.exchange").read_text())
    assert sorted(queue for _, _, queue in table) == sorted(
        f"q-{w}-{n}" for w in range(4) for n in range(25)
    )


def test_unbinding_rewrites_the_table_whole(channel, tmp_path):
    channel._queue_bind("fan", "", "", "a")
    channel._queue_bind("fan", "", "", "b")
    channel._delete("a", "fan", "", "")
    assert [q.queue for q in channel.get_table("fan")] == ["b"]


# --- the project uses it ------------------------------------------------------------------------


def test_the_embedded_celery_app_uses_this_transport(tmp_path):
    probe = (
        "from dropspace.celery import app; "
        "print(app.connection_for_write().get_transport_cls().__module__)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp",
        "DJANGO_SETTINGS_MODULE": "dropspace.settings",
        "DJANGO_READ_DOT_ENV_FILE": "0",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "dropspace.broker", result.stderr


# --- a real Celery worker survives an unreadable message -----------------------------------------

WORKER_APP = """
from pathlib import Path
from celery import Celery

FOLDER = Path(__file__).parent / "broker"
app = Celery("survivor")
app.conf.update(
    broker_url="filesystem://",
    broker_transport="dropspace.broker:Transport",
    broker_transport_options={
        "data_folder_in": str(FOLDER / "out"),
        "data_folder_out": str(FOLDER / "out"),
        "control_folder": str(FOLDER / "control"),
        "bad_folder": str(FOLDER / "bad"),
        "polling_interval": 0.05,
    },
    task_ignore_result=True,
)


@app.task
def mark(name):
    (FOLDER.parent / name).write_text("done")
"""


def test_a_celery_worker_sets_an_empty_message_aside_and_runs_the_next_task(tmp_path):
    (tmp_path / "survivor.py").write_text(WORKER_APP)
    broker_options(tmp_path / "broker")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": f"{tmp_path}:{ROOT}"}
    command = [sys.executable, "-m", "celery", "-A", "survivor", "worker", "--pool=solo"]
    worker = subprocess.Popen(
        [*command, "--loglevel=INFO", "--without-mingle", "--without-gossip"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        sys.path.insert(0, str(tmp_path))
        import survivor

        symbol_by_name(TRANSPORT).global_state.clear()
        survivor.mark.delay("first")  # the worker is up once it has run a task
        wait_for(tmp_path / "first", worker)
        drop_file(tmp_path / "broker", "celery", b"")  # what killed the worker in issue 10
        survivor.mark.delay("second")
        wait_for(tmp_path / "second", worker)
        assert worker.poll() is None  # still running
        assert len(os.listdir(tmp_path / "broker" / "bad")) == 1
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("survivor", None)
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert "Unreadable broker message set aside" in output
    assert "CRITICAL" not in output


def wait_for(path: Path, worker: subprocess.Popen, seconds: float = 60) -> None:
    for _ in range(int(seconds / 0.1)):
        if path.exists() or worker.poll() is not None:
            break
        time.sleep(0.1)
    assert path.exists(), worker.poll()
