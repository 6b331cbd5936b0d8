"""Differencing over many releases at once (issue 9, Deliver 4 and 8): parent − children,
old − new and A − B − C combinations of every cell shown in successive releases.

The ledger's atom rule (trustmath.ledger.ledger_atom_refusals) makes every atom — the
answers held by exactly the same shown sets — at least k people, so no combination of any
number of cells isolates fewer. The two four-cell leaks the pairwise rule left (a
complementary suppression lifted later, two teams gaining answers between the same two
releases) are replayed by name; the random tests change one or many things per release.

A random team tree gets rounds of answers (new people each round) and, between releases, a
team moved under another team and back. Each release is decided as the publisher does it
(`trustmath.suppression.suppress_tree` with the release ledger's refusals as forced
suppressions, repeated until nothing new is refused; `trustmath.ledger.ledger_atom_refusals`
on the anonymous ids with their rounds). A reader who keeps every cell shown by every release
knows the sum over each cell's answers; `recoverable_groups` searches the whole linear span
of those cells (any sums and differences, of any number of cells, across releases) for a
group of 1 … k − 1 people. None may be found.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.privacy.attack import recoverable_groups
from trustmath.ledger import ledger_atom_refusals
from trustmath.suppression import suppress_tree

K = 5
Atom = tuple[int, int]  # (team, round): the new people of a team in one round


def _under(parent_of: dict[int, int | None]) -> dict[int, set[int]]:
    under = {t: {t} for t in parent_of}
    for t in parent_of:
        p = parent_of[t]
        seen = {t}
        while p is not None and p not in seen:
            under[p].add(t)
            seen.add(p)
            p = parent_of[p]
    return under


class Publisher:
    """The release loop of scoring.releases, on atoms instead of the database."""

    def __init__(self) -> None:
        self.history = pd.DataFrame(
            {
                "set": pd.Series(dtype=object),
                "id": pd.Series(dtype="int64"),
                "round": pd.Series(dtype="int64"),
            }
        )
        self.shown: list[frozenset[Atom]] = []
        self.released = 0

    def release(self, parent_of: dict[int, int | None], atoms: dict[Atom, int]) -> None:
        under = _under(parent_of)
        cells = {t: {a for a in atoms if a[0] in under[t] and atoms[a]} for t in parent_of}
        # Each atom's answers keep their ids from release to release.
        ids = {a: [a[0] * 100_000 + a[1] * 1000 + i for i in range(atoms[a])] for a in atoms}
        members = pd.DataFrame(
            [
                (f"r{self.released}:{t}", i, a[1])
                for t, cell in cells.items()
                for a in cell
                for i in ids[a]
            ],
            columns=["set", "id", "round"],
        )
        frame = pd.DataFrame(
            {
                "team_id": list(parent_of),
                "n": [sum(atoms[a] for a in cells[t]) for t in parent_of],
                "n_own": [
                    sum(atoms[a] for a in atoms if a[0] == t) if t != 0 else 0 for t in parent_of
                ],
            }
        )
        forced: set[int] = set()
        for _ in range(10):
            out = suppress_tree(
                frame.assign(forced=frame["team_id"].isin(forced)),
                k=K,
                parent_of=parent_of,
                by=[],
                forced="forced",
            )
            shown = [
                int(t) for t, s in zip(out["team_id"], out["suppressed"], strict=True) if not s
            ]
            labels = {f"r{self.released}:{t}" for t in shown}
            new = members[members["set"].isin(labels)]
            if new.empty:
                break
            verdict = ledger_atom_refusals(self.history, new, k=K)
            refused = {int(s.split(":")[1]) for s in verdict.loc[verdict["refused"], "set"]}
            if refused <= forced:
                break
            forced |= refused
        for t in shown:
            self.shown.append(frozenset(cells[t]))
        final = members[members["set"].isin({f"r{self.released}:{t}" for t in shown})]
        self.history = pd.concat([self.history, final], ignore_index=True)
        self.released += 1


def _cell_sizes(parent_of: dict[int, int | None], atoms: dict[Atom, int]) -> list[int]:
    under = _under(parent_of)
    return [sum(n for a, n in atoms.items() if a[0] in under[t]) for t in parent_of]


def _tree(parents: list[int], teams: int) -> dict[int, int | None]:
    parent_of: dict[int, int | None] = {0: None}
    for t in range(1, teams + 1):  # each team's parent is an earlier team or the root
        parent_of[t] = parents[t - 1] % t
    return parent_of


@settings(max_examples=30, deadline=None)
@given(
    parents=st.lists(st.integers(min_value=0, max_value=3), min_size=4, max_size=4),
    teams=st.integers(min_value=2, max_value=4),
    round1=st.lists(st.integers(min_value=0, max_value=8), min_size=4, max_size=4),
    grow=st.tuples(st.integers(min_value=1, max_value=4), st.integers(min_value=1, max_value=6)),
    move=st.tuples(st.integers(min_value=1, max_value=4), st.integers(min_value=0, max_value=4)),
)
def test_one_change_at_a_time_leaves_no_combination_of_cells_isolating_fewer_than_k(
    parents: list[int],
    teams: int,
    round1: list[int],
    grow: tuple[int, int],
    move: tuple[int, int],
) -> None:
    """What the pairwise ledger and the tree rule cover: between two releases one thing
    changes — a team moved under another (and back), or one team's cell gains a later
    round's answers. Then every cell's set changes by that one team's answers or not at
    all, so any combination of cells differing over time differs by that group, which the
    ledger tests against k on its own; within a release the tree rule holds."""
    parent_of = _tree(parents, teams)
    atoms: dict[Atom, int] = {(t, 1): round1[t - 1] for t in parent_of if t}
    pub = Publisher()
    pub.release(parent_of, atoms)  # round 1 closes
    # Complementary suppressions that a later release can lift are a known gap (below).
    assume(len(pub.shown) == sum(1 for n in _cell_sizes(parent_of, atoms) if n >= K))
    mover, target = move[0] % (teams + 1) or 1, move[1] % (teams + 1)
    if target not in _under(parent_of)[mover]:
        pub.release({**parent_of, mover: target}, atoms)  # moved …
        pub.release(parent_of, atoms)  # … and back
    grower = grow[0] % (teams + 1) or 1
    atoms[(grower, 2)] = grow[1]  # a second round of the period: only this team answered
    pub.release(parent_of, atoms)
    found = recoverable_groups(pub.shown, {a: n for a, n in atoms.items() if n}, k=K)
    assert found == [], found


def test_a_hidden_team_grown_past_k_is_not_shown_beside_its_grown_parent() -> None:
    """One person in team 2, then five more in a second round: team 2 (6) beside the root
    before (6) and after (11) would give (team 2) − (root after − root before) = that one
    person. The ledger refuses team 2 through the nested pair (root before ⊂ root after)."""
    parent_of: dict[int, int | None] = {0: None, 1: 0, 2: 0, 3: 0, 4: 0}
    atoms: dict[Atom, int] = {(1, 1): 0, (2, 1): 1, (3, 1): 1, (4, 1): 4}
    pub = Publisher()
    pub.release(parent_of, atoms)
    atoms[(2, 2)] = 5
    pub.release(parent_of, atoms)
    assert recoverable_groups(pub.shown, {a: n for a, n in atoms.items() if n}, k=K) == []


def test_a_complementary_suppression_lifted_later_is_differenced_over_four_cells() -> None:
    parent_of: dict[int, int | None] = {0: None, 1: 0, 2: 0, 3: 0, 4: 0}
    atoms: dict[Atom, int] = {(1, 1): 1, (2, 1): 5, (3, 1): 5, (4, 1): 5}
    pub = Publisher()
    pub.release(parent_of, atoms)
    atoms[(1, 2)] = 1
    pub.release(parent_of, atoms)
    assert recoverable_groups(pub.shown, {a: n for a, n in atoms.items() if n}, k=K) == []


def test_two_teams_gaining_answers_at_once_are_differenced_over_four_cells() -> None:
    parent_of: dict[int, int | None] = {0: None, 1: 0, 2: 0, 3: 0}
    atoms: dict[Atom, int] = {(1, 1): 6, (2, 1): 5, (3, 1): 5}
    pub = Publisher()
    pub.release(parent_of, atoms)
    atoms |= {(2, 2): 1, (3, 2): 5}  # one more person in team 2, five in team 3
    pub.release(parent_of, atoms)
    assert recoverable_groups(pub.shown, atoms, k=K) == []


@settings(max_examples=60, deadline=None)
@given(
    parents=st.lists(st.integers(min_value=0, max_value=4), min_size=5, max_size=5),
    teams=st.integers(min_value=2, max_value=5),
    round1=st.lists(st.integers(min_value=0, max_value=8), min_size=5, max_size=5),
    steps=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1),
            st.lists(st.integers(min_value=0, max_value=6), min_size=5, max_size=5),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_many_changes_between_releases_leave_no_combination_of_cells_isolating_fewer_than_k(
    parents: list[int],
    teams: int,
    round1: list[int],
    steps: list[tuple[int, list[int]]],
) -> None:
    """The atom rule on random trees over several releases: several teams gain answers in
    one later round (sub-k teams appear or grow, complementary suppressions get lifted), or
    a team is moved under another and back with a release in between. Every cell shown by
    any release is kept; no sum or difference of any of them isolates 1 … k − 1 people."""
    parent_of = _tree(parents, teams)
    atoms: dict[Atom, int] = {(t, 1): round1[t - 1] for t in parent_of if t}
    pub = Publisher()
    pub.release(parent_of, atoms)
    for number, (kind, values) in enumerate(steps, start=2):
        if kind == 0:  # a later round: several teams gain answers at once
            for t in parent_of:
                if t and values[t - 1]:
                    atoms[(t, number)] = values[t - 1]
            pub.release(parent_of, atoms)
            continue
        mover, target = values[0] % teams + 1, values[1] % (teams + 1)
        if target in _under(parent_of)[mover]:
            continue
        pub.release({**parent_of, mover: target}, atoms)  # moved …
        pub.release(parent_of, atoms)  # … and back
    found = recoverable_groups(pub.shown, {a: n for a, n in atoms.items() if n}, k=K)
    assert found == [], found
