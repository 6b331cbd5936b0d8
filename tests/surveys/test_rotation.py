"""The rotation design: every dimension in every form, every item pair co-answered per cycle.

Changed with issue 10 (the design changed): a form asks max(Q, D + 1) items (was max(Q, D))
so one dimension per form is a block of ≥ 2 items, the other dimensions are asked by
their anchor (first item), and `rounds_to_cycle` takes the question budget (the cycle is
the number of blocks, which depends on it).
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.rotation import (
    form_items,
    form_size,
    forms_per_cycle,
    min_co_answers,
    pair_blocks,
    rotation_pick,
    round_forms,
    rounds_to_cycle,
)
from surveys.rubric_io import rubric_read


def _bank() -> list[tuple[str, list[str]]]:
    data = rubric_read()
    return [(d["key"], [it["key"] for it in d["items"]]) for d in data["dimensions"]]


def _dim_of(bank: list[tuple[str, list[str]]]) -> dict[str, str]:
    return {item: dim for dim, items in bank for item in items}


def _pairs(bank: list[tuple[str, list[str]]]) -> set[tuple[str, str]]:
    return {p for _, items in bank for p in combinations(sorted(items), 2)}


def _co_answers(forms: list[list[str]], dim_of: dict[str, str]) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for form in forms:
        for a, b in combinations(sorted(form), 2):
            if dim_of[a] == dim_of[b]:
                counts[(a, b)] += 1
    return counts


def test_every_dimension_is_asked_in_every_round_of_the_shipped_rubric() -> None:
    bank = _bank()
    dim_of = _dim_of(bank)
    for questions in range(6, 11):
        for r in range(24):
            picked = rotation_pick(bank, questions=questions, round_index=r)
            assert {dim_of[k] for k in picked} == {d for d, _ in bank}, (questions, r)
            # 7 dimensions: at least 8 items, so one dimension is always asked as a block.
            assert len(picked) == len(set(picked)) == max(questions, len(bank) + 1)


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
            for r in range(start, start + rounds_to_cycle(bank, questions=questions)):
                asked |= set(rotation_pick(bank, questions=questions, round_index=r))
            assert asked == all_items, (questions, start, all_items - asked)


def test_rotation_is_deterministic_and_changes_from_round_to_round() -> None:
    bank = _bank()
    a = rotation_pick(bank, questions=8, round_index=3)
    assert a == rotation_pick(bank, questions=8, round_index=3)
    assert a != rotation_pick(bank, questions=8, round_index=4)


def test_a_round_of_the_shipped_rubric_co_answers_every_pair_with_enough_respondents() -> None:
    # 10 questions, 7 dimensions: 3 extras → blocks of 4; dimensions of 3–4 items are one
    # block, the two 5-item ones need 3 blocks each: T = 5·1 + 2·3 = 11 forms.
    bank = _bank()
    assert forms_per_cycle(bank, questions=10) == 11
    forms = round_forms(bank, questions=10, first_form=0, slots=110)
    counts = _co_answers(forms, _dim_of(bank))
    assert (
        min(counts[p] for p in _pairs(bank))
        >= 10
        == min_co_answers(bank, questions=10, respondents=110)
    )


def test_pair_blocks_cover_every_pair_and_a_big_block_is_the_whole_dimension() -> None:
    for m in range(2, 7):
        for b in range(2, 8):
            blocks = pair_blocks(m, b)
            assert all(len(bl) == min(m, b) for bl in blocks)
            covered = {p for bl in blocks for p in combinations(bl, 2)}
            assert covered == set(combinations(range(m), 2)), (m, b)
    assert pair_blocks(4, 5) == [(0, 1, 2, 3)]
    assert len(pair_blocks(5, 2)) == 10  # b = 2: every pair is its own block


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=3, max_value=6), min_size=5, max_size=9),
    questions=st.integers(min_value=6, max_value=10),
    first_form=st.integers(min_value=0, max_value=500),
    team_sizes=st.lists(st.integers(min_value=0, max_value=150), min_size=1, max_size=5),
)
def test_any_bank_period_co_answers_every_pair_at_least_total_respondents_over_t(
    sizes: list[int], questions: int, first_form: int, team_sizes: list[int]
) -> None:
    """The proved guarantee, per reporting period: rounds of the period hand out consecutive
    forms (each round continues at the period's running form counter), so R rounds with
    N₁…N_R respondents co-answer every pair of every dimension ≥ ⌊ΣN / T⌋ times.
    """
    bank = [(f"d{i}", [f"d{i}i{j}" for j in range(n)]) for i, n in enumerate(sizes)]
    dim_of = _dim_of(bank)
    t = forms_per_cycle(bank, questions=questions)
    size = form_size(bank, questions=questions)
    assert size == max(questions, len(sizes) + 1) <= 10
    forms: list[list[str]] = []
    cursor = first_form
    for n in team_sizes:  # one round per entry, all in the same period
        forms += round_forms(bank, questions=questions, first_form=cursor, slots=n)
        cursor += n
    for form in forms:
        assert {dim_of[k] for k in form} == {d for d, _ in bank}
        assert len(form) == len(set(form)) == size
        # Anchors: only the focus dimension may lack its first item, so any two forms
        # (or periods) share the anchors of all but at most two dimensions.
        assert sum(items[0] not in form for _, items in bank) <= 1
    counts = _co_answers(forms, dim_of)
    total = sum(team_sizes)
    guaranteed = min_co_answers(bank, questions=questions, respondents=total)
    assert guaranteed == total // t
    assert all(counts[p] >= guaranteed for p in _pairs(bank))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=3, max_value=6), min_size=1, max_size=9),
    questions=st.integers(min_value=6, max_value=10),
    start=st.integers(min_value=0, max_value=300),
)
def test_rotation_properties_hold_for_any_bank(
    sizes: list[int], questions: int, start: int
) -> None:
    # Any T consecutive forms (= rounds when a round has one form) ask every item and
    # co-answer every pair at least once; every form asks every dimension, no duplicates.
    bank = [(f"d{i}", [f"d{i}i{j}" for j in range(n)]) for i, n in enumerate(sizes)]
    dim_of = _dim_of(bank)
    t = rounds_to_cycle(bank, questions=questions)
    picks = [
        rotation_pick(bank, questions=questions, round_index=r) for r in range(start, start + t)
    ]
    for picked in picks:
        assert {dim_of[k] for k in picked} == {d for d, _ in bank}
        assert len(picked) == len(set(picked))
        assert len(picked) == min(max(questions, len(bank) + 1), sum(sizes))
    assert {k for p in picks for k in p} == set(dim_of)
    counts = _co_answers(picks, dim_of)
    assert all(counts[p] >= 1 for p in _pairs(bank))
    assert picks[0] == form_items(bank, questions=questions, form_index=start)
