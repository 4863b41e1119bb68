"""dropspace settings: everything comes from the environment (see .env.example).

With no DATABASE_URL / REDIS_URL the project runs on embedded defaults (SQLite in WAL mode,
Celery's filesystem broker, a file cache) so `make run` works on a fresh machine.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from dropspace.installation import install_secret, make_private_database, make_private_dir

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"  # runtime state of the embedded mode: database, broker, cache, media

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True) and (BASE_DIR / ".env").exists():
    env.read_env(BASE_DIR / ".env")

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DJANGO_DEBUG", default=False)
EMBEDDED = not env("DATABASE_URL", default="")  # embedded mode: no external services configured
if EMBEDDED:
    make_private_dir(VAR_DIR)  # database, secrets, broker messages, media: the owner's only
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required outside the embedded mode")
    # Never a well-known key: each install makes its own on first start and keeps it in var/.
    SECRET_KEY = install_secret(VAR_DIR / "secret-key", get_random_secret_key)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "template_partials",
    "allauth",
    "allauth.account",
    "accounts",
    "developer",
    "personas",
    "launches",
    "planning",
    "media",
    "connections",
    "billing",
    "webhooks",
]

MIDDLEWARE = [
    "dropspace.api.middleware.JsonErrorsMiddleware",  # first: it sees every /v1/ response
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "developer.middleware.RateLimitHeadersMiddleware",
    "developer.middleware.IdempotencyMiddleware",
]

ROOT_URLCONF = "dropspace.urls"
WSGI_APPLICATION = "dropspace.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dropspace.context_processors.product",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------------------------
if EMBEDDED:
    SQLITE_PATH = env("SQLITE_PATH", default=str(VAR_DIR / "dropspace.sqlite3"))
    make_private_database(SQLITE_PATH)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # web + worker + beat write concurrently: WAL lets readers run beside a writer,
                # IMMEDIATE takes the write lock up front (no lock-upgrade deadlocks) and the
                # timeout makes a writer wait for the lock instead of failing at once.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
else:
    DATABASES = {"default": env.db("DATABASE_URL")}
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (shared by every process: rate limits, analytics cache) ----------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="dropspace"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Auth (people) ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "launches:list"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"
# Sign-up and login also send the browser's timezone (accounts.forms).
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm", "signup": "accounts.forms.SignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"

# --- Email ------------------------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL", default="")
if EMAIL_URL:
    EMAIL_CONFIG = env.email_url("EMAIL_URL")
    vars().update(EMAIL_CONFIG)  # django-environ's documented way to spread EMAIL_* settings
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="dropspace <noreply@localhost>")

# --- i18n / time ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # stored and computed in UTC; pages show each user's own timezone
USE_I18N = True
USE_TZ = True

# --- Static & media ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Serve static files from the app folders in development (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEBUG or EMBEDDED
WHITENOISE_AUTOREFRESH = DEBUG or EMBEDDED
# Media files (uploads, URL ingests, generated media) go through the "media" storage alias:
# the local filesystem under MEDIA_ROOT by default, or any S3-compatible store when
# MEDIA_S3_BUCKET is set (django-storages). Either way the app serves each file at an
# unguessable URL (/media/files/<token>/<name>); MEDIA_PUBLIC_BASE_URL, when set, is where the
# store itself serves files publicly (a public bucket or CDN), used for platforms that fetch.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
MEDIA_PUBLIC_BASE_URL = env("MEDIA_PUBLIC_BASE_URL", default="").rstrip("/")
if MEDIA_S3_BUCKET:
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default="") or None,
            "region_name": env("MEDIA_S3_REGION", default="") or None,
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env("MEDIA_S3_PREFIX", default="media"),
            "file_overwrite": False,
            "querystring_auth": True,
            # SigV2 presigned URLs are refused by most S3-compatible stores.
            "signature_version": "s3v4",
        },
    }
else:
    _media_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "media": _media_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or EMBEDDED
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Largest API request body (413 beyond). Launch create/update may carry base64 media inline
# (9 images of 5 MB + a 4 MB video, base64 adds a third), so their routes take more; every
# other route keeps Django's 2.5 MB, so no endpoint parses 72 MB of JSON it never needs.
API_BODY_MAX_BYTES = env.int("API_BODY_MAX_BYTES", default=2_621_440)
API_MEDIA_BODY_MAX_BYTES = env.int("API_MEDIA_BODY_MAX_BYTES", default=72 * 1024 * 1024)
# Django's own cap on reading a body: the largest of the two (each route is checked first).
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_BODY_MAX_BYTES, API_MEDIA_BODY_MAX_BYTES)
# Media limits (the spec's): images 5 MB; videos 512 MB by URL or upload, 4 MB as base64.
MEDIA_IMAGE_MAX_BYTES = env.int("MEDIA_IMAGE_MAX_BYTES", default=5 * 1024 * 1024)
MEDIA_VIDEO_MAX_BYTES = env.int("MEDIA_VIDEO_MAX_BYTES", default=512 * 1024 * 1024)
MEDIA_BASE64_VIDEO_MAX_BYTES = env.int("MEDIA_BASE64_VIDEO_MAX_BYTES", default=4 * 1024 * 1024)
# Downloading a video by URL may take longer than a product page fetch.
MEDIA_FETCH_TIMEOUT_SECONDS = env.float("MEDIA_FETCH_TIMEOUT_SECONDS", default=300.0)

# --- AI media generation (fal; the local renderer when FAL_KEY is empty) ------------------------
FAL_KEY = env("FAL_KEY", default="")
FAL_IMAGE_MODEL = env("FAL_IMAGE_MODEL", default="fal-ai/flux/dev")
FAL_IMAGE_EDIT_MODEL = env("FAL_IMAGE_EDIT_MODEL", default="fal-ai/flux-pro/kontext")
FAL_VIDEO_MODEL = env("FAL_VIDEO_MODEL", default="fal-ai/veo3/fast")
# Where fal sends its webhook (defaults to SITE_URL; without a public address we poll).
FAL_WEBHOOK_BASE_URL = env("FAL_WEBHOOK_BASE_URL", default="").rstrip("/")
FAL_JWKS_URL = env("FAL_JWKS_URL", default="https://rest.alpha.fal.ai/.well-known/jwks.json")
FAL_WEBHOOK_TOLERANCE_SECONDS = env.int("FAL_WEBHOOK_TOLERANCE_SECONDS", default=300)
FAL_POLL_SECONDS = env.float("FAL_POLL_SECONDS", default=3.0)
FAL_WEBHOOK_BACKSTOP_SECONDS = env.float("FAL_WEBHOOK_BACKSTOP_SECONDS", default=60.0)
MEDIA_MAX_CONCURRENT_JOBS = env.int("MEDIA_MAX_CONCURRENT_JOBS", default=3)
MEDIA_JOB_STALL_SECONDS = env.int("MEDIA_JOB_STALL_SECONDS", default=120)
MEDIA_JOB_TIMEOUT_MINUTES = env.int("MEDIA_JOB_TIMEOUT_MINUTES", default=30)

# --- Security ---------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not (DEBUG or EMBEDDED))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["developer.authentication.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["developer.permissions.HasRequiredScope"],
    "DEFAULT_PARSER_CLASSES": ["dropspace.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "dropspace.api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "dropspace.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "dropspace.api.exceptions.handle_exception",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_VERSIONING_CLASS": None,
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
IDEMPOTENCY_KEY_TTL_HOURS = 24
# The API key `python manage.py mcp` (the stdio MCP server) acts with; unused by the web server.
DROPSPACE_API_KEY = env("DROPSPACE_API_KEY", default="")

SPECTACULAR_SETTINGS = {
    "TITLE": "dropspace API",
    "DESCRIPTION": (
        "Create launches with AI-written content per platform, publish them through your "
        "connected accounts, and follow every post. Authenticate with "
        "`Authorization: Bearer ds_live_...`. Every POST accepts an `Idempotency-Key` header. "
        "Request bodies are JSON objects of at most 2.5 MB (413 beyond; 72 MB for creating or "
        "updating a launch, which may carry base64 media inline); unknown fields are "
        "refused, and `null` for an optional field means the field is not given (except where "
        "a field documents what null does, such as `scheduled_date: null` to unschedule). "
        'Every error, unknown routes included, is JSON: `{"error": {"code", "message"}}`.'
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # No view validates partially: a PATCH body's required fields are required, as documented.
    "COMPONENT_SPLIT_PATCH": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["dropspace.api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "billing.api.describe_rate_limits",
    ],
    # Wallet auth (x402) on the operations that accept it: dropspace.api.schema.AutoSchema.
    "APPEND_COMPONENTS": {
        "securitySchemes": {
            "x402PaymentSignature": {
                "type": "apiKey",
                "in": "header",
                "name": "PAYMENT-SIGNATURE",
                "description": "x402 v2 payment payload, base64 JSON (see /docs/x402).",
            },
            "x402Payment": {
                "type": "apiKey",
                "in": "header",
                "name": "X-PAYMENT",
                "description": "x402 v1 payment payload, base64 JSON (see /docs/x402).",
            },
        }
    },
}

# --- Celery -----------------------------------------------------------------------------------
if REDIS_URL:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    # A message a worker took and never acknowledged (the worker was killed) is given to another
    # worker this long after it was taken; late-acked publishing tasks rely on it.
    _visibility = env.int("CELERY_BROKER_VISIBILITY_TIMEOUT", default=3600)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility}
    if _visibility < 60:  # short (tests): look for such messages every second, not every 100 s
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }
    # Several installs (or test runs) sharing one Redis database keep their queues apart by a
    # key prefix; without one, a worker takes another install's tasks and finds no such post.
    if CELERY_BROKER_KEY_PREFIX := env("CELERY_BROKER_KEY_PREFIX", default=""):
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = CELERY_BROKER_KEY_PREFIX
else:
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
    if CELERY_BROKER_URL.startswith("filesystem://"):
        # kombu's own filesystem transport lets a worker read a half-written message and die;
        # dropspace/broker.py publishes and claims atomically and sets unreadable files aside.
        CELERY_BROKER_TRANSPORT = "dropspace.broker:Transport"
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("out", "processed", "control", "bad"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "bad_folder": str(_broker_dir / "bad"),  # unreadable messages, kept for a look
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes every database connection before and after each task unless
# this is set; dropspace/celery.py closes only broken or expired ones instead (see publishing).
CELERY_DB_REUSE_MAX = 2**31
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = 300  # hard limit, well under the broker's visibility timeout
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_SOFT_SHUTDOWN_TIMEOUT = 30
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- AI ---------------------------------------------------------------------------------------
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY", default="")
ANTHROPIC_MODEL = env("ANTHROPIC_MODEL", default="claude-sonnet-4-6")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL", default="") or None
ANTHROPIC_TIMEOUT_SECONDS = env.float("ANTHROPIC_TIMEOUT_SECONDS", default=60.0)

# --- Outbound HTTP (the one SSRF-safe fetcher, dropspace/http.py) ------------------------------
OUTBOUND_FETCH_TIMEOUT_SECONDS = env.float("OUTBOUND_FETCH_TIMEOUT_SECONDS", default=10.0)
OUTBOUND_FETCH_MAX_BYTES = env.int("OUTBOUND_FETCH_MAX_BYTES", default=2 * 1024 * 1024)
OUTBOUND_FETCH_MAX_REDIRECTS = 3
# A connection's profile picture is copied at connect time (connections.avatars): a slow CDN
# must not hold the connect page for long.
AVATAR_FETCH_TIMEOUT_SECONDS = env.float("AVATAR_FETCH_TIMEOUT_SECONDS", default=5.0)

# --- Logging ----------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- accounts ---
# Password of the demo account `make run` creates (demo@dropspace.local).
DEMO_ACCOUNT_PASSWORD = env("DEMO_ACCOUNT_PASSWORD", default="dropspace-demo")

# --- webhooks ---
# Endpoints on localhost / 127.0.0.1 / ::1 (plain http allowed there), for testing a receiver
# on this machine. Off in every mode: when on, any account can make the server POST to any
# local port and read the answer in its delivery log. Everything else must be https to a
# public address.
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=False)
WEBHOOKS_TIMEOUT_SECONDS = env.float("WEBHOOKS_TIMEOUT_SECONDS", default=15.0)
# Disable an endpoint once all its attempts have failed for this long (410 disables at once).
WEBHOOKS_DISABLE_AFTER_DAYS = env.int("WEBHOOKS_DISABLE_AFTER_DAYS", default=5)
# Events and their delivery logs are deleted after this many days.
WEBHOOKS_RETENTION_DAYS = env.int("WEBHOOKS_RETENTION_DAYS", default=30)
SPECTACULAR_SETTINGS["DESCRIPTION"] += (
    "\n\n**Webhooks.** Endpoints registered under `/v1/webhooks` receive a signed `POST` per "
    "event: `X-Webhook-Signature: sha256=<hex HMAC-SHA256 of the body>` plus the Standard "
    "Webhooks headers `webhook-id`, `webhook-timestamp` and `webhook-signature`. Failed "
    "deliveries are retried for about 27 hours; dedupe on the event `id`. Event types, payloads "
    "and verification examples: the webhook guide at `/webhooks/docs`."
)
SPECTACULAR_SETTINGS["WEBHOOKS"] = ["webhooks.openapi.EVENT_WEBHOOK"]

# --- billing ---
# Every limit and feature lives in billing/plans.py. DEFAULT_PLAN is the plan of a person
# without a subscription; BILLING_PLANS (JSON) changes plan values or adds plans.
DEFAULT_PLAN = env("DEFAULT_PLAN", default="starter")
BILLING_PLANS = env.json("BILLING_PLANS", default={})
# Stripe: without a secret key the billing page shows plans and usage and charges nothing.
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# The Stripe price of each plan sold through Checkout: "starter=price_123,pro=price_456".
STRIPE_PRICE_IDS = env.dict("STRIPE_PRICE_IDS", default={})
# Seconds a webhook signature's timestamp may be old (Stripe's own default tolerance).
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)

# --- launches ---
# Retries of the Anthropic SDK itself (connection errors, 429, 5xx) before the writer gives up.
LAUNCH_WRITER_MAX_RETRIES = env.int("LAUNCH_WRITER_MAX_RETRIES", default=2)
# Product page context for the writer: bytes fetched, characters of text kept.
LAUNCH_PRODUCT_PAGE_MAX_BYTES = env.int("LAUNCH_PRODUCT_PAGE_MAX_BYTES", default=1024 * 1024)
LAUNCH_PRODUCT_PAGE_MAX_CHARS = env.int("LAUNCH_PRODUCT_PAGE_MAX_CHARS", default=6000)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {
        "LaunchStatusEnum": "launches.models.Launch.Status",
        "RequestedLaunchStatusEnum": "launches.models.REQUESTABLE_STATUSES",
        "LaunchPlatformEnum": "launches.models.Platform",  # the nine (planning's filters)
        "MediaGenerationTypeEnum": "media.models.MediaJob.Type",
        "MediaKindEnum": ["image", "video"],
    }
)

# --- connections ------------------------------------------------------------------------------
# Platform OAuth apps. A platform with no client id is "not configured": the dashboard says what
# to set, and (when the sandbox is enabled) connects to the local sandbox platform instead.
PLATFORM_CREDENTIALS = {
    platform: {
        "client_id": env(f"{platform.upper()}_CLIENT_ID", default=""),
        "client_secret": env(f"{platform.upper()}_CLIENT_SECRET", default=""),
    }
    for platform in ("twitter", "linkedin", "facebook", "instagram", "tiktok", "reddit")
}
# Real API hosts per platform; adapters build every URL from these so the sandbox can stand in.
PLATFORM_HOSTS = {
    "twitter": {"auth": "https://x.com", "api": "https://api.x.com"},
    "linkedin": {"auth": "https://www.linkedin.com", "api": "https://api.linkedin.com"},
    "facebook": {
        "auth": "https://www.facebook.com",
        "api": "https://graph.facebook.com",
        "video": "https://graph-video.facebook.com",  # resumable video uploads
    },
    "instagram": {"auth": "https://www.facebook.com", "api": "https://graph.facebook.com"},
    "tiktok": {"auth": "https://www.tiktok.com", "api": "https://open.tiktokapis.com"},
    "reddit": {"auth": "https://www.reddit.com", "api": "https://oauth.reddit.com"},
}
META_GRAPH_VERSION = env("META_GRAPH_VERSION", default="v25.0")
LINKEDIN_API_VERSION = env("LINKEDIN_API_VERSION", default="202601")
REDDIT_USER_AGENT = env("REDDIT_USER_AGENT", default="web:dropspace:0.1 (self-hosted)")
PLATFORM_HTTP_TIMEOUT_SECONDS = env.float("PLATFORM_HTTP_TIMEOUT_SECONDS", default=20.0)
# Tokens expiring within this window are refreshed by the beat task.
CONNECTION_REFRESH_AHEAD_MINUTES = env.int("CONNECTION_REFRESH_AHEAD_MINUTES", default=30)

# Access/refresh tokens are encrypted with these Fernet keys (newest first; older keys still
# decrypt until `manage.py rotate_token_encryption` re-encrypts). Never derived from SECRET_KEY.
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", default=[])
if not TOKEN_ENCRYPTION_KEYS:
    if not (DEBUG or EMBEDDED):
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS is required outside the embedded mode: generate a key with "
            "python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    from cryptography.fernet import Fernet

    TOKEN_ENCRYPTION_KEYS = [
        install_secret(VAR_DIR / "token-encryption.key", lambda: Fernet.generate_key().decode())
    ]

# The sandbox imitates every platform locally (connections/sandbox/). It answers only when
# enabled: on by default in debug/embedded mode, off in production.
SANDBOX_ENABLED = env.bool("SANDBOX_ENABLED", default=DEBUG or EMBEDDED)
# Server-side calls (worker included) reach the sandbox at the site's own URL. Not derived from
# PORT: honcho gives each process of `make run` its own PORT; SITE_URL is the web server's.
SANDBOX_BASE_URL = env("SANDBOX_BASE_URL", default=f"{SITE_URL}/sandbox").rstrip("/")
# Realistic peers for benchmarks and load tests: every sandbox API call waits LATENCY ± JITTER
# ms (per platform overrides: "twitter=300,linkedin=250"), and an account that creates more
# than POST_LIMIT posts within POST_WINDOW seconds gets the platform's own 429 (0 = no limit).
SANDBOX_LATENCY_MS = env.int("SANDBOX_LATENCY_MS", default=0)
SANDBOX_PLATFORM_LATENCY_MS = env.dict(
    "SANDBOX_PLATFORM_LATENCY_MS", cast={"value": int}, default={}
)
SANDBOX_JITTER_MS = env.int("SANDBOX_JITTER_MS", default=0)
SANDBOX_ACCOUNT_POST_LIMIT = env.int("SANDBOX_ACCOUNT_POST_LIMIT", default=0)
SANDBOX_ACCOUNT_POST_WINDOW_SECONDS = env.int("SANDBOX_ACCOUNT_POST_WINDOW_SECONDS", default=900)
INSTALLED_APPS += ["connections.sandbox"]  # always installed (its tables), gated per request
if SANDBOX_BASE_URL.startswith("http://"):
    # oauthlib refuses http:// endpoints; the sandbox runs on plain http locally (and may be
    # switched on at runtime in tests). Real platform hosts above are https constants, so this
    # never downgrades a real connection.
    import os

    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")

# --- x402 (agent payments, billing/x402/) ---
# Agents with a wallet pay $0.50 USDC on Base per launch past their free tier. Wallet auth is
# on when both a facilitator and a pay-to address are set. With the sandbox on (embedded
# mode) both default to the sandbox facilitator at /sandbox/x402/facilitator, which checks
# signatures locally and settles nothing on a chain; production sets a real facilitator.
X402_FACILITATOR_URL = env(
    "X402_FACILITATOR_URL",
    default=f"{SANDBOX_BASE_URL}/x402/facilitator" if SANDBOX_ENABLED else "",
).rstrip("/")
# The wallet that receives the USDC (a sandbox-only address by default in embedded mode).
X402_PAY_TO = env(
    "X402_PAY_TO",
    default="0x5a4D5A0000000000000000000000000000005A4D" if SANDBOX_ENABLED else "",
)
# Price of one launch creation past the free tier, in USDC atomic units (6 decimals).
X402_PRICE_ATOMIC = env.int("X402_PRICE_ATOMIC", default=500_000)
# Seconds the facilitator may take per /verify or /settle (the SDK's own default is 90).
X402_FACILITATOR_TIMEOUT = env.float("X402_FACILITATOR_TIMEOUT", default=15.0)
# Optional bearer token some facilitators (e.g. Coinbase CDP) want on every call.
X402_FACILITATOR_API_KEY = env("X402_FACILITATOR_API_KEY", default="")

# --- analytics ---
# A post's metrics count as fresh this long (the spec's 5 minutes); older numbers are refetched
# on the next read, and kept this many days so a rate-limited platform still answers them.
ANALYTICS_FRESH_SECONDS = env.int("ANALYTICS_FRESH_SECONDS", default=300)
ANALYTICS_KEEP_DAYS = env.int("ANALYTICS_KEEP_DAYS", default=30)
# The beat task refreshing recent posts' metrics (every 15 minutes) looks this far back.
ANALYTICS_REFRESH_DAYS = env.int("ANALYTICS_REFRESH_DAYS", default=7)
# launches/tasks.py is the publishing engine's; analytics' tasks register from their own module.
CELERY_IMPORTS = ["launches.analytics_tasks"]
# Metric refreshes (a platform read per recent post, hundreds at once) run on their own queue,
# served by their own worker (Procfile `analytics`, `manage.py publishing_workers`), so they
# never take a worker thread a due post is waiting for.
ANALYTICS_QUEUE = env("ANALYTICS_QUEUE", default="analytics")
ANALYTICS_CONCURRENCY = env.int("ANALYTICS_CONCURRENCY", default=4)
CELERY_TASK_ROUTES = {"launches.analytics_tasks.*": {"queue": ANALYTICS_QUEUE}}

# --- planning: bulk import ---
# The largest file and the most launches one import takes; files with more valid rows than
# IMPORT_INLINE_ROWS are created by a background task while the page shows progress.
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=1000)
IMPORT_INLINE_ROWS = env.int("IMPORT_INLINE_ROWS", default=20)

# --- publishing ---
# Each auto-post platform has its own Celery queue (publish.<platform>), so one platform's
# rate limits or slowness never hold up the others. `make run` consumes every queue with one
# worker (the Procfile's CELERY_QUEUES default); in production run one worker per queue with
# that platform's concurrency, e.g.
#   celery -A dropspace worker -Q publish.twitter --concurrency=$PUBLISH_CONCURRENCY_TWITTER
# (`manage.py publishing_workers` prints these commands from the settings below).
# The embedded filesystem broker polls each queue in turn, so with one worker serving all of
# them one shared queue is much faster: there every post goes to the default `celery` queue.
PUBLISH_QUEUE_PER_PLATFORM = env.bool("PUBLISH_QUEUE_PER_PLATFORM", default=bool(REDIS_URL))
PUBLISH_QUEUES = {
    platform: f"publish.{platform}" if PUBLISH_QUEUE_PER_PLATFORM else "celery"
    for platform in ("twitter", "linkedin", "reddit", "facebook", "instagram", "tiktok")
}
# Posting is I/O-bound (hundreds of ms waiting on each platform call), so publishing workers
# run Celery's thread pool: one process waits on many calls at once. Each pool thread keeps its
# own database connection across tasks, like a web thread across requests: dropspace/celery.py
# runs Django's close_old_connections() around each task (closing a connection only when it
# broke or outlived CONN_MAX_AGE) instead of Celery's close-every-time, which opened a new
# PostgreSQL connection (a server process) per post. A worker holds at most --concurrency
# connections, so processes x threads must stay under PostgreSQL's max_connections. SQLite
# (CONN_MAX_AGE 0) still reconnects per task, and copes with the threads through WAL and the
# busy timeout above. The thread pool enforces no CELERY_TASK_TIME_LIMIT: a post is bounded by
# PLATFORM_HTTP_TIMEOUT_SECONDS per call instead. "prefork" restores processes.
PUBLISH_WORKER_POOL = env("PUBLISH_WORKER_POOL", default="threads")
# Retryable platform errors (5xx, 429, network): attempts per post, with exponential backoff
# and jitter from PUBLISH_RETRY_BASE_SECONDS, honouring the platform's retry-after, capped well
# under the broker's visibility timeout so a delayed retry is never redelivered twice.
PUBLISH_MAX_ATTEMPTS = env.int("PUBLISH_MAX_ATTEMPTS", default=5)
PUBLISH_RETRY_BASE_SECONDS = env.float("PUBLISH_RETRY_BASE_SECONDS", default=15.0)
PUBLISH_RETRY_MAX_SECONDS = env.float("PUBLISH_RETRY_MAX_SECONDS", default=600.0)
# Pending platform work (Instagram containers, TikTok and X video processing) is looked at by
# short follow-up tasks, at most this many times, each at most this many seconds apart.
PUBLISH_MAX_PENDING_CHECKS = env.int("PUBLISH_MAX_PENDING_CHECKS", default=120)
PUBLISH_PENDING_CHECK_MAX_SECONDS = env.int("PUBLISH_PENDING_CHECK_MAX_SECONDS", default=60)
# A post claimed longer ago than this lost its worker (the hard task time limit is shorter):
# the sweeper marks it unconfirmed (it may have been sent) or re-enqueues it (never sent).
PUBLISH_LEASE_SECONDS = env.int("PUBLISH_LEASE_SECONDS", default=CELERY_TASK_TIME_LIMIT + 60)
# Due scheduled launches claimed per transaction by the scheduler (beat, every second). A batch
# starts together (5 statements + 4 per launch); its posts are sent when it commits, so smaller
# batches get the first posts out sooner while the scheduler still works through the rest.
PUBLISH_SCHEDULER_BATCH = env.int("PUBLISH_SCHEDULER_BATCH", default=25)
# Platform limits every worker holds together (launches/publishing/limits.py): at most
# `in_flight` calls to a platform at once across every process and machine, and at most
# `posts` per `seconds` per account or per app, counted before sending so an account is paced
# before the platform answers 429. The windows are the platforms' documented posting limits
# (../shared/reference/platform-apis.md); figures the platforms do not publish (LinkedIn's and
# TikTok's daily caps, Facebook's) are left to the 429 hold. The in-flight caps are ours: a
# fair share for one install, Reddit's as careful as its 100 requests a minute per app.
# Override per platform: PUBLISH_IN_FLIGHT_TWITTER=16,
# PUBLISH_WINDOWS_TWITTER="account:100/900,app:10000/86400" (an empty value: no window).
_PUBLISH_LIMITS = {
    # X: POST /2/tweets 100 / 15 min and 300 / 3 h per user, 10,000 / 24 h per app.
    "twitter": (32, "account:100/900,account:300/10800,app:10000/86400"),
    "linkedin": (8, ""),  # daily limits per member and app exist but are not published
    "facebook": (8, ""),  # BUC limits: only the usage headers and 429s tell
    "instagram": (8, "account:50/86400"),  # 50 API-published posts per rolling 24 h
    "tiktok": (4, "account:6/60"),  # video/photo init: 6 requests / min per token
    # Reddit: 100 requests / min per OAuth client; Postiz spaces submissions 5 s apart.
    "reddit": (2, "account:1/5,app:100/60"),
}


def _windows(spec: str) -> list[tuple[str, int, int]]:
    windows = []
    for item in filter(None, (part.strip() for part in spec.split(","))):
        scope, _, rate = item.partition(":")
        posts, _, seconds = rate.partition("/")
        windows.append((scope, int(posts), int(seconds)))
    return windows


PUBLISH_PLATFORM_LIMITS = {
    platform: {
        "in_flight": env.int(f"PUBLISH_IN_FLIGHT_{platform.upper()}", default=in_flight),
        "windows": _windows(env(f"PUBLISH_WINDOWS_{platform.upper()}", default=windows)),
    }
    for platform, (in_flight, windows) in _PUBLISH_LIMITS.items()
}
# Threads of each platform's own worker (`manage.py publishing_workers`): more than the
# platform's in-flight cap would only wait for slots.
PUBLISH_CONCURRENCY = {
    platform: env.int(
        f"PUBLISH_CONCURRENCY_{platform.upper()}",
        default=min(16, PUBLISH_PLATFORM_LIMITS[platform]["in_flight"] or 16),
    )
    for platform in PUBLISH_QUEUES
}
# A post waits this long for a free in-flight slot before it is put back on its queue.
PUBLISH_SLOT_WAIT_SECONDS = env.float("PUBLISH_SLOT_WAIT_SECONDS", default=5.0)
# The embedded mode's limit state (flock'd files): every local process shares it.
PUBLISH_LIMITS_DIR = env("PUBLISH_LIMITS_DIR", default=str(VAR_DIR / "publishing-limits"))
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]["PostingLogStatusEnum"] = (
    "launches.models.PostingLog.Status"
)

# --- personas ---
# A build still "building" after this long is treated as dead (worker lost) and may be restarted.
PERSONAS_BUILD_STALE_SECONDS = env.int("PERSONAS_BUILD_STALE_SECONDS", default=900)
SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {}).update(
    {"PersonaPlatformEnum": "personas.models.ANALYSIS_PLATFORMS"}
)
if not REDIS_URL and CELERY_BROKER_URL.startswith("filesystem"):
    # Publishing tasks ack late, so the embedded broker hands a worker its next post only on its
    # next poll: poll often (the default, once a second, gave ~2 posts/s with 2 processes).
    CELERY_BROKER_TRANSPORT_OPTIONS["polling_interval"] = 0.05
