"""Example-based tests of the suppression rules on hand-drawn team trees, filters and repeats."""

from __future__ import annotations

import re
import uuid

import numpy as np
import pandas as pd
import pytest

from trustmath.suppression import (
    SuppressionInputError,
    filter_allowed,
    filter_allowed_many,
    respondent_set_allowed,
    respondent_set_distance,
    respondent_set_too_close,
    suppress_tree,
)


def _tree_cells(
    parent_of: dict[int, int | None], own: dict[int, int], period: str = "2026-01"
) -> pd.DataFrame:
    """Cells with n rolled up by hand-free recursion so tests only state n_own."""
    kids: dict[int, list[int]] = {t: [] for t in parent_of}
    for t, p in parent_of.items():
        if p is not None:
            kids[p].append(t)

    def total(t: int) -> int:
        return own.get(t, 0) + sum(total(c) for c in kids[t])

    return pd.DataFrame(
        [{"period": period, "team_id": t, "n": total(t), "n_own": own.get(t, 0)} for t in parent_of]
    )


def _reasons(out: pd.DataFrame) -> dict[int, str]:
    return dict(zip(out["team_id"], out["reason"], strict=True))


def test_it_hides_the_small_child_and_the_next_smallest_sibling() -> None:
    # Org (17) with teams of 6, 2 and 9 at k = 5: 17 − 6 − 9 = 2 would reveal the 2.
    parent_of = {0: None, 1: 0, 2: 0, 3: 0}
    out = suppress_tree(_tree_cells(parent_of, {1: 6, 2: 2, 3: 9}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "complementary", 2: "fewer_than_k", 3: ""}
    assert out.set_index("team_id")["suppressed"].to_dict() == {
        0: False,
        1: True,
        2: True,
        3: False,
    }


def test_it_counts_people_attached_directly_to_a_department() -> None:
    # Department 1 has 2 people of its own plus teams of 6 and 9: 17 − 6 − 9 = 2.
    parent_of = {0: None, 1: 0, 11: 1, 12: 1}
    out = suppress_tree(_tree_cells(parent_of, {1: 2, 11: 6, 12: 9}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "", 11: "complementary", 12: ""}


def test_it_hides_nothing_when_every_residual_is_zero_or_large() -> None:
    parent_of = {0: None, 1: 0, 2: 0, 21: 2, 22: 2}
    own = {0: 5, 1: 5, 2: 0, 21: 5, 22: 7}
    out = suppress_tree(_tree_cells(parent_of, own), k=5, parent_of=parent_of)
    assert not out["suppressed"].any()
    assert set(out["reason"]) == {""}


def test_it_does_not_hide_a_sibling_when_the_hidden_one_is_already_k_with_own_people() -> None:
    # Org has 4 own people + a 1-person team: residual 5 ≥ k, so the 8-team stays visible.
    parent_of = {0: None, 1: 0, 2: 0}
    out = suppress_tree(_tree_cells(parent_of, {0: 4, 1: 1, 2: 8}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "fewer_than_k", 2: ""}


def test_two_small_children_together_may_stay_as_one_hidden_residual() -> None:
    # 2 + 3 hidden = 5 ≥ k: their union is computable but is itself ≥ k, so nothing else hides.
    parent_of = {0: None, 1: 0, 2: 0, 3: 0}
    out = suppress_tree(_tree_cells(parent_of, {1: 2, 2: 3, 3: 6}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "fewer_than_k", 2: "fewer_than_k", 3: ""}


def test_a_small_department_forces_suppression_at_the_level_above() -> None:
    # Department 1 has 4 people (hidden); org = 4 + 10 would give it back through team 2.
    parent_of = {0: None, 1: 0, 11: 1, 2: 0}
    out = suppress_tree(_tree_cells(parent_of, {11: 4, 2: 10}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "fewer_than_k", 11: "fewer_than_k", 2: "complementary"}


def test_it_looks_through_a_hidden_child_to_its_visible_grandchildren() -> None:
    # Dept 1 = team 11 (6) + team 12 (2). The 2 hides, so 11 hides. At the org level the
    # visible frontier is dept 1 and dept 2: residual 0.
    parent_of = {0: None, 1: 0, 11: 1, 12: 1, 2: 0}
    own = {11: 6, 12: 2, 2: 7}
    out = suppress_tree(_tree_cells(parent_of, own), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "", 11: "complementary", 12: "fewer_than_k", 2: ""}


def test_it_prefers_a_sibling_that_actually_closes_the_gap() -> None:
    # Org has 2 own people. Dept 1 (6) is exactly its visible team 11 (residual 0): hiding
    # dept 1 alone would not help, so the 8-team is hidden instead — one cell, not two.
    parent_of = {0: None, 1: 0, 11: 1, 2: 0}
    own = {0: 2, 11: 6, 2: 8}
    out = suppress_tree(_tree_cells(parent_of, own), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "", 11: "", 2: "complementary"}


def test_when_no_sibling_closes_the_gap_it_digs_down_until_one_does() -> None:
    # Org has 2 own people; its only child dept 1 (6) equals its team 11 (6).
    parent_of = {0: None, 1: 0, 11: 1}
    out = suppress_tree(_tree_cells(parent_of, {0: 2, 11: 6}), k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "complementary", 11: "complementary"}


def test_empty_teams_are_marked_no_responses_and_absent_teams_are_allowed() -> None:
    parent_of = {0: None, 1: 0, 2: 0, 3: 0}
    cells = _tree_cells(parent_of, {1: 5, 2: 0, 3: 6})
    cells = cells[cells["team_id"] != 3].assign(n=lambda d: d["n"].where(d["team_id"] != 0, 5))
    out = suppress_tree(cells, k=5, parent_of=parent_of)
    assert _reasons(out) == {0: "", 1: "", 2: "no_responses"}
    assert out.loc[out["team_id"] == 2, "suppressed"].item()


def test_groups_are_independent_trees() -> None:
    parent_of = {0: None, 1: 0, 2: 0, 3: 0}
    cells = pd.concat(
        [
            _tree_cells(parent_of, {1: 6, 2: 2, 3: 9}, period="2026-01"),
            _tree_cells(parent_of, {1: 6, 2: 5, 3: 9}, period="2026-02"),
        ],
        ignore_index=True,
    )
    out = suppress_tree(cells, k=5, parent_of=parent_of)
    jan = out[out["period"] == "2026-01"]
    feb = out[out["period"] == "2026-02"]
    assert jan["suppressed"].sum() == 2
    assert not feb["suppressed"].any()
    # Input columns and index survive; the input is not modified.
    assert list(out.index) == list(cells.index)
    assert "suppressed" not in cells.columns


def test_it_accepts_several_by_columns_and_none() -> None:
    parent_of = {0: None, 1: 0, 2: 0}
    one = _tree_cells(parent_of, {1: 2, 2: 9}).drop(columns="period")
    out = suppress_tree(one, k=5, parent_of=parent_of, by=())
    assert _reasons(out) == {0: "", 1: "fewer_than_k", 2: "complementary"}
    two = pd.concat([one.assign(period="p", dimension=d) for d in ("a", "b")], ignore_index=True)
    out2 = suppress_tree(two, k=5, parent_of=parent_of, by=("period", "dimension"))
    assert out2["suppressed"].sum() == 4


def test_an_empty_frame_gets_the_columns() -> None:
    empty = pd.DataFrame({"team_id": [], "n": [], "n_own": [], "period": []})
    out = suppress_tree(empty, k=5, parent_of={0: None})
    assert list(out.columns)[-2:] == ["suppressed", "reason"]
    assert out.empty


@pytest.mark.parametrize(
    ("cells", "parent_of", "message"),
    [
        # n is not n_own + children: the roll-up is wrong, so suppression would be unsafe.
        ([(0, 10, 0), (1, 6, 6)], {0: None, 1: 0}, "n_own plus the children"),
        # A team with respondents whose parent is missing (its parent's n would be 0).
        ([(1, 6, 6)], {0: None, 1: 0}, "n_own plus the children"),
        ([(0, 6, 0), (7, 6, 6)], {0: None, 1: 0}, "not in parent_of"),
        ([(0, 6, 6), (0, 6, 6)], {0: None}, "more than once"),
        ([(0, 6, 6)], {0: 1, 1: 0}, "root 0"),
        ([(0, 6, 6)], {0: None, 1: 2, 2: 1}, "not connected"),
        ([(0, -1, -1)], {0: None}, "non-negative"),
        ([(0, 5.5, 5.5)], {0: None}, "whole numbers"),
    ],
)
def test_it_rejects_inconsistent_input(cells, parent_of, message) -> None:
    frame = pd.DataFrame(cells, columns=["team_id", "n", "n_own"]).assign(period="p")
    with pytest.raises(SuppressionInputError, match=message):
        suppress_tree(frame, k=5, parent_of=parent_of)


def test_it_rejects_a_bad_k_and_missing_columns() -> None:
    frame = pd.DataFrame({"team_id": [0], "n": [5], "n_own": [5], "period": ["p"]})
    with pytest.raises(SuppressionInputError, match="k must"):
        suppress_tree(frame, k=0, parent_of={0: None})
    with pytest.raises(SuppressionInputError, match="lacks columns"):
        suppress_tree(frame.drop(columns="n_own"), k=5, parent_of={0: None})


@pytest.mark.parametrize(
    ("n_filtered", "n_total", "allowed"),
    [
        (5, 5, True),  # the filter keeps everyone: the complement is empty
        (5, 10, True),
        (4, 10, False),  # too few in the filter
        (0, 10, False),
        (6, 8, False),  # 2 outside the filter: unfiltered − filtered reveals them
        (6, 11, True),
        (3, 4, False),
    ],
)
def test_filter_allowed(n_filtered: int, n_total: int, allowed: bool) -> None:
    ok, why = filter_allowed(n_filtered, n_total, k=5)
    assert ok is allowed
    assert (why == "") is allowed
    # An explanation never quotes the small count it protects.
    if not ok:
        assert re.findall(r"\d+", why) == ["5"]


def test_filter_explanations_say_which_side_is_too_small() -> None:
    assert "match this filter" in filter_allowed(2, 20, k=5)[1]
    assert "outside this filter" in filter_allowed(18, 20, k=5)[1]


def test_vectorised_filter_check_matches_the_scalar_one() -> None:
    filtered = np.array([0, 3, 5, 6, 9, 10, 12])
    total = np.array([10, 10, 10, 8, 12, 10, 20])
    allowed, reasons = filter_allowed_many(filtered, total, k=5)
    expected = [filter_allowed(int(f), int(t), k=5) for f, t in zip(filtered, total, strict=True)]
    assert allowed.tolist() == [e[0] for e in expected]
    assert reasons.tolist() == [e[1] for e in expected]


def test_filter_check_rejects_impossible_counts() -> None:
    with pytest.raises(SuppressionInputError):
        filter_allowed(11, 10, k=5)
    with pytest.raises(SuppressionInputError):
        filter_allowed_many([1, 2], [3], k=5)


def test_identical_respondent_sets_may_be_shown_again() -> None:
    ids = [uuid.uuid4() for _ in range(20)]
    assert not respondent_set_too_close([frozenset(ids)], frozenset(ids), k=5)
    assert not respondent_set_too_close([], frozenset(ids), k=5)


def test_a_narrowing_that_drops_fewer_than_k_people_is_refused() -> None:
    ids = np.array([str(uuid.uuid4()) for _ in range(20)])
    assert respondent_set_too_close([ids], ids[:18], k=5)
    assert not respondent_set_too_close([ids], ids[:15], k=5)
    # Swapping people counts both ways: 2 out + 2 in = 4 < 5.
    other = np.concatenate([ids[:18], np.array(["x", "y"])])
    assert respondent_set_distance(ids, other) == 4
    assert respondent_set_too_close([ids[:10], ids], other, k=5)
    assert not respondent_set_too_close([ids[:10]], other, k=5)


def test_set_distance_accepts_sets_arrays_and_series() -> None:
    a = frozenset(range(10))
    b = set(range(3, 12))
    assert respondent_set_distance(a, b) == 5
    assert respondent_set_distance(np.arange(10), pd.Series(range(3, 12))) == 5
    assert respondent_set_distance(a, np.arange(3, 12)) == 5
    assert respondent_set_distance([], [1, 2]) == 2
    assert respondent_set_too_close([np.arange(3, 12)], a, k=6)
    assert not respondent_set_too_close([np.arange(3, 12)], a, k=5)


def test_respondent_set_allowed_explains_a_refusal() -> None:
    ok, why = respondent_set_allowed([frozenset(range(10))], frozenset(range(9)), k=5)
    assert not ok
    assert "fewer than 5 respondents" in why
    assert respondent_set_allowed([frozenset(range(10))], frozenset(range(4)), k=5) == (True, "")
