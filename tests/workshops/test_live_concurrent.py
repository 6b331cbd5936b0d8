"""60 phones answering at once store exactly one vote each; one phone sending many times at
once stores one vote, the last write winning.

Real threads, each with its own database connection, against the real test database (file
SQLite or PostgreSQL), so the database's locking and the unique key decide: nothing mocked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from orgs.models import Organization, Team
from workshops.models import Workshop
from workshops.models_polls import Participant, Vote
from workshops.services_live import poll_create, poll_set_state, vote_submit, workshop_go_live

VOTERS = 60


def run_at_once(jobs: list[Callable[[], None]]) -> list[str]:
    """Start every job behind one barrier; each returns 'stored' or the error it met."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    lock = threading.Lock()

    def wrap(job: Callable[[], None]) -> None:
        try:
            barrier.wait()
            job()
            result = "stored"
        except Exception as exc:  # any failure must show in the assertion, not vanish
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=wrap, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.skipif(
    connection.vendor == "sqlite" and "memory" in str(connection.settings_dict.get("TEST", {})),
    reason="threads need a file-based database",
)
class ConcurrentVoteTests(TransactionTestCase):
    serialized_rollback = True

    def setUp(self) -> None:
        org = Organization.objects.create(name="Room", slug="room")
        team = Team.objects.create(organization=org, name="Roomies")
        ws = Workshop.objects.create(organization=org, team=team, title="Busy room")
        self.ws = workshop_go_live(workshop=ws)
        poll = poll_create(workshop=self.ws, kind="agree", question="Busy?", options=[])
        self.poll = poll_set_state(poll=poll, action="open")

    def test_sixty_participants_voting_at_once_store_one_vote_each(self) -> None:
        people = [Participant.objects.create(workshop=self.ws) for _ in range(VOTERS)]

        def voter(p: Participant, value: int) -> Callable[[], None]:
            return lambda: vote_submit(
                poll_id=self.poll.pk, participant=p, raw={"value": [str(value)]}
            )

        outcomes = run_at_once([voter(p, 1 + i % 5) for i, p in enumerate(people)])
        self.assertEqual(outcomes, ["stored"] * VOTERS)
        self.assertEqual(Vote.objects.filter(poll=self.poll).count(), VOTERS)
        self.assertEqual(
            Vote.objects.values("participant").distinct().count(), VOTERS
        )  # one each, none lost, none doubled

    def test_one_device_sending_many_times_at_once_keeps_one_vote(self) -> None:
        p = Participant.objects.create(workshop=self.ws)
        values = [1, 2, 3, 4, 5, 1, 2, 3]
        outcomes = run_at_once(
            [
                (
                    lambda v=v: vote_submit(
                        poll_id=self.poll.pk, participant=p, raw={"value": [str(v)]}
                    )
                )
                for v in values
            ]
        )
        self.assertEqual(outcomes, ["stored"] * len(values))
        votes = list(Vote.objects.filter(poll=self.poll))
        self.assertEqual(len(votes), 1)
        self.assertIn(votes[0].answer, values)
