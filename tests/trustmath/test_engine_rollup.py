"""Roll-ups come from respondent-level data: sub-teams count in parents, team 0 is the org."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.trustmath.engine_fixture import P1, P2, PARENT_OF, answers, cell, dimensions, items
from trustmath.engine import ORG_ID, score


def test_parent_and_org_are_means_over_respondents_not_averages_of_team_averages() -> None:
    res = score(answers(P1), items(), dimensions(), PARENT_OF)
    # Alpha a: 100, 75 (mean 87.5); Beta a: 0. Respondent mean = 175/3 = 58.3333,
    # while the average of the two team averages would be (87.5 + 0)/2 = 43.75.
    dept = cell(res.dimensions, team_id=10, period="p1", dimension="a")
    org = cell(res.dimensions, team_id=ORG_ID, period="p1", dimension="a")
    assert dept["score"] == pytest.approx(175 / 3)
    assert org["score"] == pytest.approx(175 / 3)
    assert dept["score"] != pytest.approx(43.75)
    # sd over the three respondents: deviations 41.667, 16.667, −58.333 → Σd² = 5416.667,
    # sd = √(5416.667 / 2) = 52.041650
    assert org["sd"] == pytest.approx(52.041650, abs=1e-5)
    assert (dept["n"], dept["n_own"]) == (3, 0)
    trust = cell(res.trust, team_id=ORG_ID, period="p1")
    assert trust["score"] == pytest.approx((2 * 175 / 3 + 37.5) / 3)  # 51.388889
    assert (trust["n"], trust["n_own"]) == (3, 0)


def test_n_own_counts_only_respondents_attached_to_the_team_itself() -> None:
    rows = [*P1, ("d1", 10, "p1", {1: 3, 2: 3, 3: 3})]  # someone directly in Dept
    res = score(answers(rows), items(), dimensions(), PARENT_OF)
    dept = cell(res.trust, team_id=10, period="p1")
    assert (dept["n"], dept["n_own"]) == (4, 1)
    assert cell(res.trust, team_id=11, period="p1")["n_own"] == 2
    # The rolled-up Dept a cell: 100, 75, 0, 50 → 56.25
    assert cell(res.dimensions, team_id=10, period="p1", dimension="a")["score"] == pytest.approx(
        56.25
    )


def test_teams_without_respondents_get_no_rows() -> None:
    res = score(answers(P1), items(), dimensions(), PARENT_OF)
    assert 20 not in set(res.trust["team_id"])
    assert 20 not in set(res.dimensions["team_id"])


def test_pooled_spread_matches_a_direct_computation_on_random_data() -> None:
    rng = np.random.default_rng(7)
    n = 400
    teams = rng.choice([11, 12, 20, 10], size=n)
    frame = answers(
        [
            (i, int(teams[i]), "p1", {1: float(rng.integers(1, 6)), 3: float(rng.integers(1, 6))})
            for i in range(n)
        ]
    )
    res = score(frame, items(), dimensions(), PARENT_OF)
    # respondent a score = (x1 − 1)·25 (only item 1 answered); Dept = teams 10, 11, 12
    a = frame[frame["item_id"] == 1].set_index("response_id")
    scores = (a["value"] - 1) * 25
    in_dept = scores[a["team_id"].isin([10, 11, 12])]
    dept = cell(res.dimensions, team_id=10, period="p1", dimension="a")
    assert dept["score"] == pytest.approx(in_dept.mean())
    assert dept["sd"] == pytest.approx(in_dept.std(ddof=1))
    assert cell(res.dimensions, team_id=0, period="p1", dimension="a")["sd"] == pytest.approx(
        scores.std(ddof=1)
    )


def test_outputs_join_on_team_and_period() -> None:
    res = score(answers(P1 + P2), items(), dimensions(), PARENT_OF, ["p1", "p2"])
    joined = res.dimensions.merge(res.trust, on=["team_id", "period"], suffixes=("", "_trust"))
    assert len(joined) == len(res.dimensions)
    assert not res.trust.duplicated(["team_id", "period"]).any()
    assert isinstance(res.trust, pd.DataFrame)
