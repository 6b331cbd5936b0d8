"""The Django adapter: one answer query per rubric into NumPy, results equal to the engine on the same data."""

from __future__ import annotations

import pytest

from scoring.adapter import answers_frame, consecutive_periods, org_scores
from surveys.models import Answer, RoundStatus
from tests.base import BaseTestCase
from tests.scoring.db_fixture import P1, P2, build


class AdapterTests(BaseTestCase):
    def setUp(self) -> None:
        teams = {"platform": self.platform, "mobile": self.mobile, "sales": self.sales}
        self.rounds = build(self.org, teams)

    def test_answers_load_with_one_query_for_all_rounds(self) -> None:
        ids = [r.id for r in self.rounds.values()]
        with self.assertNumQueries(1):
            frame = answers_frame(round_ids=ids)
        assert len(frame) == Answer.objects.count()
        assert frame["value"].isna().sum() == Answer.objects.filter(value=None).count()
        assert list(frame.columns) == ["response_id", "team_id", "period", "item_id", "value"]

    def test_scoring_an_org_costs_a_fixed_number_of_queries(self) -> None:
        # rounds, team tree, items, dimensions, then one answer query per rubric version
        with self.assertNumQueries(4 + 1):
            results = org_scores(org=self.org)
        assert len(results) == 1
        trust = results[0].result.trust
        assert set(trust["period"]) == {P1, P2}
        assert trust.loc[trust["team_id"] == 0, "n"].tolist() == [19, 15]

    def test_scoring_one_period_still_loads_the_one_before_for_its_trend(self) -> None:
        (result,) = org_scores(org=self.org, periods=[P2])
        assert set(result.result.trust["period"]) == {P2}
        org_row = result.result.trust[result.result.trust["team_id"] == 0].iloc[0]
        assert bool(org_row["has_trend"])

    def test_an_open_round_is_not_scored(self) -> None:
        # Results are released from closed rounds only: P2's round reopened is left out.
        self.rounds["p2"].status = RoundStatus.OPEN
        self.rounds["p2"].save(update_fields=["status"])
        (result,) = org_scores(org=self.org)
        assert set(result.result.trust["period"]) == {P1}
        (result,) = org_scores(org=self.org, periods=[P2])  # P1 loaded for the trend only
        assert result.result.trust.empty

    def test_consecutive_periods_fill_gaps(self) -> None:
        assert consecutive_periods(P1, P2, "month") == [P1, P2]
        assert len(consecutive_periods(P1, P1.replace(year=2027), "month")) == 13
        with pytest.raises(ValueError):
            consecutive_periods(P1, P2, "decade")
