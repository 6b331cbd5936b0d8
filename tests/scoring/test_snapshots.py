"""Snapshot recompute: stored per (org, period), idempotent, triggered by round close, task, command."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.services import snapshot_recompute
from scoring.tasks import recompute_org_snapshots, recompute_round_snapshots
from surveys.models import Answer, Response, RoundStatus
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build


def _dump() -> list[tuple]:
    fields = ["team_key", "period", "n", "n_own", "score", "delta", "significant"]
    trust = list(TrustIndexSnapshot.objects.order_by("team_key", "period").values_list(*fields))
    dims = list(
        DimensionSnapshot.objects.order_by("team_key", "period", "dimension_key").values_list(
            *fields, "dimension_key", "sd", "ci_low", "ci_high", "favourable_pct", "band"
        )
    )
    return trust + dims


class SnapshotTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)

    def test_it_stores_a_row_per_team_with_respondents_and_the_org(self) -> None:
        summary = snapshot_recompute(org_id=self.org.id)
        assert summary.periods == [P1, P2]
        keys = set(TrustIndexSnapshot.objects.values_list("team_key", "period"))
        teams = {0, self.eng.id, self.platform.id, self.mobile.id, self.sales.id}
        assert keys == {(t, p) for t in teams for p in (P1, P2)}
        org_p1 = TrustIndexSnapshot.objects.get(team_key=0, period=P1)
        assert org_p1.team_id is None and (org_p1.n, org_p1.n_own) == (19, 0)
        eng_p2 = TrustIndexSnapshot.objects.get(team=self.eng, period=P2)
        assert (eng_p2.n, eng_p2.n_own) == (13, 0)
        assert DimensionSnapshot.objects.filter(period=P1, team_key=0).count() == 2
        assert not TrustIndexSnapshot.objects.filter(organization=self.other_org).exists()

    def test_recompute_is_idempotent(self) -> None:
        snapshot_recompute(org_id=self.org.id)
        first = _dump()
        snapshot_recompute(org_id=self.org.id)
        snapshot_recompute(org_id=self.org.id, periods=[P2])
        assert _dump() == first

    def test_recompute_of_one_period_replaces_only_that_period_and_keeps_its_trend(self) -> None:
        snapshot_recompute(org_id=self.org.id)
        before_p1 = list(TrustIndexSnapshot.objects.filter(period=P1).values_list("score"))
        Answer.objects.filter(response__round=self.rounds["p2"]).update(value=5)
        snapshot_recompute(org_id=self.org.id, periods=[P2])
        assert list(TrustIndexSnapshot.objects.filter(period=P1).values_list("score")) == before_p1
        org_p2 = TrustIndexSnapshot.objects.get(team_key=0, period=P2)
        # all 5s: c1 → 100, reverse c2 → 6−5 = 1 → 0, clarity 50; f1 → 100; (2·50 + 100)/3
        assert org_p2.score == pytest.approx(200 / 3)
        assert org_p2.has_trend and org_p2.prev_score == pytest.approx(
            TrustIndexSnapshot.objects.get(team_key=0, period=P1).score
        )

    def test_a_period_that_lost_its_answers_loses_its_rows(self) -> None:
        snapshot_recompute(org_id=self.org.id)
        Response.objects.filter(round=self.rounds["p2"]).delete()
        snapshot_recompute(org_id=self.org.id, periods=[P2])
        assert not TrustIndexSnapshot.objects.filter(period=P2).exists()
        assert not DimensionSnapshot.objects.filter(period=P2).exists()
        assert TrustIndexSnapshot.objects.filter(period=P1).exists()

    def test_closing_a_round_recomputes_its_snapshots_through_the_task(self) -> None:
        rnd = self.rounds["p2"]
        rnd.status = RoundStatus.OPEN
        rnd.save(update_fields=["status"])
        with self.captureOnCommitCallbacks(execute=True):
            assert round_close(round_id=rnd.id)
        assert TrustIndexSnapshot.objects.filter(period=P2, team_key=0).exists()
        assert not TrustIndexSnapshot.objects.filter(period=P1).exists()  # only P2 (and next)

    def test_tasks_are_thin_and_safe_to_run_twice(self) -> None:
        # P1's round recomputes P1 and P2 (P2's trend compares against P1): 5 teams × 2.
        assert recompute_round_snapshots(self.rounds["p1"].id) == 10
        assert recompute_round_snapshots(self.rounds["p1"].id) == 10
        assert recompute_round_snapshots(999_999) == 0
        assert recompute_org_snapshots(self.org.id) == 10
        assert TrustIndexSnapshot.objects.count() == 10

    def test_the_command_shows_progress_and_refuses_unknown_orgs(self) -> None:
        out = StringIO()
        call_command("recompute_scores", "--org", "acme", stdout=out)
        assert "[##############################] 1/1" in out.getvalue()
        assert TrustIndexSnapshot.objects.count() == 10
        out = StringIO()
        call_command("recompute_scores", stdout=out)
        assert "2/2" in out.getvalue()
        with pytest.raises(CommandError, match="nope"):
            call_command("recompute_scores", "--org", "nope")
