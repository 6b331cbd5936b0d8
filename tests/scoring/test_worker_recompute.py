"""Closing a round in the web process updates the snapshots through a real Celery worker."""

from __future__ import annotations

import random
import time

from django.test import TransactionTestCase
from kombu import pools as kombu_pools

from orgs.models import Organization, Team
from scoring.models import TrustIndexSnapshot
from surveys.models import RoundStatus
from surveys.services.rounds import round_close
from tests.scoring.db_fixture import P2, add_responses, make_round, make_rubric
from tests.worker import real_worker
from trustos.celery import app as celery_app


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
