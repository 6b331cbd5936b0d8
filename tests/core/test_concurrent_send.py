"""Claim-and-send under real concurrency: many senders of one link, exactly one email.

Real threads with their own database connections against the file-based test database (or
PostgreSQL in make test-services): the database's locking decides; only the mail server is
the locmem backend.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from django.core import mail
from django.db import connection, connections
from django.test import TransactionTestCase

from core import emails
from decisions.checkins import CHECKIN_LINK, checkin_invitation_new
from decisions.models import CheckInInvitation, Decision
from orgs.models import Organization, Person, Team

THREADS = 6


@pytest.mark.skipif(
    connection.vendor == "sqlite" and "memory" in str(connection.settings_dict.get("TEST", {})),
    reason="threads need a file-based database",
)
class ConcurrentSendTests(TransactionTestCase):
    # Flushing would drop rows the data migrations created: restore them afterwards.
    serialized_rollback = True

    def test_concurrent_senders_of_one_link_send_exactly_one_email(self) -> None:
        org = Organization.objects.create(name="Race", slug="race-send")
        team = Team.objects.create(organization=org, name="Racers")
        person = Person.objects.create(organization=org, name="R", email="r@x.example", team=team)
        decision = Decision.objects.create(
            organization=org, title="Race", decided_on=dt.date(2026, 3, 1)
        )
        inv = checkin_invitation_new(
            org_id=org.pk, decision_id=decision.pk, offset_days=7, person_id=person.pk, team_id=None
        )
        inv.save()
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def send(row: CheckInInvitation) -> None:
            time.sleep(0.2)  # hold the claim while the others try theirs
            emails.send("checkin-invitation", to=row.person.email, ctx={"link": "x"})

        def sender() -> None:
            try:
                barrier.wait()
                sent = CHECKIN_LINK.send_once(
                    pk=inv.pk,
                    send=send,
                    queryset=CheckInInvitation.objects.select_related("person"),
                )
                result = "sent" if sent else "already sent"
            except Exception as exc:  # any other failure must fail the test, not hide
                result = f"error: {exc!r}"
            finally:
                connections.close_all()
            with lock:
                outcomes.append(result)

        threads = [threading.Thread(target=sender) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(outcomes) == ["already sent"] * (THREADS - 1) + ["sent"], outcomes
        assert [m.to for m in mail.outbox] == [["r@x.example"]]
        inv.refresh_from_db()
        assert inv.sent_at is not None
