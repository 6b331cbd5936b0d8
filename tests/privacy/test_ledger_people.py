"""The release ledger counts a difference in people, not responses (issue 9, attack 2 over time).

A person answers a round (a pulse round, a check-in window) at most once, so d responses
spread over r rounds are at least ceil(d / r) people, and the responses of one round are
that many people. Two people answering three rounds differ from an earlier release by six
responses — passing a response count at k = 5 — but by only two people: refused. Replayed
through rounds and the results API in tests/privacy/test_release_ledger.py.
"""

from __future__ import annotations

import pandas as pd

from trustmath.ledger import ledger_refusals

K = 5


def frame(sets: dict[str, dict[int, int]]) -> pd.DataFrame:
    """{label: {id: round}} → (set, id, round)."""
    return pd.DataFrame(
        [(label, i, r) for label, ids in sets.items() for i, r in ids.items()],
        columns=["set", "id", "round"],
    )


def rounds_of(sets: dict[str, dict[int, int]]) -> pd.DataFrame:
    return frame(sets)[["set", "round"]].drop_duplicates()


def refused(new: dict[str, dict[int, int]], old: dict[str, dict[int, int]]) -> dict[str, bool]:
    out = ledger_refusals(
        frame(new), frame(old), k=K, new_rounds=rounds_of(new), released_rounds=rounds_of(old)
    )
    return dict(zip(out["set"], out["refused"], strict=True))


def test_two_people_over_three_rounds_are_two_people_not_six_responses() -> None:
    first = {i: 1 for i in range(5)}  # round 1: five people
    later = {100: 2, 101: 2, 102: 3, 103: 3, 104: 4, 105: 4}  # two people, rounds 2-4
    got = refused({"cell": first | later}, {"earlier": first})
    assert got == {"cell": True}
    # Without rounds the six responses would pass: that was the gap.
    plain = ledger_refusals(
        frame({"cell": first | later})[["set", "id"]], frame({"earlier": first})[["set", "id"]], k=K
    )
    assert not bool(plain["refused"].iloc[0])


def test_k_people_of_one_new_round_are_released() -> None:
    first = {i: 1 for i in range(5)}
    later = {100 + i: 2 for i in range(K)}  # five more people in round 2
    assert refused({"cell": first | later}, {"earlier": first}) == {"cell": False}


def test_without_each_responses_round_the_bound_is_ceil_d_over_r() -> None:
    first = {i: 1 for i in range(5)}
    later = {100 + i: 2 for i in range(8)}  # 8 responses, rounds {1, 2}: ≥ 4 people
    new, old = frame({"cell": first | later}), frame({"earlier": first})
    out = ledger_refusals(
        new[["set", "id"]],
        old[["set", "id"]],
        k=K,
        new_rounds=rounds_of({"cell": first | later}),
        released_rounds=rounds_of({"earlier": first}),
    )
    assert bool(out["refused"].iloc[0]) and int(out["people"].iloc[0]) == 4
    # With each response's round known, the eight of round 2 are eight people.
    assert refused({"cell": first | later}, {"earlier": first}) == {"cell": False}


def test_a_symmetric_difference_split_over_rounds_counts_the_largest_round() -> None:
    base = {i: 1 for i in range(10)}
    new = {i: 1 for i in range(3, 10)} | {200: 2, 201: 2, 202: 2}  # −3 of round 1, +3 of round 2
    out = ledger_refusals(
        frame({"n": new}),
        frame({"o": base}),
        k=K,
        new_rounds=rounds_of({"n": new}),
        released_rounds=rounds_of({"o": base}),
    )
    # d = 6 responses, rounds 1 and 2: at least 3 people (max per round) — refused.
    assert bool(out["refused"].iloc[0]) and int(out["people"].iloc[0]) == 3
