"""The embedded mode's per-install state under var/: private to its owner, secrets made once.

Imported by settings, so it uses nothing from Django but its exception.
"""

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path) -> Path:
    """Create ``path`` readable by its owner only, and make an existing one so."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    path.chmod(PRIVATE_DIR)  # also an install made before, with the default umask
    return path


def make_private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only unless it exists; make an existing one owner-only."""
    path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE))
    path.chmod(PRIVATE_FILE)
    return path


def make_private_database(path: str) -> None:
    """Make an SQLite database file (and its WAL files, which SQLite creates alike) owner-only."""
    if path == ":memory:" or path.startswith("file:"):
        return
    make_private_file(Path(path))
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").chmod(PRIVATE_FILE)


def install_secret(path: Path, generate: Callable[[], str]) -> str:
    """The secret kept at ``path``; the first process to ask generates and stores it (0600).

    web, worker and beat start at the same moment on a fresh install: each writes a candidate
    to a file of its own and links it into place, which fails when the name exists, so every
    process ends up with the same secret.
    """
    if not path.exists():
        path.parent.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
        descriptor = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        try:
            with os.fdopen(descriptor, "w") as file:
                file.write(generate())
                file.flush()
                os.fsync(file.fileno())
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process was first: use its secret
        finally:
            candidate.unlink()
    value = path.read_text().strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty: restore it from a backup")
    return value
