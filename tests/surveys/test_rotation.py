"""The rotating item subset: every dimension in every round, every item within a cycle."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from surveys.rotation import rotation_pick, rounds_to_cycle
from surveys.rubric_io import rubric_read


def _bank() -> list[tuple[str, list[str]]]:
    data = rubric_read()
    return [(d["key"], [it["key"] for it in d["items"]]) for d in data["dimensions"]]


def _dim_of(bank: list[tuple[str, list[str]]]) -> dict[str, str]:
    return {item: dim for dim, items in bank for item in items}


def test_every_dimension_is_asked_in_every_round_of_the_shipped_rubric() -> None:
    bank = _bank()
    dim_of = _dim_of(bank)
    for questions in range(6, 11):
        for r in range(24):
            picked = rotation_pick(bank, questions=questions, round_index=r)
            assert {dim_of[k] for k in picked} == {d for d, _ in bank}, (questions, r)
            assert len(picked) == len(set(picked)) == max(questions, len(bank))


def test_rotation_covers_every_dimension_each_period_for_monthly_weekly_and_fortnightly_rounds() -> (
    None
):
    # Whatever the cadence, each period has >= 1 round, and each round covers every dimension.
    bank = _bank()
    dim_of = _dim_of(bank)
    for rounds_per_period in (1, 2, 4):
        for period in range(6):
            asked = set()
            for r in range(period * rounds_per_period, (period + 1) * rounds_per_period):
                asked |= {dim_of[k] for k in rotation_pick(bank, questions=6, round_index=r)}
            assert asked == {d for d, _ in bank}


def test_every_item_of_the_bank_is_asked_within_one_cycle_of_rounds() -> None:
    bank = _bank()
    all_items = {k for _, items in bank for k in items}
    for questions in (6, 8, 10):
        for start in range(10):
            asked: set[str] = set()
            for r in range(start, start + rounds_to_cycle(bank)):
                asked |= set(rotation_pick(bank, questions=questions, round_index=r))
            assert asked == all_items, (questions, start, all_items - asked)


def test_rotation_is_deterministic_and_changes_from_round_to_round() -> None:
    bank = _bank()
    a = rotation_pick(bank, questions=8, round_index=3)
    assert a == rotation_pick(bank, questions=8, round_index=3)
    assert a != rotation_pick(bank, questions=8, round_index=4)


@given(
    sizes=st.lists(st.integers(min_value=3, max_value=6), min_size=1, max_size=9),
    questions=st.integers(min_value=6, max_value=10),
    start=st.integers(min_value=0, max_value=30),
)
def test_rotation_properties_hold_for_any_bank(
    sizes: list[int], questions: int, start: int
) -> None:
    bank = [(f"d{i}", [f"d{i}i{j}" for j in range(n)]) for i, n in enumerate(sizes)]
    dim_of = _dim_of(bank)
    seen: set[str] = set()
    for r in range(start, start + rounds_to_cycle(bank)):
        picked = rotation_pick(bank, questions=questions, round_index=r)
        assert {dim_of[k] for k in picked} == {d for d, _ in bank}
        assert len(picked) == len(set(picked))
        assert len(picked) == min(max(questions, len(bank)), sum(sizes))
        seen |= set(picked)
    assert seen == set(dim_of)
