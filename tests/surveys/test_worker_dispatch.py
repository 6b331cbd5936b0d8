"""A round opened in the web process is dispatched by a real Celery worker process (not eagerly)."""

from __future__ import annotations

from django.test import TransactionTestCase
from kombu import pools as kombu_pools

from orgs.models import Organization, Team
from surveys.models import Invitation
from surveys.rubric_io import rubric_install, rubric_read
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
