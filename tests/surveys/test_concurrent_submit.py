"""Exactly one response per token, even when one token is submitted many times at once.

Real threads, each with its own database connection, against a real (file-based SQLite or
PostgreSQL) test database, so the database's own locking decides: nothing is mocked.
Runs in both `make test` and `make test-services` (PostgreSQL).
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from orgs.models import Organization, Team
from surveys.models import Answer, Invitation, PendingResponse, Response
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.errors import TokenUsed
from surveys.services.responses import response_submit, responses_flush
from tests.surveys.helpers import add_people, open_round, token_of

THREADS = 8


@pytest.mark.skipif(
    connection.vendor == "sqlite" and "memory" in str(connection.settings_dict.get("TEST", {})),
    reason="threads need a file-based database",
)
class ConcurrentSubmitTests(TransactionTestCase):
    # Flushing would drop rows the data migrations created (shipped rubric, beat tasks)
    # for the tests that run after this one in the same process: restore them.
    serialized_rollback = True

    # TransactionTestCase flushes tables: reload the shipped rubric the migration created.
    def setUp(self) -> None:
        rubric_install(data=rubric_read())
        self.org = Organization.objects.create(name="Race", slug="race")
        team = Team.objects.create(organization=self.org, name="Racers")
        add_people(self.org, team, 3)
        rnd = open_round(self.org, [team])  # on_commit dispatch runs at once: autocommit
        self.inv = Invitation.objects.filter(round=rnd).first()
        self.key = rnd.round_items.select_related("item").first().item.key

    def test_one_token_submitted_concurrently_stores_exactly_one_response(self) -> None:
        token = token_of(self.inv)
        barrier = threading.Barrier(THREADS)
        outcomes: list[str] = []
        lock = threading.Lock()

        def submit() -> None:
            try:
                barrier.wait()
                response_submit(token=token, answers={self.key: 4}, comment="")
                result = "stored"
            except TokenUsed:
                result = "used"
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
        assert PendingResponse.objects.count() == 1  # one answer waits for its batch
        responses_flush(force=True)
        assert Response.objects.count() == 1
        assert (
            Answer.objects.count()
            == Answer.objects.filter(response__in=Response.objects.all()).count()
        )
        self.inv.refresh_from_db()
        assert self.inv.used
