"""Attack on random trees (hypothesis): parent minus its visible children, per measure.

For every released figure of a parent, subtract the released figures of its visible
descendants that partition it (its frontier): the people left over must be 0 or at least k,
for the trust index, for each dimension (own n: people skip), and for each decision share.
A shown composite (the trust index) never sits next to a hidden part with people in it, and
nothing shown has n < k. Runs the one disclosure module, `trustmath.disclosure`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustmath.disclosure import disclosure_decide

TRUST = "__trust__"
PARTS = ("clarity", "follow")


@dataclass
class Org:
    parent_of: dict[int, int | None]
    own: dict[str, dict[int, int]]  # measure -> team -> own people
    k: int


@st.composite
def orgs(draw: st.DrawFn) -> Org:
    size = draw(st.integers(1, 18))
    parent_of: dict[int, int | None] = {0: None}
    for team in range(1, size):
        parent_of[team] = draw(st.sampled_from(sorted(parent_of)))
    k = draw(st.integers(3, 6))
    people = {t: draw(st.one_of(st.integers(0, 3), st.integers(0, 12))) for t in parent_of}
    own = {TRUST: people}
    for part in PARTS:  # a dimension is answered by a subset of the team's people
        own[part] = {t: draw(st.integers(0, p)) for t, p in people.items()}
    return Org(parent_of=parent_of, own=own, k=k)


def _children(parent_of: dict[int, int | None]) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {t: [] for t in parent_of}
    for t, p in parent_of.items():
        if p is not None:
            kids[p].append(t)
    return kids


def _rolled(org: Org, measure: str) -> dict[int, int]:
    kids = _children(org.parent_of)

    def total(t: int) -> int:
        return org.own[measure][t] + sum(total(c) for c in kids[t])

    return {t: total(t) for t in org.parent_of}


def _cells(org: Org) -> pd.DataFrame:
    rows = []
    for measure in org.own:
        n = _rolled(org, measure)
        rows += [
            {
                "period": "p",
                "team_id": t,
                "measure": measure,
                "n": n[t],
                "n_own": org.own[measure][t],
            }
            for t in org.parent_of
        ]
    return pd.DataFrame(rows)


def _frontier_n(team: int, shown: set[int], n: dict[int, int], kids: dict) -> int:
    """People under `team` covered by its maximal visible descendants."""
    return sum(n[c] if c in shown else _frontier_n(c, shown, n, kids) for c in kids[team])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(orgs())
def test_no_parent_minus_visible_children_isolates_fewer_than_k(org: Org) -> None:
    out = disclosure_decide(
        _cells(org),
        k=org.k,
        parent_of=org.parent_of,
        by=["period"],
        base=TRUST,
        composites={TRUST: None},
    )
    kids = _children(org.parent_of)
    for measure in org.own:
        rows = out[out["measure"] == measure]
        n = dict(zip(rows["team_id"], rows["n"], strict=True))
        shown = set(rows.loc[~rows["suppressed"], "team_id"])
        for team in shown:
            assert n[team] >= org.k
            left = n[team] - _frontier_n(team, shown, n, kids)
            assert left == 0 or left >= org.k, (measure, team, left)
    # The composite follows its parts: a shown index has every part with people shown.
    by_cell = out.set_index(["team_id", "measure"])
    for team in org.parent_of:
        if not by_cell.loc[(team, TRUST), "suppressed"]:
            for part in PARTS:
                row = by_cell.loc[(team, part)]
                assert row["n"] == 0 or not row["suppressed"], (team, part)
                if row["n"] > 0:
                    assert row["reason"] == ""
        elif by_cell.loc[(team, TRUST), "reason"] in ("fewer_than_k", "complementary"):
            # A hidden base hides every part of its cell.
            assert all(by_cell.loc[(team, p), "suppressed"] for p in PARTS)
