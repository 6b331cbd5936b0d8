"""Tasks queued by the web process run in a real Celery worker process (not eagerly).

Every real-worker test lives in this one file on purpose: `pytest -n 2 --dist loadfile`
then runs them in one process, one after the other. Two real workers on one Redis queue
(the services run) would take each other's tasks and run them against the other test
process's database.
"""

from __future__ import annotations

import random
import time

from django.test import TransactionTestCase
from kombu import pools as kombu_pools

from orgs.models import Organization, Team
from scoring.models import TrustIndexSnapshot
from surveys.models import Invitation, RoundStatus
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.rounds import round_close
from tests.scoring.db_fixture import P2, add_responses, make_round, make_rubric
from tests.surveys.helpers import add_people, open_round
from tests.worker import real_worker
from trustos.celery import app as celery_app


def _fresh_producer_pools() -> None:
    """Work around tests/worker.py: it force-closes the connection pool when switching
    brokers, but kombu's global pools keep the closed pool under the same key, so the next
    send (eager tasks too, in Celery 5.7) fails with "Acquire on closed pool"."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


class RealWorkerDispatchTests(TransactionTestCase):
    # Flushing would drop rows the data migrations created (shipped rubric, beat tasks)
    # for the tests that run after this one in the same process: restore them.
    serialized_rollback = True

    def test_a_real_worker_sends_every_invitation_of_a_new_round(self) -> None:
        rubric_install(data=rubric_read())  # flushed by TransactionTestCase
        org = Organization.objects.create(name="Worker Co", slug="worker-co")
        team = Team.objects.create(organization=org, name="Crew")
        add_people(org, team, 6)
        try:
            with real_worker() as wait_for:
                _fresh_producer_pools()
                rnd = open_round(org, [team])  # autocommit: on_commit queues the task now
                done = wait_for(
                    lambda: (
                        Invitation.objects.filter(round=rnd, sent_at__isnull=False).count() == 6
                    ),
                    90.0,
                )
        finally:
            _fresh_producer_pools()  # leave later tests in this process a working producer
        assert done, "the worker did not send the 6 invitations"
        rnd.refresh_from_db()
        assert rnd.dispatch_finished_at is not None


class RealWorkerRecomputeTests(TransactionTestCase):
    # Flushing would drop rows the data migrations created (shipped rubric, beat tasks)
    # for the tests that run after this one in the same process: restore them.
    serialized_rollback = True

    def test_closing_a_round_recomputes_its_snapshots_in_a_real_worker(self) -> None:
        org = Organization.objects.create(name="Worker Co", slug="worker-co")
        team = Team.objects.create(organization=org, name="Crew")
        rnd = make_round(org, make_rubric(org), P2)
        rnd.status = RoundStatus.OPEN
        rnd.save(update_fields=["status"])
        add_responses(rnd, team, 6, random.Random(1))
        with real_worker() as wait_for:
            # Same pool reset as tests/surveys/test_worker_dispatch.py (kombu keeps the
            # closed pool of the previous broker under the same key).
            kombu_pools.reset()
            celery_app._pool = None
            celery_app.amqp._producer_pool = None
            started = time.monotonic()
            assert round_close(round_id=rnd.id)  # autocommit: on_commit queues the task now
            done = wait_for(
                lambda: TrustIndexSnapshot.objects.filter(organization=org, team_key=0).exists(),
                90.0,
            )
            took = time.monotonic() - started
        assert done, "the worker did not write the snapshots"
        snap = TrustIndexSnapshot.objects.get(organization=org, team_key=0, period=P2)
        assert snap.n == 6
        assert took < 60, f"took {took:.1f}s"
