"""The embedded mode's Celery broker: kombu's filesystem transport, made safe for many processes.

kombu's own transport creates each ``.msg`` file in the folder consumers read and only then
writes into it, and a consumer moves and parses whatever it finds, so a worker polling at the
wrong moment reads an empty file and dies with ``JSONDecodeError`` (taking ``make run`` down
with it). Here:

- a message is written under a name consumers ignore, fsynced, then renamed into place with
  ``os.replace``: a consumer sees a whole message or none;
- a consumer claims a message by renaming it to a claim name of its own; ``rename`` is atomic,
  so exactly one consumer wins and the others move on to the next file;
- a message that cannot be read is moved to the bad folder with a log line, and the worker
  goes on with the next one;
- the exchange tables in the control folder are rewritten the same way (under a lock) instead
  of being truncated in place while other processes read them.

Celery uses it through ``CELERY_BROKER_TRANSPORT`` with ``CELERY_BROKER_URL=filesystem://``.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import time
import uuid
from queue import Empty

from kombu.transport import filesystem
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads
from kombu.utils.objects import cached_property

logger = logging.getLogger(__name__)

MESSAGE_SUFFIX = ".msg"
# Names starting with a dot are never messages: in-progress writes and claims use them.
HIDDEN_PREFIX = "."


def message_name(queue: str) -> str:
    """A unique file name that sorts in publishing order: ``<ns>_<uuid>.<queue>.msg``."""
    return f"{time.time_ns():020d}_{uuid.uuid4().hex}.{queue}{MESSAGE_SUFFIX}"


def is_message_of(filename: str, queue: str) -> bool:
    """Whether ``filename`` is a complete message of ``queue`` (queue names may hold dots)."""
    return not filename.startswith(HIDDEN_PREFIX) and filename.partition(".")[2] == (
        f"{queue}{MESSAGE_SUFFIX}"
    )


def write_atomically(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file, or the new one whole."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f"{HIDDEN_PREFIX}{name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class UnreadableMessage(ValueError):
    """A message file whose content is not a kombu message."""


class Channel(filesystem.Channel):
    """Filesystem channel with atomic publish, atomic claim and bad messages set aside."""

    def _put(self, queue, payload, **kwargs):
        """Put ``payload`` onto ``queue``: written whole under a hidden name, then renamed in."""
        path = os.path.join(self.data_folder_out, message_name(queue))
        try:
            write_atomically(path, str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {path!r} to directory") from exc

    def _get(self, queue):
        """Claim the oldest message of ``queue``; set aside any that cannot be read."""
        for filename in sorted(os.listdir(self.data_folder_in)):
            if not is_message_of(filename, queue):
                continue
            claimed = self._claim(filename)
            if claimed is None:
                continue  # another consumer won it
            try:
                return self._read_claimed(claimed)
            except UnreadableMessage as exc:
                self._set_aside(claimed, filename, exc)
        raise Empty()

    def _claim(self, filename: str) -> str | None:
        """Rename the message to this consumer's claim name; None when another one won."""
        source = os.path.join(self.data_folder_in, filename)
        claimed = os.path.join(
            self.data_folder_in, f"{HIDDEN_PREFIX}{filename}.claimed-{os.getpid()}"
        )
        try:
            os.rename(source, claimed)
        except FileNotFoundError:
            return None
        return claimed

    def _read_claimed(self, claimed: str) -> dict:
        """Parse a claimed file and remove it (or keep it in the processed folder)."""
        with open(claimed, "rb") as file:
            raw = file.read()
        payload = self._parse(raw)
        if self.store_processed:
            name = os.path.basename(claimed)[len(HIDDEN_PREFIX) :].rpartition(".claimed-")[0]
            os.replace(claimed, os.path.join(self.processed_folder, name))
        else:
            os.unlink(claimed)
        return payload

    def _parse(self, raw: bytes) -> dict:
        """The kombu message in ``raw``, checked enough that delivering it cannot fail."""
        try:
            payload = loads(bytes_to_str(raw))
            properties = payload["properties"]
            if not isinstance(properties["delivery_info"], dict):
                raise TypeError("delivery_info is not an object")
            if "delivery_tag" not in properties:  # kombu's Message needs it
                raise KeyError("delivery_tag")
            if payload.get("body"):
                self.decode_body(payload["body"], properties.get("body_encoding"))
        except (ValueError, TypeError, KeyError) as exc:  # JSON, UTF-8, base64, shape
            raise UnreadableMessage(
                f"{type(exc).__name__}: {exc}" if raw else "empty file"
            ) from exc
        return payload

    def _set_aside(self, claimed: str, filename: str, reason: Exception) -> None:
        os.makedirs(self.bad_folder, exist_ok=True)
        destination = os.path.join(self.bad_folder, filename)
        os.replace(claimed, destination)
        logger.error("Unreadable broker message set aside as %s (%s)", destination, reason)

    @cached_property
    def bad_folder(self) -> str:
        return self.transport_options.get("bad_folder", os.path.join(self.data_folder_in, "bad"))

    # --- exchange tables: rewritten atomically under a lock, never truncated in place ---------

    def get_table(self, exchange):
        try:
            raw = self._exchange_file(exchange).read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot open {exchange!r} table") from exc
        return [filesystem.exchange_queue_t(*q) for q in loads(bytes_to_str(raw))]

    @contextlib.contextmanager
    def _locked_table(self, exchange):
        """Yield the exchange's bindings to edit in place; written back atomically if changed."""
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(f"{file}.lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            queues = self.get_table(exchange)
            before = list(queues)
            yield queues
            if queues != before:
                write_atomically(str(file), str_to_bytes(dumps(queues)))

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._locked_table(exchange) as queues:
            if binding not in queues:
                queues.insert(0, binding)

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        # The virtual base purges the queue's messages; kombu's in-place table rewrite is skipped.
        super(filesystem.Channel, self)._delete(
            queue, exchange, routing_key, pattern, *args, **kwargs
        )
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._locked_table(exchange) as queues:
            if binding in queues:
                queues.remove(binding)


class Transport(filesystem.Transport):
    """kombu's filesystem transport with :class:`Channel`."""

    Channel = Channel
    # kombu keeps the filesystem transport's in-memory state on the class; keep ours apart.
    global_state = filesystem.virtual.BrokerState()
