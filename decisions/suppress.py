"""The one entry point decisions use for team-tree suppression.

Uses `scoring.suppression.suppress_tree` (h-suppress) when it exists; until then a small
implementation of the same contract: primary suppression below k, then complementary
suppression so no parent minus its visible children leaves a group of 1..k-1 answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd


def _fallback_suppress_tree(
    cells: pd.DataFrame,
    *,
    k: int,
    parent_of: Mapping[int, int],
    by: Sequence[str] = ("period",),
) -> pd.DataFrame:
    out = cells.copy()
    out["suppressed"] = out["n"] < k
    out["reason"] = [f"fewer than {k} answers" if s else "" for s in out["suppressed"]]
    if out.empty:
        return out
    out["_parent"] = out["team_id"].map(lambda t: -1 if t == 0 else parent_of.get(t, 0))
    changed = True
    # Loop over (parent, period) groups, not over answers: cells are few.
    while changed:
        changed = False
        for (_parent, *_), idx in out.groupby(["_parent", *by]).groups.items():
            if _parent == -1:
                continue
            parent_rows = out.loc[(out["team_id"] == _parent)]
            for col in by:
                parent_rows = parent_rows.loc[parent_rows[col] == out.loc[idx[0], col]]
            if parent_rows.empty or bool(parent_rows["suppressed"].iloc[0]):
                continue
            siblings = out.loc[idx]
            hidden = int(parent_rows["n"].iloc[0]) - int(
                siblings.loc[~siblings["suppressed"], "n"].sum()
            )
            if 0 < hidden < k and siblings["suppressed"].any():
                visible = siblings.loc[~siblings["suppressed"]].sort_values("n")
                if visible.empty:
                    continue
                victim = visible.index[0]
                out.loc[victim, "suppressed"] = True
                out.loc[victim, "reason"] = "hidden so a smaller group can't be worked out"
                changed = True
    return out.drop(columns=["_parent"])


def _resolve() -> Callable[..., pd.DataFrame]:
    try:
        from scoring.suppression import suppress_tree  # type: ignore[import-not-found]
    except ImportError:
        return _fallback_suppress_tree
    return suppress_tree


def suppress_tree(cells: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """suppress_tree(cells, *, k, parent_of, by=("period",)) -> cells + suppressed, reason."""
    return _resolve()(cells, **kwargs)
