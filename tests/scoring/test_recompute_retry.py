"""A recompute that fails transiently (a deadlock, a lost connection) is retried, not lost."""

from __future__ import annotations

from unittest import mock

from django.db import OperationalError
from django.test import TestCase

from scoring.services import RecomputeSummary
from scoring.tasks import recompute_org_snapshots


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
        # .result, not .get(): get() refuses to run when an earlier eager task of the same
        # process left Celery's current-task stack set ("Never call result.get() within a
        # task"), which made this test fail in some suite orders.
        assert result.successful()
        assert result.result == 7
