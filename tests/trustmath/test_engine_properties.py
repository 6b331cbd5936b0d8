"""Property tests: on random trees and answers the engine equals a naive per-team recomputation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.trustmath.engine_fixture import dimensions, items
from trustmath.engine import score


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[int, int], pd.DataFrame]:
    n_teams = draw(st.integers(1, 6))
    parent_of = {t: draw(st.sampled_from([0, *range(1, t)])) for t in range(1, n_teams + 1)}
    n_resp = draw(st.integers(0, 25))
    rows = []
    for r in range(n_resp):
        team = draw(st.integers(1, n_teams))
        period = draw(st.sampled_from(["p1", "p2"]))
        for item in (1, 2, 3):
            value = draw(st.one_of(st.none(), st.integers(1, 5)))
            rows.append((r, team, period, item, math.nan if value is None else float(value)))
    frame = pd.DataFrame(rows, columns=["response_id", "team_id", "period", "item_id", "value"])
    return parent_of, frame


def _subtree(parent_of: dict[int, int], root: int) -> set[int]:
    """The root team and everything below it (root 0 = every team)."""
    out = {root}
    while True:
        new = {t for t, p in parent_of.items() if p in out} - out
        if not new:
            return out - {0}
        out |= new


@settings(max_examples=60, deadline=None)
@given(cases())
def test_engine_matches_a_naive_recomputation(case: tuple[dict[int, int], pd.DataFrame]) -> None:
    parent_of, frame = case
    res = score(frame, items(), dimensions(), parent_of, ["p1", "p2"])
    it = items().set_index("item_id")
    f = frame.dropna(subset=["value"]).copy()
    rev = it.loc[f["item_id"], "reverse_keyed"].to_numpy()
    f["x"] = np.where(rev, 6 - f["value"], f["value"])
    f["s"] = (f["x"] - 1) * 25
    f["dim"] = it.loc[f["item_id"], "dimension"].to_numpy()
    per_resp = f.groupby(["response_id", "team_id", "period", "dim"])["s"].mean().reset_index()
    expected_rows = 0
    for team in [0, *parent_of]:
        members = _subtree(parent_of, team)
        sub = per_resp[per_resp["team_id"].isin(members)]
        for (period, dim), grp in sub.groupby(["period", "dim"]):
            expected_rows += 1
            got = res.dimensions[
                (res.dimensions["team_id"] == team)
                & (res.dimensions["period"] == period)
                & (res.dimensions["dimension"] == dim)
            ]
            assert len(got) == 1
            row = got.iloc[0]
            assert row["n"] == len(grp)
            assert math.isclose(row["score"], grp["s"].mean(), abs_tol=1e-9)
            if len(grp) >= 2:
                assert math.isclose(row["sd"], grp["s"].std(ddof=1), abs_tol=1e-7)
            else:
                assert row["sd"] is pd.NA
    assert len(res.dimensions) == expected_rows
    assert not res.dimensions[["score", "n", "favourable_pct"]].isna().any().any()
