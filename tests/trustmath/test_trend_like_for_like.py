"""Trends compare like with like (shared items only) and are flagged after Benjamini–Hochberg."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from tests.trustmath.engine_fixture import BANDS, answers, cell
from trustmath.engine import score
from trustmath.stats import bh_adjust

PARENT_OF = {10: 0, 11: 10, 12: 10, 20: 0}
# Dimension "a": item 1 easy, item 2 middling, item 3 hard; dimension "b": item 4.
ITEMS = pd.DataFrame(
    {"item_id": [1, 2, 3, 4], "dimension": ["a", "a", "a", "b"], "reverse_keyed": [False] * 4}
)
DIMS = pd.DataFrame({"dimension": ["a", "b"], "weight": [1.0, 1.0], "bands": [BANDS, BANDS]})


def _rows(team: int, period: str, prefix: str, per_item: dict[int, list[int]]) -> list:
    n = len(next(iter(per_item.values())))
    return [
        (f"{prefix}{r}", team, period, {i: vals[r] for i, vals in per_item.items()})
        for r in range(n)
    ]


def test_a_change_of_items_alone_is_not_flagged() -> None:
    # The same six people, the same opinions; the rotation swapped the easy item 1 for the
    # hard item 3. Item 2 is asked in both periods and answered identically.
    p1 = _rows(20, "p1", "a", {1: [5, 5, 4, 5, 4, 5], 2: [3, 4, 3, 3, 4, 3]})
    p2 = _rows(20, "p2", "b", {2: [3, 4, 3, 3, 4, 3], 3: [1, 2, 1, 1, 2, 1]})
    res = score(answers(p1 + p2), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="a")
    # Full respondent scores: p1 75, 87.5, 62.5, 75, 75, 75 (mean 75); p2 25, 50, 25, 25,
    # 50, 25 (mean 33.3). A Welch test on those — what the engine did before — flags the
    # drop; on the shared item 2 both periods score 50, 75, 50, 50, 75, 50: delta 0, p = 1.
    old = stats.ttest_ind([25, 50, 25, 25, 50, 25], [75, 87.5, 62.5, 75, 75, 75], equal_var=False)
    assert old.pvalue < 0.001
    assert c["score"] - c["prev_score"] == pytest.approx(100 / 3 - 75)
    assert c["shared_items"] == 1 and bool(c["comparable"])
    assert c["delta"] == pytest.approx(0.0)
    assert c["p_value"] == pytest.approx(1.0)
    assert not bool(c["significant"])
    t = cell(res.trust, team_id=20, period="p2")
    assert t["delta"] == pytest.approx(0.0) and not bool(t["significant"])


def test_no_shared_item_is_not_comparable() -> None:
    p1 = _rows(20, "p1", "a", {1: [5, 5, 4, 5, 4, 5]})
    p2 = _rows(20, "p2", "b", {3: [1, 2, 1, 1, 2, 1]})
    res = score(answers(p1 + p2), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="a")
    assert bool(c["has_trend"]) and not bool(c["comparable"]) and c["shared_items"] == 0
    assert c["delta"] is pd.NA and c["p_value"] is pd.NA and not bool(c["significant"])
    t = cell(res.trust, team_id=20, period="p2")
    assert not bool(t["comparable"]) and t["delta"] is pd.NA and not bool(t["significant"])


def test_a_real_change_on_the_same_items_is_flagged() -> None:
    p1 = _rows(20, "p1", "a", {1: [5, 5, 4, 5, 4, 5], 2: [4, 5, 4, 4, 5, 4]})
    p2 = _rows(20, "p2", "b", {1: [2, 1, 2, 2, 1, 2], 2: [1, 2, 1, 1, 2, 1]})
    res = score(answers(p1 + p2), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="a")
    before = [
        (a + b - 2) * 12.5 for a, b in zip([5, 5, 4, 5, 4, 5], [4, 5, 4, 4, 5, 4], strict=True)
    ]
    after = [
        (a + b - 2) * 12.5 for a, b in zip([2, 1, 2, 2, 1, 2], [1, 2, 1, 1, 2, 1], strict=True)
    ]
    welch = stats.ttest_ind(after, before, equal_var=False)
    assert c["shared_items"] == 2
    assert c["delta"] == pytest.approx(np.mean(after) - np.mean(before))
    assert c["p_value"] == pytest.approx(welch.pvalue)
    assert bool(c["significant"]) and c["p_adjusted"] < 0.05
    t = cell(res.trust, team_id=20, period="p2")
    assert t["delta"] < 0 and bool(t["significant"])  # Δ and p from one statistic


def test_respondents_are_rescored_on_the_shared_items_only() -> None:
    # p1: items 1 and 2; p2: items 2 and 3. Respondent scores on item 2 alone.
    p1 = _rows(20, "p1", "a", {1: [5, 5, 5], 2: [2, 3, 4]})
    p2 = _rows(20, "p2", "b", {2: [4, 5, 5], 3: [1, 1, 1]})
    res = score(answers(p1 + p2), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="a")
    # before 25, 50, 75 (mean 50); after 75, 100, 100 (mean 91.667)
    assert c["delta"] == pytest.approx(275 / 3 - 50)
    welch = stats.ttest_ind([75, 100, 100], [25, 50, 75], equal_var=False)
    assert c["p_value"] == pytest.approx(welch.pvalue)


def test_significance_is_decided_after_benjamini_hochberg_across_the_period() -> None:
    # Team 20 drops on dimension a (raw p = 0.0326); team 11 holds steady on b (p = 1).
    rows = _rows(20, "p1", "x", {1: [4, 3, 4, 3, 4, 3, 4]})
    rows += _rows(20, "p2", "y", {1: [3, 2, 3, 4, 3, 2, 2]})
    rows += _rows(11, "p1", "u", {4: [3, 4, 2, 5, 3]}) + _rows(11, "p2", "w", {4: [3, 4, 2, 5, 3]})
    res = score(answers(rows), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    c = cell(res.dimensions, team_id=20, period="p2", dimension="a")
    assert 0.03 < c["p_value"] < 0.05
    # Family of p2: dims a@20, a@org, b@11, b@10, b@org and trust @20, @11, @10, @org =
    # 9 tests; three equal raw p (a@20, a@org, trust@20) rank 1–3 → p·9/3 = 0.0979.
    assert c["p_adjusted"] == pytest.approx(c["p_value"] * 3)
    assert not bool(c["significant"])
    p2d = res.dimensions[res.dimensions["period"] == "p2"]
    p2t = res.trust[res.trust["period"] == "p2"]
    raw = np.concatenate(
        [
            p2d["p_value"].to_numpy(float, na_value=np.nan),
            p2t["p_value"].to_numpy(float, na_value=np.nan),
        ]
    )
    assert (~np.isnan(raw)).sum() == 9
    adj = np.concatenate(
        [
            p2d["p_adjusted"].to_numpy(float, na_value=np.nan),
            p2t["p_adjusted"].to_numpy(float, na_value=np.nan),
        ]
    )
    assert adj == pytest.approx(bh_adjust(raw), nan_ok=True)
    assert (np.concatenate([p2d["significant"], p2t["significant"]]) == (adj < 0.05)).all()


def test_the_trust_index_has_a_band_when_the_dimensions_share_one_scale() -> None:
    rows = _rows(20, "p1", "a", {1: [5, 5], 4: [5, 4]}) + _rows(
        20, "p2", "b", {1: [1, 1], 4: [2, 1]}
    )
    res = score(answers(rows), ITEMS, DIMS, PARENT_OF, ["p1", "p2"])
    assert cell(res.trust, team_id=20, period="p1")["band"] == "High"  # index 96.9
    assert cell(res.trust, team_id=20, period="p2")["band"] == "Low"  # index 3.1
    other = DIMS.assign(bands=[BANDS, [{"label": "X", "min": 0, "max": 100}]])
    mixed = score(answers(rows), ITEMS, other, PARENT_OF, ["p1", "p2"])
    assert (mixed.trust["band"] == "").all()  # no common scale: no band
