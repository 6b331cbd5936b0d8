"""Bad input: typed errors naming the offender, or well-defined empty results — never NaN."""

from __future__ import annotations

import math

import pytest

from tests.trustmath.engine_fixture import P1, PARENT_OF, answers, dimensions, items
from trustmath.engine import (
    DIMENSION_RESULT_COLUMNS,
    TRUST_RESULT_COLUMNS,
    InconsistentResponseError,
    MissingColumnsError,
    RubricError,
    ScoringInputError,
    TeamTreeError,
    UnknownItemError,
    UnknownTeamError,
    ValueOutOfRangeError,
    score,
)


def test_answers_for_items_outside_the_rubric_version_name_the_items() -> None:
    frame = answers([*P1, ("x", 11, "p1", {99: 3, 98: 4})])
    with pytest.raises(UnknownItemError) as exc:
        score(frame, items(), dimensions(), PARENT_OF)
    assert exc.value.item_ids == [98, 99]
    assert "98" in str(exc.value) and isinstance(exc.value, ScoringInputError)


@pytest.mark.parametrize("bad", [0, 6, 2.5, -1])
def test_values_outside_one_to_five_are_refused_with_the_value_and_item(bad: float) -> None:
    frame = answers([*P1, ("x", 11, "p1", {3: bad})])
    with pytest.raises(ValueOutOfRangeError) as exc:
        score(frame, items(), dimensions(), PARENT_OF)
    assert exc.value.values == [bad] and exc.value.item_ids == [3]


def test_text_values_are_refused() -> None:
    frame = answers(P1).astype({"value": object})
    frame.loc[0, "value"] = "agree"
    with pytest.raises(ValueOutOfRangeError, match="agree"):
        score(frame, items(), dimensions(), PARENT_OF)


def test_teams_outside_the_tree_are_refused() -> None:
    with pytest.raises(UnknownTeamError) as exc:
        score(answers([("x", 77, "p1", {1: 3})]), items(), dimensions(), PARENT_OF)
    assert exc.value.team_ids == [77]


def test_a_response_in_two_teams_is_refused() -> None:
    frame = answers([("x", 11, "p1", {1: 3}), ("x", 12, "p1", {3: 3})])
    with pytest.raises(InconsistentResponseError):
        score(frame, items(), dimensions(), PARENT_OF)


def test_missing_columns_and_broken_rubric_and_tree_are_typed_errors() -> None:
    with pytest.raises(MissingColumnsError, match="value"):
        score(answers(P1).drop(columns="value"), items(), dimensions(), PARENT_OF)
    bad_items = items().assign(dimension=["a", "a", "zzz"])
    with pytest.raises(RubricError, match="zzz"):
        score(answers(P1), bad_items, dimensions(), PARENT_OF)
    with pytest.raises(TeamTreeError):
        score(answers(P1), items(), dimensions(), {11: 12, 12: 11})


def _assert_empty(res) -> None:
    assert res.dimensions.empty and res.trust.empty
    assert list(res.dimensions.columns) == DIMENSION_RESULT_COLUMNS
    assert list(res.trust.columns) == TRUST_RESULT_COLUMNS


def test_no_answers_give_empty_results_with_the_right_columns() -> None:
    _assert_empty(score(answers([]), items(), dimensions(), PARENT_OF))


def test_nan_only_values_give_empty_results() -> None:
    frame = answers([("x", 11, "p1", {1: math.nan, 2: math.nan, 3: math.nan})])
    _assert_empty(score(frame, items(), dimensions(), PARENT_OF))


def test_an_empty_period_gets_no_rows_and_the_others_are_unaffected() -> None:
    res = score(answers(P1), items(), dimensions(), PARENT_OF, ["p0", "p1", "p9"])
    assert set(res.trust["period"]) == {"p1"}
    assert not res.trust["has_trend"].any()


def test_answers_outside_the_requested_periods_are_left_out() -> None:
    res = score(answers(P1), items(), dimensions(), PARENT_OF, ["p9"])
    _assert_empty(res)


def test_non_numeric_weights_are_refused() -> None:
    dims = dimensions().assign(weight=["x", 1])
    with pytest.raises(RubricError):
        score(answers(P1), items(), dims, PARENT_OF)
