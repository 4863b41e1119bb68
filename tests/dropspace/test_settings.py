"""Settings: .env.example documents every setting and, copied to .env, changes no default."""

import json
import re
import shutil
import subprocess
import sys
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


def project_copy(tmp_path: Path) -> Path:
    """A copy of the project package, so settings.py sees tmp_path as the project folder."""
    shutil.copytree(
        ROOT / "dropspace", tmp_path / "dropspace", ignore=shutil.ignore_patterns("tests")
    )
    for app in ("accounts", "developer", "personas", "launches", "media", "connections",
                "billing", "webhooks"):  # fmt: skip
        (tmp_path / app).symlink_to(ROOT / app)
    return tmp_path


BASE_ENV = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "dropspace.settings", "HOME": "/tmp"}


def test_copying_env_example_to_dot_env_keeps_the_embedded_defaults(tmp_path):
    folder = project_copy(tmp_path)
    baseline = settings_seen(folder, BASE_ENV)
    (folder / ".env").write_text((ROOT / ".env.example").read_text())
    assert settings_seen(folder, BASE_ENV) == baseline


def test_loopback_webhooks_are_off_in_every_mode_until_opted_in(tmp_path):
    folder = project_copy(tmp_path)
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
