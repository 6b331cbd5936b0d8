"""Property-based tests: suppress_tree never lets visible aggregates determine a group < k."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustmath.suppression import respondent_set_too_close, suppress_tree

MAX_DEPTH = 4


@dataclass
class Forest:
    """A random team tree and, per period, how many respondents each team has directly."""

    parent_of: dict[int, int | None]
    own_by_period: dict[str, dict[int, int]]
    absent_empty: dict[str, set[int]]  # teams with n == 0 left out of the cells
    k: int


def _children(parent_of: dict[int, int | None]) -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {t: [] for t in parent_of}
    for team, par in parent_of.items():
        if par is not None:
            kids[par].append(team)
    return kids


def _rollup(parent_of: dict[int, int | None], own: dict[int, int]) -> dict[int, int]:
    kids = _children(parent_of)

    def total(team: int) -> int:
        return own.get(team, 0) + sum(total(c) for c in kids[team])

    return {t: total(t) for t in parent_of}


small_or_any = st.one_of(st.integers(0, 3), st.integers(0, 12), st.just(0))


@st.composite
def forests(draw: st.DrawFn) -> Forest:
    size = draw(st.integers(1, 30))
    # Team ids are not positions: draw distinct ids so the code cannot lean on ordering.
    ids = [
        0,
        *draw(st.lists(st.integers(1, 10_000), min_size=size - 1, max_size=size - 1, unique=True)),
    ]
    parent_of: dict[int, int | None] = {0: None}
    depth = {0: 0}
    for team in ids[1:]:
        candidates = [t for t in parent_of if depth[t] < MAX_DEPTH]
        par = draw(st.sampled_from(candidates))
        parent_of[team] = par
        depth[team] = depth[par] + 1
    periods = draw(
        st.lists(
            st.sampled_from(["2026-01", "2026-02", "2026-03"]), min_size=1, max_size=3, unique=True
        )
    )
    own_by_period = {p: {t: draw(small_or_any) for t in ids} for p in periods}
    absent = {}
    for p in periods:
        n = _rollup(parent_of, own_by_period[p])
        empties = [t for t in ids if n[t] == 0]
        absent[p] = set(draw(st.lists(st.sampled_from(empties), unique=True))) if empties else set()
    return Forest(parent_of, own_by_period, absent, draw(st.integers(3, 7)))


def _cells(forest: Forest) -> pd.DataFrame:
    rows = []
    for period, own in forest.own_by_period.items():
        n = _rollup(forest.parent_of, own)
        for team in forest.parent_of:
            if team in forest.absent_empty[period]:
                continue
            rows.append({"period": period, "team_id": team, "n": n[team], "n_own": own[team]})
    return pd.DataFrame(rows, columns=["period", "team_id", "n", "n_own"])


def _visible_by_period(out: pd.DataFrame) -> dict[str, set[int]]:
    shown = out[~out["suppressed"]]
    return {p: set(g["team_id"]) for p, g in shown.groupby("period")} | {
        p: set() for p in set(out["period"]) - set(shown["period"])
    }


def _frontier(team: int, visible: set[int], kids: dict[int, list[int]]) -> list[int]:
    """Maximal visible strict descendants of team (an independent recursive walk)."""
    found: list[int] = []
    for child in kids[team]:
        if child in visible:
            found.append(child)
        else:
            found.extend(_frontier(child, visible, kids))
    return found


def _assert_residuals_safe(forest: Forest, out: pd.DataFrame) -> None:
    kids = _children(forest.parent_of)
    for period, visible in _visible_by_period(out).items():
        n = _rollup(forest.parent_of, forest.own_by_period[period])
        for team in visible:
            assert n[team] >= forest.k, (period, team, n[team])
            residual = n[team] - sum(n[f] for f in _frontier(team, visible, kids))
            assert residual == 0 or residual >= forest.k, (period, team, residual)


def _assert_no_small_group_determined(forest: Forest, out: pd.DataFrame) -> None:
    """Linear-algebra view, independent of the frontier idea.

    People attached to the same team are interchangeable, so "atoms" are the teams' own
    groups. Atoms that belong to exactly the same visible cells can never be separated by
    any sum or difference of those cells; every computable group is a union of such
    classes. So: every class that some visible cell touches must hold 0 or >= k people.
    """
    kids = _children(forest.parent_of)

    def subtree(team: int) -> set[int]:
        return {team}.union(*(subtree(c) for c in kids[team]))

    for period, visible in _visible_by_period(out).items():
        own = forest.own_by_period[period]
        members = {v: subtree(v) for v in visible}
        signature: dict[frozenset[int], int] = {}
        for atom in forest.parent_of:
            sig = frozenset(v for v in visible if atom in members[v])
            signature[sig] = signature.get(sig, 0) + own[atom]
        for sig, people in signature.items():
            if sig:
                assert people == 0 or people >= forest.k, (period, sorted(sig), people)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(forests())
def test_no_visible_combination_reveals_fewer_than_k(forest: Forest) -> None:
    cells = _cells(forest)
    out = suppress_tree(cells, k=forest.k, parent_of=forest.parent_of)
    assert len(out) == len(cells)
    _assert_residuals_safe(forest, out)
    _assert_no_small_group_determined(forest, out)


@settings(max_examples=120, deadline=None)
@given(forests())
def test_reasons_match_sizes(forest: Forest) -> None:
    out = suppress_tree(_cells(forest), k=forest.k, parent_of=forest.parent_of)
    assert set(out["reason"]) <= {"", "no_responses", "fewer_than_k", "complementary"}
    assert (out["suppressed"] == (out["reason"] != "")).all()
    assert (out.loc[out["n"] == 0, "reason"] == "no_responses").all()
    assert (out.loc[(out["n"] > 0) & (out["n"] < forest.k), "reason"] == "fewer_than_k").all()
    assert (out.loc[out["reason"] == "complementary", "n"] >= forest.k).all()
    # The org total is never hidden to protect someone else.
    root = out[out["team_id"] == 0]
    assert (root["suppressed"] == (root["n"] < forest.k)).all()


@settings(max_examples=100, deadline=None)
@given(forests(), st.randoms(use_true_random=False))
def test_row_order_does_not_change_the_result(forest: Forest, rnd) -> None:
    cells = _cells(forest)
    shuffled = cells.sample(frac=1.0, random_state=rnd.randint(0, 2**31 - 1))
    a = suppress_tree(cells, k=forest.k, parent_of=forest.parent_of)
    b = suppress_tree(shuffled, k=forest.k, parent_of=forest.parent_of).loc[a.index]
    pd.testing.assert_frame_equal(a, b)


@st.composite
def flat_trees(draw: st.DrawFn) -> tuple[dict[int, int | None], dict[int, int], int]:
    size = draw(st.integers(1, 8))
    parent_of: dict[int, int | None] = {0: None} | {t: 0 for t in range(1, size + 1)}
    own = {t: draw(st.integers(0, 12)) for t in parent_of}
    return parent_of, own, draw(st.integers(3, 7))


def _safe(parent_of: dict[int, int | None], own: dict[int, int], visible: set[int], k: int) -> bool:
    kids = _children(parent_of)
    n = _rollup(parent_of, own)
    for team in visible:
        if n[team] < k:
            return False
        residual = n[team] - sum(n[f] for f in _frontier(team, visible, kids))
        if 0 < residual < k:
            return False
    return True


@settings(max_examples=200, deadline=None)
@given(flat_trees())
def test_it_hides_no_more_than_the_fewest_possible_on_flat_trees(tree) -> None:
    """Brute force over every choice of extra cells to hide (the org total stays shown)."""
    parent_of, own, k = tree
    n = _rollup(parent_of, own)
    cells = pd.DataFrame(
        [{"team_id": t, "n": n[t], "n_own": own[t], "period": "p"} for t in parent_of]
    )
    out = suppress_tree(cells, k=k, parent_of=parent_of)
    ours = int((out["reason"] == "complementary").sum())
    big = [t for t in parent_of if t != 0 and n[t] >= k]
    base = {t for t in parent_of if n[t] >= k}
    best = min(
        size
        for size in range(len(big) + 1)
        for extra in itertools.combinations(big, size)
        if _safe(parent_of, own, base - set(extra), k)
    )
    assert ours == best


def test_it_copes_with_many_periods_and_teams_at_once() -> None:
    """Vectorised over groups: 12 periods x 7 dimensions x 500 teams in one call."""
    rng = np.random.default_rng(7)
    parent_of: dict[int, int | None] = {0: None}
    for dept in range(1, 11):
        parent_of[dept] = 0
    for team in range(11, 500):
        parent_of[team] = int(rng.integers(1, 11)) if team < 100 else int(rng.integers(11, 100))
    frames = []
    for g in range(84):
        own = {
            t: int(v)
            for t, v in zip(parent_of, rng.integers(0, 9, size=len(parent_of)), strict=True)
        }
        n = _rollup(parent_of, own)
        frames.append(
            pd.DataFrame(
                {
                    "team_id": list(parent_of),
                    "n": [n[t] for t in parent_of],
                    "n_own": list(own.values()),
                    "period": g // 7,
                    "dimension": g % 7,
                }
            )
        )
    cells = pd.concat(frames, ignore_index=True)
    out = suppress_tree(cells, k=5, parent_of=parent_of, by=("period", "dimension"))
    for _key, group in out.groupby(["period", "dimension"]):
        own = dict(zip(group["team_id"], group["n_own"], strict=True))
        forest = Forest(parent_of, {"p": own}, {"p": set()}, 5)
        one = group.assign(period="p")
        _assert_residuals_safe(forest, one)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sets(st.integers(0, 40), max_size=25), max_size=4),
    st.sets(st.integers(0, 40), max_size=25),
    st.integers(3, 7),
    st.booleans(),
)
def test_over_time_rule_is_the_symmetric_difference(history, current, k, as_arrays) -> None:
    expected = any(0 < len(previous ^ current) < k for previous in history)
    if as_arrays:
        got = respondent_set_too_close(
            [np.array(sorted(p), dtype=np.int64) for p in history],
            np.array(sorted(current), dtype=np.int64),
            k=k,
        )
    else:
        got = respondent_set_too_close([frozenset(p) for p in history], frozenset(current), k=k)
    assert got is expected


@st.composite
def small_forests(draw: st.DrawFn) -> Forest:
    forest = draw(forests())
    size = len(forest.parent_of)
    if size > 10:  # keep the exhaustive check below small
        keep = sorted(forest.parent_of, key=lambda t: (t != 0, t))[:10]
        kept = set(keep)
        parent_of = {}
        for team in keep:
            par = forest.parent_of[team]
            while par is not None and par not in kept:
                par = forest.parent_of[par]
            parent_of[team] = par
        own = {p: {t: o[t] for t in keep} for p, o in forest.own_by_period.items()}
        absent = {p: set() for p in own}
        forest = Forest(parent_of, own, absent, forest.k)
    return forest


@settings(max_examples=150, deadline=None)
@given(small_forests())
def test_exhaustively_no_small_union_of_groups_is_in_the_span_of_visible_cells(forest) -> None:
    """Exact check by linear algebra: for every union G of teams' own groups with
    0 < |G| < k, the indicator of G is not a linear combination of the visible cells."""
    out = suppress_tree(_cells(forest), k=forest.k, parent_of=forest.parent_of)
    kids = _children(forest.parent_of)

    def subtree(team: int) -> set[int]:
        return {team}.union(*(subtree(c) for c in kids[team]))

    for period, visible in _visible_by_period(out).items():
        own = forest.own_by_period[period]
        atoms = [t for t in forest.parent_of if own[t] > 0]
        if not visible or not atoms:
            continue
        rows = np.array([[1.0 if a in subtree(v) else 0.0 for a in atoms] for v in visible])
        rank = np.linalg.matrix_rank(rows)
        for size in range(1, len(atoms) + 1):
            for group in itertools.combinations(range(len(atoms)), size):
                people = sum(own[atoms[i]] for i in group)
                if not 0 < people < forest.k:
                    continue
                target = np.zeros(len(atoms))
                target[list(group)] = 1.0
                stacked = np.vstack([rows, target])
                assert np.linalg.matrix_rank(stacked) > rank, (period, [atoms[i] for i in group])


@settings(max_examples=120, deadline=None)
@given(forests(), st.data())
def test_hiding_more_cells_afterwards_keeps_the_guarantee(forest: Forest, data) -> None:
    """Callers intersect suppressions (trust index and dimension) and drop unseen teams."""
    out = suppress_tree(_cells(forest), k=forest.k, parent_of=forest.parent_of)
    shown = out.index[~out["suppressed"]].tolist()
    extra = data.draw(st.lists(st.sampled_from(shown), unique=True)) if shown else []
    more = out.copy()
    more.loc[extra, "suppressed"] = True
    _assert_residuals_safe(forest, more)
    _assert_no_small_group_determined(forest, more)
