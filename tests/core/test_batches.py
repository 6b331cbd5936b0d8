"""The shared buffer rule: groups leave from k rows on (or when released or forced), shuffled."""

from __future__ import annotations

import random

from core.batches import batch_ready


def test_only_groups_of_at_least_k_rows_leave() -> None:
    rows = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("b", 5)]
    out = batch_ready(rows, key=lambda r: r[0], k=3)
    assert sorted(out) == [("a", 1), ("a", 2), ("a", 3)]


def test_a_released_group_or_force_lets_small_groups_go() -> None:
    rows = [("a", 1), ("b", 2)]
    assert batch_ready(rows, key=lambda r: r[0], k=3, release=lambda key: key == "b") == [("b", 2)]
    assert sorted(batch_ready(rows, key=lambda r: r[0], k=3, force=True)) == rows


def test_k_can_be_read_per_group() -> None:
    rows = [("a", 3), ("a", 3), ("b", 2), ("b", 2)]
    assert sorted(batch_ready(rows, key=lambda r: r[0], k=lambda r: r[1])) == [("b", 2), ("b", 2)]


def test_the_batch_is_shuffled() -> None:
    rows = list(range(50))
    out = batch_ready(rows, key=lambda r: 0, k=3, rng=random.Random(1))
    assert sorted(out) == rows and out != rows
