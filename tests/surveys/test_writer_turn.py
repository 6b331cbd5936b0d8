"""On SQLite, survey writers of different processes take turns on one advisory file lock
(handed over on release, no polling of SQLite's busy handler); on PostgreSQL it is a no-op."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import SimpleTestCase

from surveys.services import writer

HOLD_S = 0.6


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite writer lock")
class WriterTurnTests(SimpleTestCase):
    def setUp(self) -> None:
        self.tmp = tempfile.mkdtemp(prefix="trustos-writer-")
        self.path = os.path.join(self.tmp, "db.sqlite3.writer-lock")
        writer._fds.clear()
        patcher = mock.patch.object(writer, "_lock_path", return_value=self.path)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(writer._fds.clear)

    def test_a_writer_waits_for_another_process_holding_the_turn_then_gets_it(self) -> None:
        holder = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "import fcntl, os, sys, time\n"
                f"fd = os.open({self.path!r}, os.O_RDWR | os.O_CREAT)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\n"
                "print('held', flush=True)\n"
                f"time.sleep({HOLD_S})\n",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        t0 = time.perf_counter()
        with writer.survey_writer_turn():
            waited = time.perf_counter() - t0
            # While we hold the turn, nobody else can take it.
            fd = os.open(self.path, os.O_RDWR)
            try:
                with pytest.raises(BlockingIOError):
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            finally:
                os.close(fd)
        holder.wait(10)
        assert waited >= HOLD_S * 0.5, waited  # it waited for the other process's turn
        assert waited < HOLD_S + 5, waited  # and got it once released, not after a timeout

    def test_the_turn_is_released_after_the_block_even_when_it_raises(self) -> None:
        with pytest.raises(RuntimeError), writer.survey_writer_turn():
            raise RuntimeError("refused")
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free: does not raise
        finally:
            os.close(fd)


class WriterLockPathTests(SimpleTestCase):
    def test_a_database_file_gets_a_lock_file_beside_it_an_in_memory_one_none(self) -> None:
        for name, expected in (
            ("/srv/trustos/db.sqlite3", "/srv/trustos/db.sqlite3.writer-lock"),
            (":memory:", None),
            ("file:memorydb_default?mode=memory&cache=shared", None),
        ):
            with mock.patch.dict(connection.settings_dict, {"NAME": name}):
                assert writer._lock_path() == expected, name
