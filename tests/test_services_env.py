"""In the services run (make test-services) the suite really talks to PostgreSQL and Redis."""

import os

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(
    os.environ.get("TRUSTOS_SERVICES") != "1", reason="only in make test-services"
)


def test_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"


def test_broker_is_redis_and_answers() -> None:
    import redis

    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert redis.Redis.from_url(settings.CELERY_BROKER_URL).ping() is True
