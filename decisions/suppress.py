"""Team-tree suppression for decision check-in cells: the shared trustmath.suppression rules,
with the reason codes turned into the words of core.reasons for pages and the API."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from core.reasons import CHECKIN_ANSWERS, reason_text
from trustmath.suppression import suppress_tree


def checkin_reason_text(code: str, *, k: int) -> str:
    """The words for a reason code of a check-in figure (which counts check-in answers)."""
    return reason_text(code, k=k, answers=CHECKIN_ANSWERS)


def figure_reason_text(figure: str, code: str, *, k: int) -> str:
    """The words for one hidden figure inside a shown cell: a share counts the answers to
    its own question, the lag counts decisions."""
    return reason_text(code, k=k, answers="decisions" if figure == "lag" else CHECKIN_ANSWERS)


def suppress_cells(cells: pd.DataFrame, *, k: int, parent_of: Mapping[int, int]) -> pd.DataFrame:
    """cells (team_id 0 = org, n, n_own, period) -> + suppressed, reason (in words).

    `parent_of` maps each team to its parent (top-level teams to 0); the root is added here.
    """
    tree: dict[int, int | None] = {0: None, **{int(t): int(p) for t, p in parent_of.items()}}
    out = suppress_tree(cells, k=k, parent_of=tree, by=("period",))
    out["reason"] = [checkin_reason_text(c, k=k) for c in out["reason"]]
    return out
