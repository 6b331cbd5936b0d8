"""The release ledger rule (trustmath.ledger), its forced suppressions, and ad-hoc cells.

Sets are anonymous response ids; a new set at distance 1 … k − 1 from any earlier one
(subset, superset, symmetric difference) is refused, an identical one is allowed, and a
refused cell hidden as a forced suppression cannot be worked out as parent minus children.
"""

from __future__ import annotations

import uuid

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from orgs.disclosure import disclosure_check_adhoc
from orgs.models import ReleasedSet
from tests.base import BaseTestCase
from tests.privacy.attack import recoverable_groups
from trustmath.ledger import ledger_refusals, set_fingerprints
from trustmath.suppression import suppress_tree

K = 5


def frame(sets: dict[str, set[int]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(label, i) for label, ids in sets.items() for i in ids], columns=["set", "id"]
    )


def verdict(new: dict[str, set[int]], old: dict[str, set[int]]) -> dict[str, bool]:
    out = ledger_refusals(frame(new), frame(old), k=K)
    return dict(zip(out["set"], out["refused"], strict=True))


def test_sets_one_to_k_minus_1_apart_are_refused_in_every_direction() -> None:
    base = set(range(10))
    got = verdict(
        {
            "superset": base | {100},
            "subset": base - {0, 1, 2, 3},
            "swap": (base - {0, 1}) | {101, 102},  # symmetric difference 4
            "same": set(base),
            "far": (base - {0, 1, 2}) | {103, 104},  # 5 apart
            "disjoint": set(range(200, 206)),
        },
        {"earlier": base},
    )
    assert got == {
        "superset": True,
        "subset": True,
        "swap": True,
        "same": False,
        "far": False,
        "disjoint": False,
    }


def test_a_set_identical_to_any_earlier_one_is_allowed_even_if_close_to_another() -> None:
    a, b = set(range(10)), set(range(12))  # both released before (say, in one release)
    assert verdict({"again": set(a)}, {"a": a, "b": b}) == {"again": False}


def test_fingerprints_ignore_order_and_differ_for_different_sets() -> None:
    one = set_fingerprints(frame({"x": {3, 1, 2}, "y": {1, 2, 3}, "z": {1, 2, 4}}))
    fp = dict(zip(one["set"], one["fingerprint"], strict=True))
    assert fp["x"] == fp["y"] != fp["z"]


def test_a_forced_cell_cannot_be_recovered_as_parent_minus_children() -> None:
    parent_of = {0: None, 1: 0, 2: 0}
    cells = pd.DataFrame(
        {"team_id": [0, 1, 2], "n": [12, 6, 6], "n_own": [0, 6, 6], "forced": [False, True, False]}
    )
    out = suppress_tree(cells, k=K, parent_of=parent_of, by=[], forced="forced")
    reasons = dict(zip(out["team_id"], out["reason"], strict=True))
    assert reasons[1] == "ledger"
    assert reasons[2] == "complementary"  # else org − team 2 = team 1
    assert reasons[0] == ""  # the org total stays


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(min_value=0, max_value=9), min_size=2, max_size=7),
    parents=st.lists(st.integers(min_value=0, max_value=6), min_size=7, max_size=7),
    forced=st.lists(st.booleans(), min_size=8, max_size=8),
)
def test_forced_suppressions_keep_every_hidden_group_unrecoverable(
    sizes: list[int], parents: list[int], forced: list[bool]
) -> None:
    teams = list(range(1, len(sizes) + 1))
    parent_of: dict[int, int | None] = {0: None}
    for t in teams:  # a random tree: each team's parent is an earlier team or the root
        parent_of[t] = parents[t - 1] % t
    own = {0: 0, **dict(zip(teams, sizes, strict=True))}
    under = {t: {t} for t in parent_of}
    for t in sorted(teams, reverse=True):
        p = parent_of[t]
        while p is not None:
            under[p] |= under[t]
            p = parent_of[p]
    n = {t: sum(own[s] for s in under[t]) for t in parent_of}
    cells = pd.DataFrame(
        {
            "team_id": list(parent_of),
            "n": [n[t] for t in parent_of],
            "n_own": [own[t] for t in parent_of],
            "forced": [forced[t] for t in parent_of],
        }
    )
    out = suppress_tree(cells, k=K, parent_of=parent_of, by=[], forced="forced")
    shown = [
        frozenset(under[t]) for t, s in zip(out["team_id"], out["suppressed"], strict=True) if not s
    ]
    assert recoverable_groups(shown, own, k=K) == []
    forced_visible = out["forced"] & ~out["suppressed"]
    assert not forced_visible.any()
    # A refused cell (n ≥ k) is not computable from the shown cells either.
    atoms = sorted(t for t in own if own[t] > 0)
    rows = [[1.0 if a in g else 0.0 for a in atoms] for g in shown]
    base = np.array(rows) if rows else np.zeros((0, len(atoms)))
    rank = np.linalg.matrix_rank(base) if rows else 0
    for t, f in zip(out["team_id"], out["forced"], strict=True):
        vec = np.array([[1.0 if a in under[t] else 0.0 for a in atoms]])
        if f and vec.any():
            assert np.linalg.matrix_rank(np.vstack([base, vec])) > rank, t


class AdhocCellTests(BaseTestCase):
    def test_an_adhoc_cell_overlapping_an_earlier_one_by_fewer_than_k_is_refused(self) -> None:
        ids = [uuid.uuid4() for _ in range(8)]
        allowed, why = disclosure_check_adhoc(org=self.org, cell_key="remote", response_ids=ids)
        assert allowed and why == ""
        # The same filter again (nothing new) is fine; one more or one fewer answer is not.
        assert disclosure_check_adhoc(org=self.org, cell_key="remote", response_ids=ids)[0]
        allowed, why = disclosure_check_adhoc(
            org=self.org, cell_key="remote+1", response_ids=[*ids, uuid.uuid4()]
        )
        assert not allowed and "fewer than 5" in why and "earlier" in why
        assert not disclosure_check_adhoc(org=self.org, cell_key="remote-2", response_ids=ids[:-2])[
            0
        ]
        # Far enough apart, or fewer than k at all.
        assert disclosure_check_adhoc(
            org=self.org, cell_key="office", response_ids=[uuid.uuid4() for _ in range(6)]
        )[0]
        allowed, why = disclosure_check_adhoc(
            org=self.org, cell_key="tiny", response_ids=[uuid.uuid4() for _ in range(4)]
        )
        assert not allowed and "fewer than 5" in why
        # Only allowed cells are recorded, as sets of response ids (no person anywhere).
        assert ReleasedSet.objects.filter(organization=self.org).count() == 2
        assert {f.name for f in ReleasedSet._meta.get_fields()} == {
            "id",
            "organization",
            "source",
            "measure",
            "fingerprint",
            "size",
            "ids",
            "rounds",
            "round_count",
            "id_rounds",
            "first_label",
            "first_released_at",
        }

    def test_adhoc_cells_of_another_org_are_not_compared(self) -> None:
        ids = [uuid.uuid4() for _ in range(8)]
        assert disclosure_check_adhoc(org=self.org, cell_key="a", response_ids=ids)[0]
        assert disclosure_check_adhoc(
            org=self.other_org, cell_key="a", response_ids=[*ids, uuid.uuid4()]
        )[0]
