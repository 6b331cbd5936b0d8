"""On the embedded SQLite file, a write that another writer outlasts the busy timeout of is run
again until it gets the lock (core/db.py), not failed with "database is locked"; the handoff
release (handoffs.scan_history at `make run` start) is such a write."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test import TransactionTestCase

from core.db import write_transaction_run
from handoffs.models import HandoffRelease
from handoffs.releases import handoff_pairs_publish
from orgs.models import Organization
from tests.factories import org_make
from tests.sqlite_lock import sqlite_file_only, write_lock_hold

HOLD_S = 1.0  # the other writer's hold: well above the 0.1 s busy timeout set below


@sqlite_file_only
class WriteTransactionLockedTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        self.org = org_make()
        connection.ensure_connection()
        with connection.cursor() as cur:
            cur.execute("PRAGMA busy_timeout = 100")  # the lock outlasts it many times
        self.addCleanup(connection.close)

    def _hold_lock(self) -> threading.Event:
        return write_lock_hold(HOLD_S)

    def test_a_write_waits_out_a_lock_longer_than_the_busy_timeout(self) -> None:
        released = self._hold_lock()
        t0 = time.perf_counter()
        write_transaction_run(
            lambda: Organization.objects.filter(pk=self.org.pk).update(name="Renamed")
        )
        waited = time.perf_counter() - t0
        assert released.wait(10)
        assert waited >= HOLD_S * 0.5, waited  # it did meet the lock, and waited it out
        assert Organization.objects.get(pk=self.org.pk).name == "Renamed"

    def test_the_handoff_release_waits_out_the_lock_and_is_stored(self) -> None:
        released = self._hold_lock()
        handoff_pairs_publish(org=self.org)
        assert released.wait(10)
        assert HandoffRelease.objects.filter(organization=self.org).count() == 1

    def test_a_write_gives_up_at_its_deadline(self) -> None:
        released = self._hold_lock()
        with pytest.raises(OperationalError, match="locked"):
            write_transaction_run(
                lambda: Organization.objects.filter(pk=self.org.pk).update(name="X"),
                wait_s=0.2,
            )
        assert released.wait(10)

    def test_inside_a_callers_transaction_it_is_one_plain_block(self) -> None:
        calls: list[int] = []
        with transaction.atomic():
            assert write_transaction_run(lambda: calls.append(1) or len(calls)) == 1
        assert calls == [1]

    def test_other_database_errors_are_not_retried(self) -> None:
        calls: list[int] = []

        def fail() -> None:
            calls.append(1)
            raise OperationalError("no such table: nowhere")

        with pytest.raises(OperationalError, match="no such table"):
            write_transaction_run(fail)
        assert calls == [1]
