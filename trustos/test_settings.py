"""Settings for the test suite: the real settings (env-driven) plus test-only speed-ups."""

from trustos.settings import *  # noqa: F403

# Celery runs tasks in-process in tests; the services run also has a real-worker test.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Hashing passwords slowly is a production virtue and a test-suite vice.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SLACK_WEBHOOK_URL = ""
TESTING = True
# Read models kept per release: in this process's memory (tests clear it; no files shared
# between parallel test processes).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "reads": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "reads"},
    "sessions": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sess"},
}
# Whole dashboard pages are not served from the cache in tests (a hit has no template context
# to inspect); tests/dashboards/test_page_cache*.py turn it on.
DASHBOARD_PAGE_CACHE = False

# A file, not memory: the real-worker tests (tests/worker.py) open the same database from
# another process. pytest-xdist appends the worker id, so parallel runs don't collide.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test_trustos.sqlite3")}  # noqa: F405
