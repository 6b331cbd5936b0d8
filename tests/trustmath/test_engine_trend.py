"""Trend vs the previous period: delta always, `significant` only when a Welch test says so."""

from __future__ import annotations

import pytest
from scipy import stats

from tests.trustmath.engine_fixture import PARENT_OF, answers, cell, dimensions, items
from trustmath.engine import score


def _b(team: int, period: str, values: list[int], prefix: str) -> list:
    return [(f"{prefix}{i}", team, period, {3: v}) for i, v in enumerate(values)]


def test_a_large_change_is_flagged_significant() -> None:
    # p1 b scores 0,25,0,25 (x = 1,2,1,2); p2 100,75,100,75 (x = 5,4,5,4).
    rows = _b(20, "p1", [1, 2, 1, 2], "a") + _b(20, "p2", [5, 4, 5, 4], "b")
    res = score(answers(rows), items(), dimensions(), PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="b")
    # means 12.5 → 87.5; both sd = √(4·12.5²/3) = 14.433757; se = √(2·14.433757²/4) = 10.206207
    # t = 75 / 10.206207 = 7.348469 with Welch df = 6 (equal n and sd)
    assert c["delta"] == pytest.approx(75.0)
    assert c["prev_score"] == pytest.approx(12.5)
    assert c["p_value"] == pytest.approx(2 * stats.t.sf(7.348469, 6), rel=1e-5)
    assert bool(c["significant"]) and bool(c["has_trend"])


def test_a_change_the_intervals_cannot_support_is_not_flagged() -> None:
    # p1: 0, 100 (mean 50); p2: 25, 100 (mean 62.5): delta 12.5 but huge spread.
    rows = _b(20, "p1", [1, 5], "a") + _b(20, "p2", [2, 5], "b")
    res = score(answers(rows), items(), dimensions(), PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="b")
    assert c["delta"] == pytest.approx(12.5)
    assert not bool(c["significant"])


def test_previous_means_the_calendar_period_before_not_the_last_one_with_data() -> None:
    rows = _b(20, "p1", [1, 2, 1, 2], "a") + _b(20, "p3", [5, 4, 5, 4], "b")
    res = score(answers(rows), items(), dimensions(), PARENT_OF, ["p1", "p2", "p3"])
    c = cell(res.dimensions, team_id=20, period="p3", dimension="b")
    assert not bool(c["has_trend"]) and not bool(c["significant"])
    assert c["delta"] is res.dimensions["delta"].dtype.na_value


def test_trust_index_trend_uses_respondent_trust_scores() -> None:
    rows = _b(20, "p1", [1, 2, 1, 2], "a") + _b(20, "p2", [5, 4, 5, 4], "b")
    res = score(answers(rows), items(), dimensions(), PARENT_OF, ["p1", "p2"])
    t = cell(res.trust, team_id=20, period="p2")
    assert t["delta"] == pytest.approx(75.0)
    assert bool(t["significant"])
    first = cell(res.trust, team_id=20, period="p1")
    assert not bool(first["has_trend"])


def test_a_single_respondent_on_either_side_gives_a_delta_but_never_significance() -> None:
    rows = _b(20, "p1", [1], "a") + _b(20, "p2", [5, 5, 5], "b")
    res = score(answers(rows), items(), dimensions(), PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="b")
    assert c["delta"] == pytest.approx(100.0)
    assert not bool(c["significant"])
