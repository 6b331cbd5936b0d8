"""A recompute holding its organization does not block team edits (issue 14: on PostgreSQL a
team rename during a recompute deadlocked), and a recompute that fails transiently retries."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase

from orgs.models import Organization, Team
from orgs.services import team_update
from scoring.services import RecomputeSummary
from scoring.tasks import recompute_org_snapshots
from tests.base import make_user


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row-lock modes (FOR UPDATE vs FOR KEY SHARE) exist only on PostgreSQL",
)
class RecomputeLockTests(TransactionTestCase):
    serialized_rollback = True

    def test_a_team_rename_goes_through_while_a_recompute_holds_the_org(self) -> None:
        org = Organization.objects.create(name="Locks", slug="locks")
        team = Team.objects.create(organization=org, name="Before")
        admin = make_user("lockadmin")
        holding, release = threading.Event(), threading.Event()
        errors: list[str] = []

        def scores_while_holding(**kwargs: Any) -> list[Any]:
            holding.set()  # the recompute's transaction now holds its org lock
            release.wait(10)
            return []

        def recompute() -> None:
            try:
                from scoring.services import snapshot_recompute

                snapshot_recompute(org_id=org.id)
            except Exception as exc:  # any failure must fail the test
                errors.append(repr(exc))
            finally:
                connections.close_all()

        with mock.patch("scoring.services.org_scores", side_effect=scores_while_holding):
            worker = threading.Thread(target=recompute)
            worker.start()
            try:
                assert holding.wait(10)
                with transaction.atomic():
                    # Waiting on the recompute's lock is the bug: fail fast instead of hanging.
                    with connection.cursor() as cur:
                        cur.execute("SET LOCAL lock_timeout = '3s'")
                    team_update(team=team, actor=admin, name="After")
            finally:
                release.set()
                worker.join(20)
        assert not errors, errors
        team.refresh_from_db()
        assert team.name == "After"


class RecomputeRetryTests(TestCase):
    def test_it_retries_a_recompute_that_hit_a_deadlock(self) -> None:
        done = RecomputeSummary(org_id=1, periods=[], trust_rows=7, dimension_rows=0)
        with mock.patch(
            "scoring.tasks.snapshot_recompute",
            side_effect=[OperationalError("deadlock detected"), done],
        ) as recompute:
            # throw=False: run the retry eagerly too, as a worker would run it after the backoff.
            result = recompute_org_snapshots.apply(args=[1], throw=False)
        assert recompute.call_count == 2
        assert result.get() == 7
