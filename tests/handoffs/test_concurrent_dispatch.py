"""Exactly one check-in per person per handoff, and the weekly cap, under concurrent dispatch.

Real threads with their own database connections: the database's locking decides.
"""

from __future__ import annotations

import datetime as dt
import threading

import time_machine
from django.db import connections
from django.test import TransactionTestCase

from handoffs.checkins import handoff_checkins_create_due
from handoffs.models import HandoffCheckIn, HandoffEvent, HandoffSource
from orgs.models import Organization, Person, Team

THREADS = 6
MONDAY = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


class ConcurrentDispatchTests(TransactionTestCase):
    serialized_rollback = True

    def test_concurrent_dispatchers_create_one_check_in_per_person_per_handoff(self) -> None:
        org = Organization.objects.create(name="Race", slug="race-handoffs")
        a = Team.objects.create(organization=org, name="A")
        b = Team.objects.create(organization=org, name="B")
        sender = Person.objects.create(organization=org, name="S", email="s@x.example", team=a)
        receiver = Person.objects.create(organization=org, name="R", email="r@x.example", team=b)
        for i in range(3):
            HandoffEvent.objects.create(
                organization=org,
                source=HandoffSource.API,
                item_ref=f"I-{i}",
                from_team=a,
                to_team=b,
                from_person=sender,
                to_person=receiver,
                at=MONDAY + dt.timedelta(minutes=i),
            )
        barrier = threading.Barrier(THREADS)
        errors: list[str] = []
        lock = threading.Lock()

        def dispatch() -> None:
            try:
                barrier.wait()
                handoff_checkins_create_due(org=Organization.objects.get(pk=org.pk))
            except Exception as exc:  # any failure must fail the test, not hide
                with lock:
                    errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=dispatch) for _ in range(THREADS)]
        # One frozen clock for every thread (time-machine patches the process).
        with time_machine.travel(MONDAY + dt.timedelta(days=2), tick=False):
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=60)
        assert errors == []
        rows = list(HandoffCheckIn.objects.values_list("handoff_id", "person_id"))
        assert len(rows) == len(set(rows))
        for person in (sender, receiver):
            assert HandoffCheckIn.objects.filter(person=person).count() == 2  # the weekly cap
