"""Exactly one check-in per person per handoff, and the weekly cap, under concurrent dispatch.

Real threads with their own database connections: the database's locking decides. Runs in
`make test` (file-based SQLite) and `make test-services` (PostgreSQL, where the row locks
are real `SELECT … FOR UPDATE`): `bash scripts/with-services.sh .venv/bin/python -m pytest
tests/handoffs/test_concurrent_dispatch.py`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import time_machine
from django.db import connections
from django.test import TransactionTestCase

from handoffs.checkins import handoff_checkins_create_due
from handoffs.models import HandoffCheckIn, HandoffEvent, HandoffRelease, HandoffSource
from handoffs.tasks import dispatch_checkins_task
from orgs.models import Organization, Person, Team

THREADS = 6
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class ConcurrentDispatchTests(TransactionTestCase):
    serialized_rollback = True

    def _org(self) -> tuple[Organization, list[Person]]:
        """Two teams; three handoffs S → R, and one each way between T and U (other people)."""
        org = Organization.objects.create(name="Race", slug="race-handoffs")
        a = Team.objects.create(organization=org, name="A")
        b = Team.objects.create(organization=org, name="B")
        people = [
            Person.objects.create(organization=org, name=n, email=f"{n}@x.example", team=t)
            for n, t in (("s", a), ("r", b), ("t", a), ("u", b))
        ]
        s, r, t, u = people
        pairs = [(s, r, a, b)] * 3 + [(t, u, a, b), (u, t, b, a)]
        for i, (frm, to, ft, tt) in enumerate(pairs):
            HandoffEvent.objects.create(
                organization=org,
                source=HandoffSource.API,
                item_ref=f"I-{i}",
                from_team=ft,
                to_team=tt,
                from_person=frm,
                to_person=to,
                at=MONDAY + dt.timedelta(minutes=i),
            )
        return org, people

    def _race(self, work: Callable[[], object]) -> None:
        barrier = threading.Barrier(THREADS)
        errors: list[str] = []
        lock = threading.Lock()

        def run() -> None:
            try:
                barrier.wait()
                work()
            except Exception as exc:  # any failure must fail the test, not hide
                with lock:
                    errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(THREADS)]
        # One frozen clock for every thread (time-machine patches the process).
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
        assert errors == []

    def _assert_once_and_capped(self, people: list[Person]) -> None:
        rows = list(HandoffCheckIn.objects.values_list("handoff_id", "person_id"))
        assert len(rows) == len(set(rows))  # one check-in per person per handoff
        s, r, t, u = people
        for person in (s, r):  # three handoffs each, capped at 2 this week
            assert HandoffCheckIn.objects.filter(person=person).count() == 2
        for person in (t, u):  # one handoff sent and one received each: 2, under the cap
            assert HandoffCheckIn.objects.filter(person=person).count() == 2

    def test_concurrent_dispatch_tasks_with_releases_keep_one_check_in_and_the_cap(self) -> None:
        org, people = self._org()
        self._race(dispatch_checkins_task)
        self._assert_once_and_capped(people)
        assert HandoffCheckIn.objects.filter(sent_at__isnull=True).count() == 0  # sent once
        assert HandoffRelease.objects.filter(organization=org).count() == 1

    def test_concurrent_dispatchers_create_one_check_in_per_person_per_handoff(self) -> None:
        org, people = self._org()
        self._race(lambda: handoff_checkins_create_due(org=Organization.objects.get(pk=org.pk)))
        self._assert_once_and_capped(people)
