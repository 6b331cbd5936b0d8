"""Team-tree suppression for decision check-in cells: the shared trustmath.suppression rules,
with the reason codes turned into words for pages and the API."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from trustmath.suppression import (
    REASON_COMPLEMENTARY,
    REASON_FEWER_THAN_K,
    REASON_NO_RESPONSES,
    suppress_tree,
)


def reason_text(code: str, k: int) -> str:
    return {
        REASON_FEWER_THAN_K: f"fewer than {k} answers",
        REASON_COMPLEMENTARY: "hidden so that a smaller group can't be worked out from the others",
        REASON_NO_RESPONSES: "no check-in answers",
    }.get(code, code)


def suppress_cells(cells: pd.DataFrame, *, k: int, parent_of: Mapping[int, int]) -> pd.DataFrame:
    """cells (team_id 0 = org, n, n_own, period) -> + suppressed, reason (in words).

    `parent_of` maps each team to its parent (top-level teams to 0); the root is added here.
    """
    tree: dict[int, int | None] = {0: None, **{int(t): int(p) for t, p in parent_of.items()}}
    out = suppress_tree(cells, k=k, parent_of=tree, by=("period",))
    out["reason"] = [reason_text(c, k) for c in out["reason"]]
    return out
