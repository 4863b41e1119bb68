"""Settings: .env.example documents every setting and, copied to .env, changes no default."""

import json
import re
import shutil
import stat
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.EMBEDDED, s.SANDBOX_ENABLED, s.SANDBOX_BASE_URL, "
    "s.WEBHOOKS_ALLOW_LOOPBACK, s.DATABASES['default']['NAME'], str(s.MEDIA_ROOT)]))"
)


def settings_seen(folder: Path, tmp_env: dict) -> str:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=folder,
        env=tmp_env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_every_setting_read_from_the_environment_is_documented():
    names = set(
        re.findall(r'env(?:\.\w+)?\("([A-Z0-9_]+)"', (ROOT / "dropspace/settings.py").read_text())
    )
    documented = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert names - documented == set()


def copy_project(folder: Path) -> Path:
    """A copy of the project package, so settings.py sees ``folder`` as the project folder."""
    shutil.copytree(
        ROOT / "dropspace", folder / "dropspace", ignore=shutil.ignore_patterns("tests")
    )
    for app in ("accounts", "developer", "personas", "launches", "media", "connections",
                "billing", "webhooks", "planning"):  # fmt: skip
        (folder / app).symlink_to(ROOT / app)
    return folder


BASE_ENV = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "dropspace.settings", "HOME": "/tmp"}


def test_copying_env_example_to_dot_env_keeps_the_embedded_defaults(tmp_path):
    folder = copy_project(tmp_path)
    baseline = settings_seen(folder, BASE_ENV)
    (folder / ".env").write_text((ROOT / ".env.example").read_text())
    assert settings_seen(folder, BASE_ENV) == baseline


def test_loopback_webhooks_are_off_in_every_mode_until_opted_in(tmp_path):
    folder = copy_project(tmp_path)
    production = {
        **BASE_ENV,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # read, never connected to
        "DJANGO_SECRET_KEY": "x" * 50,
        "TOKEN_ENCRYPTION_KEYS": "A" * 43 + "=",
    }
    loopback = 3  # WEBHOOKS_ALLOW_LOOPBACK's place in PROBE's answer

    assert json.loads(settings_seen(folder, BASE_ENV))[loopback] is False  # `make run`
    assert json.loads(settings_seen(folder, production))[loopback] is False
    opted_in = {**BASE_ENV, "WEBHOOKS_ALLOW_LOOPBACK": "true"}
    assert json.loads(settings_seen(folder, opted_in))[loopback] is True


# --- the embedded mode's secrets and files are its owner's alone --------------------------------

EMBEDDED_ENV = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/tmp",
    "DJANGO_SETTINGS_MODULE": "dropspace.settings",
    "DJANGO_READ_DOT_ENV_FILE": "0",
}
SECRETS_PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "from django.db import connection; connection.ensure_connection(); "
    "print(json.dumps([s.SECRET_KEY, s.TOKEN_ENCRYPTION_KEYS]))"
)


def start(project: Path, **env) -> list:
    """What a process of the project sees on start-up: [SECRET_KEY, TOKEN_ENCRYPTION_KEYS]."""
    result = subprocess.run(
        [sys.executable, "-c", SECRETS_PROBE],
        cwd=project,
        env={**EMBEDDED_ENV, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_each_install_makes_its_own_secret_key_and_keeps_it(tmp_path):
    first = copy_project(tmp_path / "first")
    second = copy_project(tmp_path / "second")

    key, _ = start(first)
    assert len(key) >= 50
    assert key != "insecure-embedded-development-key"  # the well-known key shipped before
    assert start(first)[0] == key  # sessions survive a restart
    assert (first / "var" / "secret-key").read_text() == key
    assert start(second)[0] != key


def test_var_the_database_and_the_secrets_are_readable_by_the_owner_only(tmp_path):
    project = copy_project(tmp_path)
    start(project)

    var = project / "var"
    assert mode(var) == 0o700
    for name in ("secret-key", "token-encryption.key", "dropspace.sqlite3"):
        assert mode(var / name) == 0o600, name


def test_an_older_install_made_with_the_default_umask_is_made_private(tmp_path):
    project = copy_project(tmp_path)
    var = project / "var"
    var.mkdir(mode=0o755)
    for name in ("dropspace.sqlite3", "dropspace.sqlite3-wal", "dropspace.sqlite3-shm"):
        (var / name).touch(mode=0o644)
    var.chmod(0o755)

    start(project)

    assert mode(var) == 0o700
    for name in ("dropspace.sqlite3", "dropspace.sqlite3-wal", "dropspace.sqlite3-shm"):
        assert mode(var / name) == 0o600, name


def test_web_worker_and_beat_starting_together_agree_on_the_secrets(tmp_path):
    project = copy_project(tmp_path)
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda _: start(project), range(4)))

    assert all(secrets == seen[0] for secrets in seen)
    assert sorted(p.name for p in (project / "var").iterdir() if p.name.startswith(".")) == []


def test_a_secret_key_from_the_environment_is_used_and_nothing_is_generated(tmp_path):
    project = copy_project(tmp_path)
    assert start(project, DJANGO_SECRET_KEY="from-the-environment")[0] == "from-the-environment"
    assert not (project / "var" / "secret-key").exists()
