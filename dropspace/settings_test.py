"""Test-only speed-ups on top of the real settings (nothing here changes behaviour)."""

import os
import tempfile

from dropspace.settings import *  # noqa: F403
from dropspace.settings import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "media": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT = None  # the URL's own transport, not the embedded filesystem one
CELERY_BROKER_TRANSPORT_OPTIONS = {}
ANTHROPIC_API_KEY = ""  # tests that exercise Claude set it and mock the HTTP transport

_worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
if REDIS_URL:
    # One prefix per xdist worker so parallel tests never see each other's counters.
    CACHES["default"]["KEY_PREFIX"] = f"test-{_worker}-{os.getpid()}"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True  # no collectstatic in tests
# Publishing limits' embedded state (flock'd files): this test process's own folder.
PUBLISH_LIMITS_DIR = tempfile.mkdtemp(prefix=f"dropspace-limits-{_worker}-")
