"""Exactly one check-in answer per token, even when one link is submitted many times at once.

Real threads with their own database connections against the file-based test database (or
PostgreSQL in make test-services): the database's locking decides, nothing is mocked.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.db import connections
from django.test import TransactionTestCase
from django.utils import timezone

from decisions.checkins import (
    CHECKIN_LINK,
    CheckInError,
    checkin_invitation_new,
    checkin_submit,
)
from decisions.models import CheckInResponse, Decision
from orgs.models import Organization, Person, Team

THREADS = 8


class ConcurrentCheckInTests(TransactionTestCase):
    # Flushing would drop rows the data migrations created (shipped rubric, beat tasks)
    # for the tests that run after this one in the same process: restore them.
    serialized_rollback = True

    def test_one_link_submitted_concurrently_stores_exactly_one_answer(self) -> None:
        org = Organization.objects.create(name="Race", slug="race-decisions")
        team = Team.objects.create(organization=org, name="Racers")
        person = Person.objects.create(organization=org, name="R", email="r@x.example", team=team)
        decision = Decision.objects.create(
            organization=org, title="Race", decided_on=timezone.localdate() - dt.timedelta(days=7)
        )
        inv = checkin_invitation_new(
            org_id=org.pk,
            decision_id=decision.pk,
            offset_days=7,
            person_id=person.pk,
            team_id=team.pk,
        )
        inv.sent_at = timezone.now()
        inv.save()
        raw = CHECKIN_LINK.token(inv)
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def submit() -> None:
            try:
                barrier.wait()
                checkin_submit(raw_token=raw, holding=4, acted="yes", rediscussed="never")
                result = "stored"
            except CheckInError as err:
                result = err.code
            except Exception as exc:  # any other failure must fail the test, not hide
                result = f"error: {exc!r}"
            finally:
                connections.close_all()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=submit) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["stored"] + ["used"] * (THREADS - 1), outcomes
        assert CheckInResponse.objects.count() == 1
        inv.refresh_from_db()
        assert inv.used
