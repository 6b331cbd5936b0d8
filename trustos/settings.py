"""Django settings, read from the environment only (see README "Configuration")."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF

from trustos.envconfig import SQLITE_BUSY_TIMEOUT_S, broker_config, database_config

# Importing settings writes nothing: var/ (SQLite file, embedded broker) is created on first
# use, by the SQLite backend (trustos/sqlite3) and the Celery signals in trustos/celery.py.
BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A developer's .env is read when present; CI and production use real variables.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

# "dev" for make run / tests, "production" for a real deployment (check --deploy clean).
MODE = env.str("TRUSTOS_MODE", default="dev")
PRODUCTION = MODE == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="" if PRODUCTION else "dev-insecure-key-only-for-make-run-and-tests-0123456789abcdef",
)
if PRODUCTION and len(SECRET_KEY) < 50:
    raise environ.ImproperlyConfigured("SECRET_KEY must be set (50+ characters) in production mode")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Unset, links in emails point where `make run` serves (trustos/runall.py reads TRUSTOS_PORT too).
SITE_URL = env.str(
    "SITE_URL", default=f"http://127.0.0.1:{env.str('TRUSTOS_PORT', default='8000')}"
).rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    # Only for its static htmx file (the import progress bar polls with it); no middleware.
    "django_htmx",
    "core",
    "orgs",
    "surveys",
    "scoring",
    "decisions",
    "execution",
    "workshops",
    "handoffs",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # django-csp's middleware with the policy string built once per process (core.middleware).
    "core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before CSRF, which reads the form body: a too-large upload is a 413 page (core.uploads).
    "core.uploads.UploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.DomainErrorMiddleware",
    "core.middleware.RefuseControlCharactersMiddleware",
    # Last, as django-axes asks: it turns a login refused by the lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Uploads are counted as they stream and refused at the limit (core.uploads): per request,
# all files together; a view may set its own (`upload_max_bytes`).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=2 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

ROOT_URLCONF = "trustos.urls"
WSGI_APPLICATION = "trustos.wsgi.application"

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
                "trustos.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_config(
        env.str("DATABASE_URL", default=""),
        base_dir=BASE_DIR,
        busy_timeout=env.float("SQLITE_BUSY_TIMEOUT", default=SQLITE_BUSY_TIMEOUT_S),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# AxesStandaloneBackend first: it refuses a locked-out username+address before any password
# is checked, and records each failure (trustos/security.py has the lockout page).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend with the session's user read by a written-out SELECT (every page
    # pays it). Not listed beside ModelBackend: a failed login would then hash twice. Sessions
    # made before it name ModelBackend and are asked to log in once more.
    "core.auth_backend.ModelBackendRaw",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In dev and tests WhiteNoise serves straight from the app folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Client address, login lockout, Content-Security-Policy (README "Security") ---
# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (default): the
# header is ignored and REMOTE_ADDR is the client, so a forged header changes nothing. With
# n, the n-th address from the right is the client. Used by the login lockout and DRF's
# throttles alike (trustos.security.client_ip mirrors DRF's NUM_PROXIES rule).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise environ.ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
AXES_ENABLED = True
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
# Per username and address together: one person mistyping can't lock a colleague out, and
# one address guessing many usernames is limited per username.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "trustos.security.client_ip"
AXES_LOCKOUT_CALLABLE = "trustos.security.lockout_response"
# Failed logins are what the lockout needs; a row per successful login would be a log of
# everyone's working hours and addresses that nothing reads.
AXES_DISABLE_ACCESS_LOG = True
# axes logs a start-up banner from every process (and after pytest's summary line): say nothing.
AXES_VERBOSE = False
# Every page: scripts and styles only from our own files, never inline (templates/ is
# checked by tests/security/test_csp.py); no framing, forms post only to us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# --- Email and Slack (external boundaries: console by default) ---
# The default prints a short block per email (links first) and keeps the message in
# var/mail/; production sets EMAIL_BACKEND to SMTP.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="core.email_console.SummaryConsoleBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Trust OS <trustos@localhost>")
SLACK_WEBHOOK_URL = env.str("SLACK_WEBHOOK_URL", default="")

# --- Caches ---
# "default" stays Django's per-process memory cache. "reads" keeps read models per release
# (dashboards.cache, scoring.api_results): its keys name the release, so nothing goes stale.
# It must be shared by the web and worker processes for the release task's warm-up to help
# readers: Redis with CACHE_URL=redis://…, else files under var/cache/reads (one machine).
_CACHE_URL = env.str("CACHE_URL", default="")
# Where the file caches live without Redis (a bench run points it at its own scratch folder).
_CACHE_DIR = env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reads": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(_CACHE_DIR, "reads"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    ),
    # Sessions read through a cache every process shares (never the per-process "default":
    # a log-out in one worker must end the session in all of them); its own place, so
    # culling read models never drops sessions (they would only be read from the DB again).
    "sessions": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _CACHE_URL,
            "KEY_PREFIX": "sessions",
        }
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.path.join(_CACHE_DIR, "sessions"),
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    ),
}
# A page request reads its session from the cache (no query); writes go to both, and a
# session the cache lost is read from the database again.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# --- Celery ---
CELERY_BROKER_URL, CELERY_BROKER_TRANSPORT_OPTIONS = broker_config(
    env.str("CELERY_BROKER_URL", default=""),
    # TRUSTOS_BROKER_DIR gives a process its own embedded broker (the real-worker tests).
    base_dir=Path(env.str("TRUSTOS_BROKER_DIR", default=str(BASE_DIR))),
)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A task is acknowledged only after it finished, so a worker killed mid-task hands it
# to the next worker; every task is written to be idempotent for that reason.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# What a task prints (the console email backend's summary of each email under `make run`) is
# information, not a warning: Celery logs a task's stdout at WARNING unless told.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
# No task may outlive the Redis visibility timeout below, or a second worker would start it
# again while the first still runs: a hard limit (prefork pool) makes "the longest task" a
# number. Long work is cut into bounded runs instead (invitation dispatch re-queues itself
# after DISPATCH_BUDGET_SECONDS, surveys/services/dispatch.py). docs/operations.md.
CELERY_VISIBILITY_TIMEOUT = 40
CELERY_TASK_TIME_LIMIT = 30
# Long tasks (score recomputes, execution imports, decision metrics) are the exception:
# acknowledged on receipt, with their own limit (core.tasks.long_running says why).
LONG_TASK_TIME_LIMIT = env.int("LONG_TASK_TIME_LIMIT", default=3600)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message a worker took and never acknowledged (killed, machine lost) goes back to
        # the queue this many seconds after it was delivered; no retry delay or countdown
        # may be longer (else a waiting task is delivered twice).
        "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
        # Look for such messages every 2 s (default: every 100 s).
        "unacked_restore_interval": 2,
        "unacked_restore_throttle": 1,
        # A broker that vanished without closing the connection fails a publish in seconds
        # (the web request then records the task in the outbox, core/outbox.py).
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
# A publish to a broker that is down gives up within about a second (web requests must not
# hang); core/outbox.py keeps the task and publishes it when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- REST API ---
REST_FRAMEWORK = {
    # Token first: the first class names the scheme of the 401's WWW-Authenticate header
    # (session auth has none, so missing credentials were a 403). Order changes nothing else:
    # each class only answers for its own credentials, and session writes still need CSRF.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "orgs.api_auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # A read-scoped API token may not write; a token's requests are throttled per token.
    "DEFAULT_THROTTLE_CLASSES": ["orgs.api_auth.ApiTokenThrottle"],
    # Bodies bounded in size and depth, text free of control characters (core.parsers).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.BoundedJSONParser",
        "core.parsers.BoundedFormParser",
        "core.parsers.CheckedMultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "orgs.api_auth.TokenScopeAllows",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.CappedLimitOffsetPagination",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 100,  # = core.pagination.DEFAULT_LIMIT; DRF's checks want it set
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# Requests per API token (orgs.api_auth.ApiTokenThrottle), on top of the view's own limits.
API_TOKEN_RATE = env.str("API_TOKEN_RATE", default="600/min")
SPECTACULAR_SETTINGS = {
    "TITLE": "Trust OS API",
    "DESCRIPTION": "Pulse surveys, decision check-ins and k-anonymous trust results.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the error family's statuses (core.schema).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.schema.error_responses_add",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Expected refusals (4xx) are logged at INFO without a traceback (core/log_filters.py).
    "filters": {"expected_4xx": {"()": "core.log_filters.ExpectedClientErrors"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_4xx"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEFAULT_LOGGING) would print the traceback again.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        # Library chatter, printed by seed_demo and `make run` for every PDF and task queue:
        # WeasyPrint's "Step 2 - Fetching and parsing CSS" progress lines and kombu's
        # "No hostname was supplied" for the in-memory broker URL.
        "weasyprint.progress": {"level": "WARNING"},
        "kombu.connection": {"level": "ERROR"},
    },
}

# --- Production hardening (python manage.py check --deploy reports nothing) ---
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

# Tests set this so Playwright's live server and pytest share one switch.
TESTING = os.environ.get("TRUSTOS_TESTING") == "1"
