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
