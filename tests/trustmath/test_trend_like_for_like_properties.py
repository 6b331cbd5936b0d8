"""The engine's like-for-like trend equals a naive per-cell recomputation on random data."""

from __future__ import annotations

import math
import statistics

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.trustmath.engine_fixture import BANDS
from trustmath.engine import score

PARENT_OF = {10: 0, 11: 10, 12: 10, 20: 0}
SUBTREE = {0: {11, 12, 20, 10}, 10: {10, 11, 12}, 11: {11}, 12: {12}, 20: {20}}
ITEMS = pd.DataFrame(
    {
        "item_id": [1, 2, 3, 4, 5],
        "dimension": ["a", "a", "a", "b", "b"],
        "reverse_keyed": [False] * 5,
    }
)
WEIGHTS = {"a": 2.0, "b": 1.0}
DIMS = pd.DataFrame({"dimension": ["a", "b"], "weight": [2.0, 1.0], "bands": [BANDS, BANDS]})
DIM_OF = dict(zip(ITEMS["item_id"], ITEMS["dimension"], strict=True))

response = st.tuples(
    st.sampled_from([10, 11, 12, 20]),
    st.sampled_from(["p1", "p2", "p3"]),
    st.dictionaries(st.sampled_from([1, 2, 3, 4, 5]), st.integers(1, 5), min_size=1),
)


def _expected(rows: list, team: int, period: str, prev: str) -> dict:
    def cell_rows(p: str) -> list:
        return [r for r in rows if r[1] == p and r[0] in SUBTREE[team]]

    cur, old = cell_rows(period), cell_rows(prev)
    shared = {i for r in cur for i in r[2]} & {i for r in old for i in r[2]}

    def rescored(rs: list) -> tuple[dict, list]:
        per_dim: dict = {"a": [], "b": []}
        trust = []
        for _, _, vals in rs:
            mine = {}
            for d in ("a", "b"):
                xs = [(v - 1) * 25 for i, v in vals.items() if DIM_OF[i] == d and i in shared]
                if xs:
                    mine[d] = statistics.mean(xs)
                    per_dim[d].append(mine[d])
            if mine:
                w = sum(WEIGHTS[d] for d in mine)
                trust.append(sum(WEIGHTS[d] * v for d, v in mine.items()) / w)
        return per_dim, trust

    (cd, ct), (od, ot) = rescored(cur), rescored(old)
    out = {}
    for key, a, b in (("a", cd["a"], od["a"]), ("b", cd["b"], od["b"]), (None, ct, ot)):
        out[key] = statistics.mean(a) - statistics.mean(b) if a and b else None
    return out


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(response, min_size=1, max_size=30))
def test_trend_deltas_match_a_naive_shared_item_recomputation(rows: list) -> None:
    rows = [(t, p, v) for t, p, v in rows]
    frame = pd.DataFrame(
        [(f"r{n}", t, p, i, v) for n, (t, p, vals) in enumerate(rows) for i, v in vals.items()],
        columns=["response_id", "team_id", "period", "item_id", "value"],
    )
    res = score(frame, ITEMS, DIMS, PARENT_OF, ["p1", "p2", "p3"])
    for rec in res.dimensions.itertuples(index=False):
        if rec.period == "p1" or not rec.has_trend:
            continue
        prev = "p1" if rec.period == "p2" else "p2"
        exp = _expected(rows, int(rec.team_id), rec.period, prev)[rec.dimension]
        got = None if rec.delta is pd.NA else float(rec.delta)
        assert (got is None) == (exp is None), rec
        if exp is not None and got is not None:
            assert math.isclose(got, exp, abs_tol=1e-9), (rec, exp)
    for rec in res.trust.itertuples(index=False):
        if rec.period == "p1" or not rec.has_trend:
            continue
        prev = "p1" if rec.period == "p2" else "p2"
        exp = _expected(rows, int(rec.team_id), rec.period, prev)[None]
        got = None if rec.delta is pd.NA else float(rec.delta)
        assert (got is None) == (exp is None), rec
        if exp is not None and got is not None:
            assert math.isclose(got, exp, abs_tol=1e-9), (rec, exp)
