"""Cronbach's α, Feldt interval and item–total r against published values and hand sums."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pingouin  # test-only reference implementation and data sets
import pytest

from trustmath.reliability import (
    AlphaResult,
    ReliabilityError,
    cronbach_alpha,
    item_total_correlations,
    per_dimension_reliability,
    wide_from_long,
)

DATASETS = Path(pingouin.__file__).parent / "datasets"


@pytest.fixture
def wide_missing() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "cronbach_wide_missing.csv", encoding="utf-8-sig")


@pytest.fixture
def likert_long() -> pd.DataFrame:
    return pd.read_csv(DATASETS / "cronbach_alpha.csv")


def test_alpha_matches_the_published_value_with_pairwise_covariances(wide_missing) -> None:
    result = cronbach_alpha(wide_missing)
    assert isinstance(result, AlphaResult)
    assert result.alpha == pytest.approx(0.732660835214447, abs=1e-9)
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.435, 0.909)
    assert (result.n, result.k_items) == (12, 11)


def test_alpha_matches_the_published_value_on_long_format_data(likert_long) -> None:
    wide = wide_from_long(likert_long, "Subj", "Items", "Scores")
    assert wide.shape == (15, 10)
    result = cronbach_alpha(wide)
    assert result.alpha == pytest.approx(0.5917188485995826, abs=1e-9)
    assert round(result.ci_low, 3) == 0.195
    assert round(result.ci_high, 3) == 0.840
    assert (result.n, result.k_items) == (15, 10)


def test_listwise_deletion_matches_pingouin(wide_missing) -> None:
    ours = cronbach_alpha(wide_missing, missing="listwise")
    alpha, _ = pingouin.cronbach_alpha(wide_missing, nan_policy="listwise")
    assert ours.alpha == pytest.approx(alpha, abs=1e-9)
    assert ours.alpha == pytest.approx(0.8016949152542373, abs=1e-9)
    # pingouin keeps the pre-deletion n for its interval; ours uses the 9 complete
    # respondents, which is pingouin's answer on the already-complete table.
    assert ours.n == 9
    _, (low, high) = pingouin.cronbach_alpha(wide_missing.dropna())
    assert (round(ours.ci_low, 3), round(ours.ci_high, 3)) == (low, high)


def test_interval_width_follows_the_confidence_level(likert_long) -> None:
    wide = wide_from_long(likert_long, "Subj", "Items", "Scores")
    r95 = cronbach_alpha(wide)
    r80 = cronbach_alpha(wide, ci=0.80)
    assert r95.alpha == r80.alpha
    assert r95.ci_low < r80.ci_low < r80.alpha < r80.ci_high < r95.ci_high
    _, (low, high) = pingouin.cronbach_alpha(wide, ci=0.80)
    assert (round(r80.ci_low, 3), round(r80.ci_high, 3)) == (low, high)


def test_alpha_on_a_table_small_enough_to_compute_by_hand() -> None:
    # item 1: 1 2 3 (var 1); item 2: 2 2 5 (var 3); covariance 1.5; total variance 7.
    # α = 2/1 · (1 − 4/7) = 6/7.
    table = np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 5.0]])
    assert cronbach_alpha(table).alpha == pytest.approx(6 / 7, abs=1e-12)
    # With two items the "rest" is the other item: r = 1.5 / sqrt(1 · 3).
    r = item_total_correlations(table)
    assert r.tolist() == pytest.approx([1.5 / np.sqrt(3), 1.5 / np.sqrt(3)], abs=1e-12)


def test_pairwise_covariances_equal_pandas_on_the_missing_data(wide_missing) -> None:
    # α from pandas' own pairwise covariance matrix, written out here.
    cov = wide_missing.cov().to_numpy()
    k = cov.shape[0]
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(wide_missing).alpha == pytest.approx(expected, abs=1e-12)
    r = item_total_correlations(wide_missing.drop(columns=["Q4"]))
    sub = wide_missing.drop(columns=["Q4"]).cov().to_numpy()
    first = (sub[0].sum() - sub[0, 0]) / np.sqrt(
        sub[0, 0] * (sub.sum() - 2 * sub[0].sum() + sub[0, 0])
    )
    assert r.iloc[0] == pytest.approx(first, abs=1e-12)


def test_item_total_correlations_match_a_hand_computation(likert_long) -> None:
    wide = wide_from_long(likert_long, "Subj", "Items", "Scores")
    got = item_total_correlations(wide)
    for item in wide.columns:
        rest = wide.drop(columns=item).sum(axis=1)
        expected = np.corrcoef(wide[item], rest)[0, 1]
        assert got[item] == pytest.approx(expected, abs=1e-12), item
    assert got.name == "item_total_r"
    assert list(got.index) == list(wide.columns)


def test_listwise_item_total_correlations_use_complete_respondents(wide_missing) -> None:
    complete = wide_missing.dropna().drop(columns=["Q4"])  # Q4 is constant once complete
    got = item_total_correlations(complete, missing="listwise")
    for item in complete.columns:
        rest = complete.drop(columns=item).sum(axis=1)
        assert got[item] == pytest.approx(np.corrcoef(complete[item], rest)[0, 1], abs=1e-12)


@pytest.mark.parametrize(
    ("table", "missing", "reason"),
    [
        ([[1.0], [2.0], [3.0]], "pairwise", "too_few_items"),
        ([[1.0, 2.0]], "pairwise", "too_few_respondents"),
        ([[1.0, 2.0], [np.nan, np.nan], [np.nan, np.nan]], "pairwise", "too_few_respondents"),
        ([[1.0, np.nan], [2.0, 3.0], [np.nan, 4.0]], "listwise", "too_few_respondents"),
        ([[3.0, 3.0], [3.0, 3.0], [3.0, 3.0]], "pairwise", "zero_variance"),
        # Rotating subsets where items 1 and 2 are never asked together.
        (
            [[1.0, np.nan], [2.0, np.nan], [np.nan, 4.0], [np.nan, 5.0]],
            "pairwise",
            "items_never_answered_together",
        ),
    ],
)
def test_degenerate_input_raises_a_typed_error(table, missing, reason) -> None:
    with pytest.raises(ReliabilityError) as caught:
        cronbach_alpha(np.array(table), missing=missing)
    assert caught.value.reason == reason


def test_item_total_r_is_refused_for_a_constant_item() -> None:
    table = pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 5]})
    with pytest.raises(ReliabilityError, match=re.escape("['b']")) as caught:
        item_total_correlations(table)
    assert caught.value.reason == "zero_variance"


def test_bad_arguments_are_value_errors() -> None:
    table = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 3.0]])
    with pytest.raises(ValueError, match="ci"):
        cronbach_alpha(table, ci=1.5)
    with pytest.raises(ValueError, match="missing"):
        cronbach_alpha(table, missing="mean")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="numeric"):
        cronbach_alpha(pd.DataFrame({"a": ["x", "y"], "b": [1, 2]}))
    with pytest.raises(ValueError, match="at most once"):
        wide_from_long(pd.DataFrame({"s": [1, 1], "i": ["a", "a"], "v": [1, 2]}), "s", "i", "v")


# --- per-dimension reliability on the engine's long answers frame -----------------------

ITEMS = pd.DataFrame(
    {
        "item_id": [11, 12, 13, 21, 22, 31],
        "dimension": ["ownership", "ownership", "ownership", "follow", "follow", "solo"],
        "reverse_keyed": [False, False, True, False, False, False],
    }
)


def _answers(
    seed: int = 3, respondents: int = 40, periods: tuple[str, ...] = ("p1",)
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for period in periods:
        trait = rng.normal(size=respondents)
        raw = {}
        for item in ITEMS["item_id"]:
            x = np.clip(np.round(3 + trait + rng.normal(scale=0.8, size=respondents)), 1, 5)
            if item == 13:
                x = 6 - x  # stored as answered on a reverse-keyed statement
            raw[item] = x
        wide = pd.DataFrame(raw)
        wide.iloc[rng.random(wide.shape) < 0.15] = np.nan  # skips
        wide["response_id"] = [f"{period}-{i}" for i in range(respondents)]
        long = wide.melt(id_vars="response_id", var_name="item_id", value_name="value")
        frames.append(
            long.assign(period=period, team_id=7, item_id=lambda d: d["item_id"].astype(int))
        )
    return pd.concat(frames, ignore_index=True)


def test_per_dimension_alpha_equals_alpha_on_the_reverse_keyed_table() -> None:
    answers = _answers()
    dims, item_stats = per_dimension_reliability(answers, ITEMS)
    wide = answers.pivot(index="response_id", columns="item_id", values="value")
    wide[13] = 6 - wide[13]
    own = wide[[11, 12, 13]].dropna(how="all")
    expected = cronbach_alpha(own)
    row = dims.set_index("dimension").loc["ownership"]
    assert row["alpha"] == pytest.approx(expected.alpha, abs=1e-12)
    assert row["ci_low"] == pytest.approx(expected.ci_low, abs=1e-12)
    assert (row["n"], row["k_items"], row["reason"]) == (expected.n, 3, "")
    # Without reverse keying the third item would pull α down: keying really happens.
    raw = wide[[11, 12, 13]].copy()
    raw[13] = 6 - raw[13]
    assert cronbach_alpha(raw.dropna(how="all")).alpha < row["alpha"] - 0.2

    expected_r = item_total_correlations(own)
    got_r = item_stats[item_stats["dimension"] == "ownership"].set_index("item_id")["item_total_r"]
    assert got_r.to_dict() == pytest.approx(expected_r.to_dict(), abs=1e-12)
    assert (item_stats.set_index("item_id").loc[[11, 12, 13], "n"] == own.notna().sum()).all()


def test_a_single_item_dimension_reports_a_reason_not_a_number() -> None:
    dims, item_stats = per_dimension_reliability(_answers(), ITEMS)
    solo = dims.set_index("dimension").loc["solo"]
    assert solo["reason"] == "too_few_items"
    assert np.isnan(solo["alpha"])
    assert solo["k_items"] == 1
    assert (item_stats.loc[item_stats["dimension"] == "solo", "reason"] == "too_few_items").all()
    valid = dims[dims["reason"] == ""]
    assert valid[["alpha", "ci_low", "ci_high"]].notna().all().all()
    assert set(dims.columns) == {
        "dimension",
        "alpha",
        "ci_low",
        "ci_high",
        "n",
        "k_items",
        "reason",
    }


def test_per_dimension_reliability_by_period() -> None:
    answers = _answers(periods=("p1", "p2"))
    dims, item_stats = per_dimension_reliability(answers, ITEMS, by=["period"])
    assert len(dims) == 6
    assert list(dims.columns[:2]) == ["period", "dimension"]
    only_p2 = per_dimension_reliability(answers[answers["period"] == "p2"], ITEMS)[0]
    pd.testing.assert_series_equal(
        dims[dims["period"] == "p2"].set_index("dimension")["alpha"],
        only_p2.set_index("dimension")["alpha"],
    )
    assert len(item_stats) == 12


def test_listwise_per_dimension_uses_only_complete_respondents() -> None:
    answers = _answers()
    dims, _ = per_dimension_reliability(answers, ITEMS, missing="listwise")
    wide = answers.pivot(index="response_id", columns="item_id", values="value")
    complete = wide[[21, 22]].dropna()
    row = dims.set_index("dimension").loc["follow"]
    assert row["n"] == len(complete)
    assert row["alpha"] == pytest.approx(cronbach_alpha(complete).alpha, abs=1e-12)


def test_no_answers_gives_empty_frames_with_columns() -> None:
    answers = _answers().assign(value=np.nan)
    dims, item_stats = per_dimension_reliability(answers, ITEMS, by=["period"])
    assert dims.empty and item_stats.empty
    assert "alpha" in dims.columns and "item_total_r" in item_stats.columns


def test_bad_answers_are_rejected() -> None:
    answers = _answers()
    with pytest.raises(ValueError, match="not in the rubric"):
        per_dimension_reliability(answers.assign(item_id=99), ITEMS)
    with pytest.raises(ValueError, match="1–5"):
        per_dimension_reliability(answers.assign(value=7.0), ITEMS)
    with pytest.raises(ValueError, match="twice"):
        per_dimension_reliability(pd.concat([answers, answers.head(1)]), ITEMS)
    with pytest.raises(ValueError, match="lacks columns"):
        per_dimension_reliability(answers.drop(columns="value"), ITEMS)


def test_app_code_never_imports_pingouin() -> None:
    app = Path(__file__).resolve().parents[2] / "scoring"
    imports = re.compile(r"^\s*(import|from)\s+pingouin", re.MULTILINE)
    offenders = [p.name for p in app.rglob("*.py") if imports.search(p.read_text())]
    assert offenders == []


def test_rotating_subsets_report_why_alpha_is_missing_and_count_only_items_asked() -> None:
    answers = _answers(periods=("p1", "p2"))
    # In p2 item 13 was not asked, and items 21/22 were asked to disjoint halves.
    p2 = answers["period"] == "p2"
    answers = answers[~(p2 & (answers["item_id"] == 13))].copy()
    half = answers["response_id"].str[-1].astype(int) % 2 == 0
    answers.loc[p2 & half & (answers["item_id"] == 21), "value"] = np.nan
    answers.loc[p2 & ~half & (answers["item_id"] == 22), "value"] = np.nan
    dims, item_stats = per_dimension_reliability(answers, ITEMS, by=["period"])
    got = dims.set_index(["period", "dimension"])
    assert got.loc[("p1", "ownership"), "k_items"] == 3
    assert got.loc[("p2", "ownership"), "k_items"] == 2
    assert got.loc[("p2", "ownership"), "reason"] == ""
    assert got.loc[("p2", "follow"), "reason"] == "items_never_answered_together"
    assert np.isnan(got.loc[("p2", "follow"), "alpha"])
    p2_items = item_stats[item_stats["period"] == "p2"]
    assert 13 not in set(p2_items["item_id"])
    # Listwise deletion would leave no complete respondent for "follow" in p2.
    listwise = per_dimension_reliability(answers, ITEMS, by=["period"], missing="listwise")[0]
    row = listwise.set_index(["period", "dimension"]).loc[("p2", "follow")]
    assert (row["n"], row["reason"]) == (0, "too_few_respondents")
