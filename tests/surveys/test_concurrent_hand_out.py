"""On the embedded default (a SQLite file), many people opening survey links at once each get
a form number (no "database is locked"), and no two get the same number."""

from __future__ import annotations

import threading

from django.db import connection, connections
from django.test import TransactionTestCase

from surveys.models import FormCounter, PulseRound
from surveys.services.forms import round_form_hand_out
from tests.sqlite_lock import contention_round, sqlite_file_only, write_lock_hold

THREADS = 12
OPENS_EACH = 3
HOLD_S = 1.0  # another writer's hold: well above the 0.1 s busy timeout the openers get


@sqlite_file_only
class ConcurrentHandOutTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        self.rnd = contention_round()
        assert self.rnd.questions is not None

    def test_twelve_people_opening_links_at_once_each_get_a_distinct_form(self) -> None:
        self._open_links_at_once(busy_timeout_ms=None)

    def test_links_opened_while_another_writer_outlasts_the_busy_timeout_still_get_forms(
        self,
    ) -> None:
        released = write_lock_hold(HOLD_S)
        self._open_links_at_once(busy_timeout_ms=100)
        released.wait(10)

    def _open_links_at_once(self, *, busy_timeout_ms: int | None) -> None:
        before = FormCounter.objects.filter(organization_id=self.rnd.organization_id).first()
        start = before.next_form if before is not None else 0
        barrier = threading.Barrier(THREADS)
        errors: list[str] = []
        forms: list[int | None] = []

        def open_links() -> None:
            try:
                rnd = PulseRound.objects.get(pk=self.rnd.pk)
                if busy_timeout_ms is not None:
                    with connection.cursor() as cur:
                        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                barrier.wait()
                for _ in range(OPENS_EACH):
                    forms.append(round_form_hand_out(round=rnd))
            except Exception as exc:  # any failure must fail the test
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=open_links) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert errors == []
        assert len(forms) == THREADS * OPENS_EACH
        # Unique and consecutive: every opening got the next number, none twice.
        assert sorted(f for f in forms if f is not None) == list(
            range(start, start + THREADS * OPENS_EACH)
        )
        counter = FormCounter.objects.get(organization_id=self.rnd.organization_id)
        assert counter.next_form == start + THREADS * OPENS_EACH
