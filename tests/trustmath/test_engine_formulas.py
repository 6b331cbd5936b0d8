"""Every DESIGN §5 formula the engine implements, against numbers worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.trustmath.engine_fixture import P1, P2, PARENT_OF, answers, cell, dimensions, items
from trustmath.engine import score


@pytest.fixture
def result():
    return score(answers(P1 + P2), items(), dimensions(), PARENT_OF, ["p1", "p2"])


def test_it_scores_items_with_reverse_keying_and_skips(result) -> None:
    alpha_a = cell(result.dimensions, team_id=11, period="p1", dimension="a")
    # r1 a = 100 (item 2 answered 1 is reverse-keyed to 5), r2 a = 75 (item 2 skipped).
    assert alpha_a["score"] == pytest.approx(87.5)
    assert alpha_a["n"] == 2
    beta_a = cell(result.dimensions, team_id=12, period="p1", dimension="a")
    assert beta_a["score"] == pytest.approx(0.0)  # 1 → 0 and reverse 5 → 1 → 0


def test_a_respondent_who_skipped_every_item_of_a_dimension_is_not_counted_in_it(result) -> None:
    beta = result.dimensions[(result.dimensions["team_id"] == 12)]
    assert set(beta["dimension"]) == {"a"}  # r3 skipped item 3: no b cell for Beta
    dept_b = cell(result.dimensions, team_id=10, period="p1", dimension="b")
    assert dept_b["n"] == 2
    assert dept_b["score"] == pytest.approx(37.5)  # (50 + 25) / 2


def test_sd_and_t_interval(result) -> None:
    gamma_b = cell(result.dimensions, team_id=20, period="p2", dimension="b")
    # scores 50,75,50,75,50,75: mean 62.5, deviations ±12.5, Σd² = 6·156.25 = 937.5,
    # sd = √(937.5/5) = √187.5 = 13.693064; t(0.975, 5) = 2.5705818;
    # half width = 2.5705818 · 13.693064 / √6 = 2.5705818 · 5.5901699 = 14.369989.
    assert gamma_b["score"] == pytest.approx(62.5)
    assert gamma_b["n"] == 6
    assert gamma_b["sd"] == pytest.approx(13.693064, abs=1e-6)
    assert gamma_b["ci_low"] == pytest.approx(62.5 - 14.369989, abs=1e-5)
    assert gamma_b["ci_high"] == pytest.approx(62.5 + 14.369989, abs=1e-5)
    assert bool(gamma_b["has_ci"]) is True


def test_interval_is_clipped_to_the_scale(result) -> None:
    alpha_a = cell(result.dimensions, team_id=11, period="p1", dimension="a")
    # sd = √((12.5² + 12.5²)/1) = 17.677670; half = 12.706205 · 17.677670 / √2 = 158.8276
    assert alpha_a["sd"] == pytest.approx(17.677670, abs=1e-6)
    assert (alpha_a["ci_low"], alpha_a["ci_high"]) == (0.0, 100.0)


def test_one_respondent_has_no_interval_and_no_nan(result) -> None:
    beta_a = cell(result.dimensions, team_id=12, period="p1", dimension="a")
    assert bool(beta_a["has_ci"]) is False
    assert beta_a["ci_low"] is pd.NA and beta_a["ci_high"] is pd.NA and beta_a["sd"] is pd.NA
    for col in ["score", "n", "favourable_pct", "favourable_low", "favourable_high"]:
        assert not result.dimensions[col].isna().any(), col


def test_favourable_share_with_wilson_interval(result) -> None:
    alpha_a = cell(result.dimensions, team_id=11, period="p1", dimension="a")
    # answers after reverse keying: 5, 5 (r1), 4 (r2) → 3 of 3 favourable.
    # Issue 10: the respondent is the cluster. p = 1, so the design effect can't be
    # estimated and the conservative A/n = 3/2 is used: n_eff = 2 (one trial per person).
    # Wilson, z = 1.959964, z² = 3.841459, n = 2: denom = 1 + z²/2 = 2.920730,
    # centre = (1 + z²/4) / denom = 0.671191, half = z·√(z²/16) / denom = 0.328809
    assert alpha_a["answers"] == 3 and alpha_a["favourable"] == 3
    assert alpha_a["favourable_pct"] == pytest.approx(100.0)
    assert alpha_a["favourable_n_eff"] == pytest.approx(2.0)
    assert alpha_a["favourable_low"] == pytest.approx(34.2382, abs=1e-3)
    assert alpha_a["favourable_high"] == pytest.approx(100.0)
    org_a = cell(result.dimensions, team_id=0, period="p1", dimension="a")
    # 5 answers: 5, 5(rev), 4, 1, 1(rev of 5) → 3 favourable = 60 %.
    assert (org_a["answers"], org_a["favourable"]) == (5, 3)
    assert org_a["favourable_pct"] == pytest.approx(60.0)


def test_bands_follow_the_rubric(result) -> None:
    assert cell(result.dimensions, team_id=11, period="p1", dimension="a")["band"] == "High"
    assert cell(result.dimensions, team_id=11, period="p1", dimension="b")["band"] == "Low"
    assert cell(result.dimensions, team_id=12, period="p1", dimension="a")["band"] == "Low"


def test_trust_index_is_weighted_and_renormalised_over_present_dimensions(result) -> None:
    alpha = cell(result.trust, team_id=11, period="p1")
    assert alpha["score"] == pytest.approx((2 * 87.5 + 1 * 37.5) / 3)  # 70.833333
    assert alpha["n"] == 2 and alpha["dimensions"] == 2
    beta = cell(result.trust, team_id=12, period="p1")
    assert beta["score"] == pytest.approx(0.0) and beta["dimensions"] == 1  # only a
    gamma = cell(result.trust, team_id=20, period="p2")
    assert gamma["score"] == pytest.approx(62.5)  # only b: weight renormalised to 1


def test_band_edges_use_min_inclusive_and_top_max_inclusive() -> None:
    from trustmath.stats import band_labels

    labels = band_labels(
        [0, 49.999, 50, 99.9, 100],
        [{"label": "Low", "min": 0, "max": 50}, {"label": "High", "min": 50, "max": 100}],
    )
    assert labels.tolist() == ["Low", "Low", "High", "High", "High"]
