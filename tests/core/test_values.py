"""none_if_missing: the one NaN → None conversion for what leaves a DataFrame."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from core.values import none_if_missing


@pytest.mark.parametrize(
    "missing", [None, math.nan, np.nan, np.float32("nan"), pd.NA, pd.NaT, np.datetime64("NaT")]
)
def test_every_kind_of_missing_value_becomes_none(missing: object) -> None:
    assert none_if_missing(missing) is None


def test_numpy_scalars_become_python_values() -> None:
    value = none_if_missing(np.float64(12.5))
    assert value == 12.5 and type(value) is float
    count = none_if_missing(np.int64(7))
    assert count == 7 and type(count) is int
    assert none_if_missing(np.bool_(True)) is True


def test_present_values_pass_unchanged() -> None:
    day = dt.date(2026, 1, 5)
    reasons = ["4 of 7 wait", "none of 3 hold"]
    assert none_if_missing(day) is day
    assert none_if_missing("fewer_than_k") == "fewer_than_k"
    assert none_if_missing(0.0) == 0.0
    assert none_if_missing(reasons) is reasons  # a list is never tested element by element
    only_nan = [math.nan]
    assert none_if_missing(only_nan) is only_nan


def test_it_cleans_the_records_of_a_nullable_frame() -> None:
    frame = pd.DataFrame(
        {
            "pct": [50.0, np.nan],
            "n": pd.array([4, None], dtype="Int64"),
            "lo": pd.array([15.0, None], dtype="Float64"),
        }
    )
    rows = [{k: none_if_missing(v) for k, v in r.items()} for r in frame.to_dict("records")]
    assert rows == [{"pct": 50.0, "n": 4, "lo": 15.0}, {"pct": None, "n": None, "lo": None}]
