"""/healthz reports the database and the broker apart, and answers quickly when one is down."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory
from unittest import mock

from django.db.utils import OperationalError
from django.test import TestCase, override_settings

from trustos.envconfig import broker_config


def closed_port() -> int:
    """A loopback port nothing listens on (bound, read, released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts TCP connections and never answers (a hung broker)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        yield int(s.getsockname()[1])


def redis_at(port: int) -> override_settings:
    return override_settings(
        CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0", CELERY_BROKER_TRANSPORT_OPTIONS={}
    )


class HealthzTests(TestCase):
    def test_both_ok_is_a_200(self) -> None:
        r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 200)
        self.assertEqual(r.json()["database"], "ok")
        self.assertEqual(r.json()["broker"], "ok")

    def test_an_unreachable_redis_broker_is_a_503_naming_the_broker(self) -> None:
        with redis_at(closed_port()):
            r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json(), {"status": "error", "database": "ok", "broker": "error"})

    def test_a_broker_that_never_answers_fails_within_seconds(self) -> None:
        with silent_server() as port, redis_at(port):
            started = time.monotonic()
            r = self.client.get("/healthz")
            elapsed = time.monotonic() - started
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json()["broker"], "error")
        self.assertLess(elapsed, 5)

    def test_a_database_error_is_a_503_naming_the_database(self) -> None:
        with mock.patch("trustos.health.connection.cursor", side_effect=OperationalError("down")):
            r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json(), {"status": "error", "database": "error", "broker": "ok"})

    def test_the_embedded_broker_is_ok_when_its_folders_can_be_made(self) -> None:
        with TemporaryDirectory() as tmp:
            url, options = broker_config("", base_dir=Path(tmp))
            with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=options):
                r = self.client.get("/healthz")
            self.assertEqual(r.status_code, 200)
            self.assertTrue((Path(tmp) / "var" / "broker" / "out").is_dir())

    def test_the_embedded_broker_is_an_error_when_its_folder_is_unusable(self) -> None:
        with TemporaryDirectory() as tmp:
            (Path(tmp) / "var").write_text("a file where the broker's folder should be")
            url, options = broker_config("", base_dir=Path(tmp))
            with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=options):
                r = self.client.get("/healthz")
        self.assertEqual(r.status_code, 503)
        self.assertEqual(r.json()["broker"], "error")
