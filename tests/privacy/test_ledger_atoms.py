"""The atom rule of the release ledger (trustmath.ledger.ledger_atom_refusals) on hand-made sets.

Ids held by exactly the same sets form an atom; every sum and difference of shown cells is
constant on atoms, so a candidate set is refused when it would leave an atom of 1 … k − 1
people.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustmath.ledger import ledger_atom_refusals

K = 5


def frame(sets: dict[str, set[int]], rounds: dict[int, int] | None = None) -> pd.DataFrame:
    rows = [(label, i) for label, ids in sets.items() for i in sorted(ids)]
    out = pd.DataFrame(rows, columns=["set", "id"])
    if rounds is not None:
        out["round"] = out["id"].map(rounds).astype(float)
    return out


def refused(
    new: dict[str, set[int]],
    old: dict[str, set[int]],
    rounds: dict[int, int] | None = None,
) -> dict[str, bool]:
    out = ledger_atom_refusals(frame(old, rounds), frame(new, rounds), k=K)
    return {str(s): bool(r) for s, r in zip(out["set"], out["refused"], strict=True)}


def test_parent_shown_beside_all_but_one_small_child_is_refused() -> None:
    kids = {"a": set(range(0, 6)), "b": set(range(6, 12)), "c": {12, 13}}
    got = refused({"root": set(range(14)), "a": kids["a"], "b": kids["b"]}, {})
    # root − a − b = c (2 people). Refusing one candidate fixes it: root (c leaves the
    # span) or a sibling (c joins it); the smaller one goes, so root − b = a + c is 8.
    assert got == {"root": False, "a": True, "b": False}


def test_two_teams_gaining_answers_between_two_releases_is_refused() -> None:
    t1, t2, t3 = set(range(0, 6)), set(range(10, 15)), set(range(20, 25))
    old = {"root": t1 | t2 | t3, "t1": t1, "t2": t2, "t3": t3}
    new = {
        "root2": t1 | t2 | t3 | {15} | set(range(25, 30)),
        "t1": t1,
        "t2b": t2 | {15},
        "t3b": t3 | set(range(25, 30)),
    }
    got = refused(new, old)
    # (root2 − root) − (t3b − t3) is the one new person of team 2. Hiding both grown teams
    # leaves the six newcomers together in root2 − root (two refusals, fewer answers hidden
    # than hiding root2 and t2b).
    assert got == {"root2": False, "t1": False, "t2b": True, "t3b": True}


def test_an_identical_set_is_allowed_and_known() -> None:
    base = set(range(10))
    out = ledger_atom_refusals(frame({"old": base}), frame({"again": set(base)}), k=K)
    assert not bool(out["refused"].iloc[0]) and bool(out["known"].iloc[0])


def test_growth_by_k_people_is_allowed_and_by_fewer_refused() -> None:
    base = set(range(10))
    assert refused({"grown": base | set(range(100, 105))}, {"old": base}) == {"grown": False}
    assert refused({"grown": base | set(range(100, 104))}, {"old": base}) == {"grown": True}
    assert refused({"shrunk": base - {0, 1}}, {"old": base}) == {"shrunk": True}


def test_people_of_an_atom_are_bounded_from_its_rounds() -> None:
    base = set(range(10))
    # Six more answers from three rounds: maybe two people answering each round — refused.
    extra = set(range(100, 106))
    three = {i: i % 3 for i in [*base, *extra]}
    assert refused({"grown": base | extra}, {"old": base}, three) == {"grown": True}
    # The same six in one round are six different people.
    one = {i: 1 for i in [*base, *extra]}
    assert refused({"grown": base | extra}, {"old": base}, one) == {"grown": False}


def test_an_atom_carved_out_of_a_released_set_refuses_the_carving_candidate() -> None:
    # R = 10 ids; a new set holding 8 of them leaves the other 2 alone (R − new).
    got = refused({"most": set(range(8))}, {"all": set(range(10))})
    assert got == {"most": True}


def test_earlier_sets_far_from_the_candidates_still_split_their_atoms() -> None:
    # all − half − new leaves {10}: `half` shares no id with the candidate but matters.
    old = {"all": set(range(11)), "half": set(range(5))}
    assert refused({"new": {5, 6, 7, 8, 9}}, old) == {"new": True}


def test_a_small_atom_left_by_old_releases_refuses_only_candidates_touching_it() -> None:
    old = {"all": set(range(10)), "most": set(range(8))}  # {8, 9}: small before this rule
    got = refused({"touch": {8, 9, 50, 51, 52}, "far": set(range(200, 210))}, old)
    assert got == {"touch": True, "far": False}


def test_disjoint_cells_of_at_least_k_are_allowed() -> None:
    got = refused({"x": set(range(5)), "y": set(range(10, 16))}, {"z": set(range(50, 60))})
    assert got == {"x": False, "y": False}


def test_no_candidates_and_empty_history_answer_an_empty_frame() -> None:
    out = ledger_atom_refusals(frame({}), frame({}), k=K)
    assert out.empty


def test_a_whole_shown_set_is_left_to_its_own_people_test() -> None:
    # Six answers from six check-in windows may be one person by rounds alone, but a set
    # shown whole passed the caller's k test on people; only its parts are the ledger's.
    six = {i: i for i in range(6)}
    out = ledger_atom_refusals(frame({}), frame({"a": set(range(6))}, six), k=K)
    assert not bool(out["refused"].iloc[0])
    out = ledger_atom_refusals(
        frame({"a": set(range(6))}, six), frame({"b": set(range(7))}, six | {6: 6}), k=K
    )
    assert bool(out["refused"].iloc[0]) and np.int64(out["people"].iloc[0]) == 1
