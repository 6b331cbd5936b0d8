"""The one disclosure decision: which figures of a whole org's results may be released, and why not.

Every aggregate that leaves the system (results page and API, decision figures, and later
exports, dashboards and workshops) is decided here, from the counts of the **whole** team
tree, never from the subset a viewer may see: the viewer's filter is applied afterwards,
which only hides more (always safe, see :mod:`trustmath.suppression`).

Input: one row per (``by`` group, measure, team) with ``team_id``, the measure's people
count ``n`` (team plus sub-teams) and ``n_own`` (the team's own people). A *measure* is any
figure with its own count: a dimension (people who answered it), the trust index (people
who answered anything), a decision share (people who answered that question), the lag
(decisions). ``n`` is an input column on purpose: the caller says what it counts, so the
rule does not change when answers are replaced by distinct people.

Rules, in order:

1. **Tree suppression per measure** (:func:`trustmath.suppression.suppress_tree`, reused, not
   copied): each measure of each ``by`` group is its own tree, so a share over fewer than k
   answers is hidden even when the cell's own count is ≥ k, and complementary suppression
   keeps every parent-minus-children difference at 0 or ≥ k people. Measures listed in
   ``flat`` are not sums over the tree (a median over decisions, a count of distinct
   decisions that can sit in several teams): they get the plain test, n = 0 → no
   responses, n < k → fewer than k.
2. **Base measure** (``base``): when the base figure of a (group, team) cell is hidden, so
   is every other measure of that cell, with the base's reason (a dimension cell is never
   shown next to a hidden trust index; a decision share never in a hidden decision cell).
   A measure with no base row fails closed (``fewer_than_k``).
3. **Composites follow their parts** (``composites``): a composite figure (the trust index
   = weighted mean of the cell's dimensions) is hidden with reason ``"part_hidden"`` when
   any of its parts with n > 0 in the same cell is hidden; otherwise it and the shown parts
   together would give the hidden part back (index − Σ wᵢ·shownᵢ = w·hidden). A shown
   composite is then a function of shown figures only and carries nothing new. A hidden
   composite does not hide its parts: each part passed its own tree test.

Each step only hides more, so the tree guarantee of step 1 holds for the result.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import pandas as pd

from trustmath.suppression import (
    REASON_FEWER_THAN_K,
    REASON_LEDGER,
    REASON_NO_RESPONSES,
    REASON_NONE,
    REASON_PART_HIDDEN,
    SuppressionInputError,
    suppress_tree,
)

MEASURE = "measure"


def _flat(cells: pd.DataFrame, k: int, forced: str | None = None) -> pd.DataFrame:
    """The plain k test for measures that are not sums over the team tree."""
    n = cells["n"].to_numpy(dtype=float)
    reason = np.where(n == 0, REASON_NO_RESPONSES, np.where(n < k, REASON_FEWER_THAN_K, ""))
    hidden = n < k
    if forced is not None and forced in cells.columns:
        hit = cells[forced].fillna(False).astype(bool).to_numpy() & ~hidden
        reason = np.where(hit, REASON_LEDGER, reason)
        hidden = hidden | hit
    return cells.assign(suppressed=hidden, reason=reason.astype(object))


def disclosure_decide(
    cells: pd.DataFrame,
    *,
    k: int,
    parent_of: Mapping[int, int | None],
    by: Sequence[str] = ("period",),
    base: str | None = None,
    composites: Mapping[str, Collection[str] | None] | None = None,
    flat: Collection[str] = (),
    forced: str | None = None,
) -> pd.DataFrame:
    """Decide, per row of ``cells``, whether it may be released: adds ``suppressed``, ``reason``.

    ``forced`` names a bool column of rows the release ledger refused
    (:mod:`trustmath.ledger`): they are hidden with reason ``"ledger"`` before the tree
    pass, so complementary suppression and the base/composite rules work around them.

    ``cells``: ``team_id``, ``measure``, ``n``, ``n_own`` (not needed for ``flat`` measures)
    and the ``by`` columns. ``parent_of`` is the whole org's tree with the root 0 (parent
    None). ``composites`` maps a composite measure to its parts (``None`` = every other
    measure of the cell except the base, other composites and ``flat`` ones). Reason
    codes are those of :mod:`trustmath.suppression`. Raises
    :class:`~trustmath.suppression.SuppressionInputError` on inconsistent counts or teams.
    """
    by = list(by)
    composites = dict(composites or {})
    missing = [c for c in ["team_id", MEASURE, "n", *by] if c not in cells.columns]
    if missing:
        raise SuppressionInputError(f"cells lacks columns {missing}.")
    out = cells.reset_index(drop=True).copy()
    if out.empty:
        return out.assign(suppressed=pd.Series(dtype=bool), reason=pd.Series(dtype=object))
    is_flat = out[MEASURE].isin(list(flat)).to_numpy()
    if (~is_flat).any() and "n_own" not in out.columns:
        raise SuppressionInputError("cells lacks column n_own for the tree measures.")

    # 1. Every tree measure is its own tree per `by` group; flat measures get the plain test.
    parts = []
    tree_rows = out.loc[~is_flat]
    if not tree_rows.empty:
        parts.append(
            suppress_tree(tree_rows, k=k, parent_of=parent_of, by=[*by, MEASURE], forced=forced)
        )
    if is_flat.any():
        parts.append(_flat(out.loc[is_flat], k, forced))
    out = pd.concat(parts).sort_index()
    out["suppressed"] = out["suppressed"].astype(bool)
    out["reason"] = out["reason"].astype(object)

    cell = [*by, "team_id"]
    # 2. Nothing of a cell is shown when its base figure is hidden (or absent: fail closed).
    if base is not None:
        base_rows = out.loc[out[MEASURE] == base, [*cell, "suppressed", "reason"]].rename(
            columns={"suppressed": "_b_sup", "reason": "_b_reason"}
        )
        joined = out[cell].merge(base_rows, on=cell, how="left")
        b_sup = joined["_b_sup"].fillna(True).astype(bool).to_numpy()
        b_reason = joined["_b_reason"].fillna(REASON_FEWER_THAN_K).to_numpy()
        others = (out[MEASURE] != base).to_numpy() & b_sup
        out.loc[others, "reason"] = b_reason[others]
        out.loc[others, "suppressed"] = True

    # 3. A composite is shown only when every part it is computed from (n > 0) is shown.
    for composite, its_parts in composites.items():
        if its_parts is None:
            excluded = {composite, *composites, *flat, *([base] if base else [])}
            is_part = ~out[MEASURE].isin(list(excluded))
        else:
            is_part = out[MEASURE].isin(list(its_parts))
        hidden_part = out.loc[is_part & (out["n"] > 0) & out["suppressed"], cell]
        hit = out[cell].merge(hidden_part.drop_duplicates().assign(_hit=True), on=cell, how="left")
        hit_mask = hit["_hit"].fillna(False).astype(bool).to_numpy()
        target = (out[MEASURE] == composite).to_numpy() & hit_mask & ~out["suppressed"].to_numpy()
        out.loc[target, "reason"] = REASON_PART_HIDDEN
        out.loc[target, "suppressed"] = True
    out.loc[~out["suppressed"], "reason"] = REASON_NONE
    return out
