"""On the embedded default (a SQLite file), many people opening survey links at once each get
a form number (no "database is locked"), and no two get the same number."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from surveys.models import FormCounter, PulseRound
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.forms import round_form_hand_out
from tests.factories import org_make, people_make, round_make, team_make

THREADS = 12
OPENS_EACH = 3


@pytest.mark.skipif(
    connection.vendor != "sqlite"
    or "memory" in str(connection.settings_dict.get("TEST", {}).get("NAME") or "memory"),
    reason="the embedded default: a SQLite file shared by connections",
)
class ConcurrentHandOutTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        rubric_install(data=rubric_read())
        org = org_make()
        team = team_make(org=org)
        people_make(org=org, team=team, n=6)
        self.rnd = round_make(org=org, teams=[team])
        assert self.rnd.questions is not None

    def test_twelve_people_opening_links_at_once_each_get_a_distinct_form(self) -> None:
        barrier = threading.Barrier(THREADS)
        errors: list[str] = []
        forms: list[int | None] = []

        def open_links() -> None:
            try:
                rnd = PulseRound.objects.get(pk=self.rnd.pk)
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
        assert sorted(f for f in forms if f is not None) == list(range(THREADS * OPENS_EACH))
        counter = FormCounter.objects.get(organization_id=self.rnd.organization_id)
        assert counter.next_form == THREADS * OPENS_EACH
