"""The embedded default (SQLite) runs in WAL with a bounded busy timeout and persistent,
health-checked connections: readers never wait for a writer, a writer waits seconds at most."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test import SimpleTestCase, TestCase

from trustos.envconfig import SQLITE_BUSY_TIMEOUT_S, database_config


class SqliteConfigTests(SimpleTestCase):
    def test_the_embedded_default_is_wal_with_a_short_busy_timeout_and_kept_connections(
        self,
    ) -> None:
        cfg = database_config(None, base_dir=Path("/tmp/x"))
        assert cfg["OPTIONS"]["timeout"] == SQLITE_BUSY_TIMEOUT_S == 5.0
        assert cfg["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in cfg["OPTIONS"]["init_command"]
        assert cfg["CONN_MAX_AGE"] > 0 and cfg["CONN_HEALTH_CHECKS"] is True

    def test_the_busy_timeout_can_be_set(self) -> None:
        cfg = database_config(None, base_dir=Path("/tmp/x"), busy_timeout=12)
        assert cfg["OPTIONS"]["timeout"] == 12


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite pragmas")
class SqliteConnectionTests(TestCase):
    def test_a_connection_is_in_wal_mode_with_the_busy_timeout(self) -> None:
        with connection.cursor() as cur:
            cur.execute("PRAGMA journal_mode")
            assert cur.fetchone()[0] == "wal"
            cur.execute("PRAGMA busy_timeout")
            assert cur.fetchone()[0] == int(SQLITE_BUSY_TIMEOUT_S * 1000)
