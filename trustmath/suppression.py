"""k-anonymity suppression shared by every read path: team trees, attribute filters, repeats.

docs/privacy.md is the contract: no aggregate over fewer than *k* respondents may be shown,
and no *combination* of shown aggregates may reveal one either. This module is pure
(NumPy/pandas only, no Django) so the engine, the API, exports and pages all call the same
functions.

Rules
=====

Team tree (:func:`suppress_tree`)
---------------------------------
Every cell is a team (``team_id``; ``0`` is the whole organisation, the root) within one
``by`` group (by default one reporting period). ``n`` is the number of respondents of the
team's roll-up (its own respondents ``n_own`` plus all of its sub-teams'), so a parent's
respondents are partitioned into its ``n_own`` people and its children's roll-ups.

1. ``n == 0``: the cell is empty; it is marked suppressed with reason ``"no_responses"``
   (there is nothing to show, and a page must never print numbers for it).
2. ``0 < n < k``: suppressed, reason ``"fewer_than_k"``.
3. Complementary suppression, reason ``"complementary"``. Every shown aggregate (a mean, a
   count, a sum of squares, a share) is a sum over its respondents, so a reader can
   subtract. For a visible cell *V* let its **frontier** be its maximal visible
   descendants (visible cells under *V* with no visible cell between them and *V*); they
   are disjoint. Its **residual** is ``n(V) − Σ n(frontier)``: the people of *V* that no
   visible cell below it covers (its own ``n_own`` people plus everyone in hidden
   sub-teams that are not covered further down). The function guarantees the invariant

       for every visible cell, its value minus the sum of the visible descendant cells
       that partition it is computed over either 0 or ≥ k respondents,

   i.e. every residual is 0 or ≥ k. Why this is enough: the residual regions of the
   visible cells are pairwise disjoint and every visible cell is exactly the union of the
   residual regions of itself and of its visible descendants. The linear span of the
   visible cells is therefore the span of disjoint regions, and the only groups whose
   aggregate can be computed from the visible cells by any sums and differences are
   unions of whole regions — each of size 0 or ≥ k. Hidden cells that are not themselves
   a union of such regions (in particular any hidden cell with 0 < n < k, and any union of
   small hidden cells plus ``n_own`` people) cannot be computed.

   How it is enforced, deepest level first: when a visible cell *V* has a residual
   ``0 < r < k``, the smallest frontier cell (fewest respondents, ties by team id) whose
   own residual is non-zero is hidden too; that merges its residual (≥ k, because deeper
   levels are already fixed) into *V*'s. If every frontier cell has residual 0 (each is
   exactly covered by its own visible children), the smallest frontier cell is hidden and
   its children join the frontier, and so on; at worst the frontier empties and the
   residual is ``n(V) ≥ k``. Hiding a frontier cell of *V* changes no other visible cell's
   residual, so one bottom-up pass reaches the fixed point. A cell with ``n ≥ k`` is never
   hidden to protect its *parent*: its parent's level is fixed by hiding the parent's
   children, never the parent, so the org total stays visible whenever it has ≥ k people.

Hiding *more* cells afterwards is always safe: hiding a visible cell merges its residual
region (0 or ≥ k) into its nearest visible ancestor's (0 or ≥ k), and a sum of such sizes
is again 0 or ≥ k. So callers may intersect two suppressions (e.g. hide a dimension cell
when the team's trust-index cell is hidden) or drop cells a reader may not see, without
re-running anything. Showing a cell this function hid is never safe.

A suppressed cell shows no number at all — no score, no interval and no ``n`` (a count
is an aggregate too) — only that it is hidden and why.

``by`` groups are independent trees (e.g. one per period): they must describe different
respondent populations or different measures. Teams absent from a group have ``n = 0``.
Pass the **whole** tree of a group, then filter what the reader may see: suppression
computed on a sub-tree is not safe for the full tree.

Usage::

    parent_of = {0: None, **dict(zip(teams.id, teams.parent_id.fillna(0).astype(int)))}
    cells = suppress_tree(cells, k=org.k, parent_of=parent_of, by=["period"])
    shown = cells[~cells["suppressed"]]

Attribute filters (:func:`filter_allowed`, :func:`filter_allowed_many`)
-----------------------------------------------------------------------
A filtered result (say "remote workers" of a team) is refused when the filtered group has
fewer than k respondents, or when its complement within the unfiltered cell has
``0 < n_total − n_filtered < k`` (the unfiltered cell minus the filtered one would reveal
the complement). Explanations never quote a count below k.

Scope: this guards one filtered cell against its own unfiltered cell. When a filtered
breakdown is shown for a whole tree, also run :func:`suppress_tree` on the filtered counts
(``n``/``n_own`` within the filter) and check every shown filtered cell with
:func:`filter_allowed_many`; differences *across* the filtered and unfiltered trees (an
unfiltered residual minus a filtered residual) are not analysed here, so the safe default
is to offer filters on one cell at a time.

Over time (:func:`respondent_set_too_close`)
--------------------------------------------
Two reports a user sees one after the other (two overlapping filters, a narrowing) are
subtractable. A new report is refused when its respondent set differs from one the same
user saw recently by ``0 < |A Δ B| < k`` people (symmetric difference); an identical set
(difference 0) reveals nothing new and is fine. This is a pairwise check over a short
history; it complements, not replaces, the tree and filter rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

# The suppression reason codes of every source (pulses, decision check-ins): the one place
# they are defined. The words a reader sees for each live in core/reasons.py.
REASON_NONE = ""  # shown
REASON_NO_RESPONSES = "no_responses"  # nobody answered
REASON_FEWER_THAN_K = "fewer_than_k"  # 0 < n < k
REASON_COMPLEMENTARY = "complementary"  # hidden so a smaller cell can't be worked out
# Never produced here: a reader sets it to fail closed when stored cells no longer fit the
# current team tree (a team moved or was deleted since the last recompute).
REASON_STALE = "stale"
# Never produced by suppress_tree: trustmath.disclosure hides a composite figure (a trust
# index, later friction index or execution health) when one of the parts it is computed
# from is hidden, because the composite and the shown parts would give the hidden part back.
REASON_PART_HIDDEN = "part_hidden"
# Set by the release ledger (trustmath.ledger): the cell's response set would differ from
# one released earlier by 1 … k − 1 responses. Passed in as a forced suppression, so the
# complementary rule still runs around it (a hidden cell is never parent minus children).
REASON_LEDGER = "ledger"
# Never produced here: a figure whose source has not been released yet (a decision none of
# whose check-in windows has closed) — reads serve releases only.
REASON_NOT_RELEASED = "not_released"
REASON_CODES = (
    REASON_NONE,
    REASON_NO_RESPONSES,
    REASON_FEWER_THAN_K,
    REASON_COMPLEMENTARY,
    REASON_STALE,
    REASON_PART_HIDDEN,
    REASON_LEDGER,
    REASON_NOT_RELEASED,
)

# Integer codes used inside the matrices; the index is the code.
_REASON_LABELS = np.array(
    [REASON_NONE, REASON_NO_RESPONSES, REASON_FEWER_THAN_K, REASON_COMPLEMENTARY, REASON_LEDGER],
    dtype=object,
)
_R_NONE, _R_EMPTY, _R_SMALL, _R_COMPL, _R_LEDGER = 0, 1, 2, 3, 4

ROOT_TEAM_ID = 0


class SuppressionInputError(ValueError):
    """The cells or the tree are inconsistent, so no safe suppression can be computed."""


class _Tree:
    """Team tree as index arrays: ids, parent index (-1 for the root), nodes per depth."""

    def __init__(self, parent_of: Mapping[int, int | None]) -> None:
        if ROOT_TEAM_ID not in parent_of or parent_of[ROOT_TEAM_ID] is not None:
            raise SuppressionInputError("parent_of must contain the root 0 with parent None.")
        self.ids = np.array(sorted(int(t) for t in parent_of), dtype=np.int64)
        self.index = {int(t): i for i, t in enumerate(self.ids)}
        parent = np.full(self.ids.size, -1, dtype=np.int64)
        for team, par in parent_of.items():
            if int(team) == ROOT_TEAM_ID:
                continue
            if par is None:
                raise SuppressionInputError(f"Team {team} has no parent; only the root 0 may.")
            if int(par) not in self.index:
                raise SuppressionInputError(f"Team {team} has parent {par}, not in parent_of.")
            parent[self.index[int(team)]] = self.index[int(par)]
        self.parent = parent
        # Depth by pointer jumping-free iteration over levels (trees are shallow).
        depth = np.full(self.ids.size, -1, dtype=np.int64)
        depth[self.index[ROOT_TEAM_ID]] = 0
        for d in range(1, self.ids.size + 1):
            todo = depth < 0
            if not todo.any():
                break
            reached = todo & (parent >= 0)
            reached[reached] = depth[parent[reached]] == d - 1
            depth[reached] = d
        if (depth < 0).any():
            bad = self.ids[depth < 0][:5].tolist()
            raise SuppressionInputError(f"Teams {bad} are not connected to the root (cycle?).")
        self.depth = depth
        self.levels = [np.flatnonzero(depth == d) for d in range(int(depth.max()) + 1)]

    def child_sum(self, values: np.ndarray) -> np.ndarray:
        """Sum of each node's children's values; values has shape (groups, nodes)."""
        out = np.zeros_like(values)
        nodes = np.flatnonzero(self.parent >= 0)
        np.add.at(out.T, self.parent[nodes], values[:, nodes].T)
        return out

    def covered(self, n: np.ndarray, visible: np.ndarray) -> np.ndarray:
        """Respondents under each node covered by its frontier (maximal visible descendants)."""
        cov = np.zeros_like(n)
        for d in range(len(self.levels) - 1, 0, -1):
            nodes = self.levels[d]
            contribution = np.where(visible[:, nodes], n[:, nodes], cov[:, nodes])
            np.add.at(cov.T, self.parent[nodes], contribution.T)
        return cov

    def nearest_visible_ancestor(self, visible: np.ndarray) -> np.ndarray:
        """Index of each node's nearest visible strict ancestor, -1 if none."""
        nva = np.full(visible.shape, -1, dtype=np.int64)
        for d in range(1, len(self.levels)):
            nodes = self.levels[d]
            par = self.parent[nodes]
            nva[:, nodes] = np.where(visible[:, par], par[np.newaxis, :], nva[:, par])
        return nva


def _suppress_matrix(
    n: np.ndarray, tree: _Tree, k: int, forced: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return (visible, reason code) matrices for n of shape (groups, nodes).

    ``forced`` (same shape, bool) hides cells with n ≥ k before the complementary pass, so
    their neighbours are hidden as needed to keep them from being worked out.
    """
    visible = n >= k
    reason = np.full(n.shape, _R_NONE, dtype=np.int8)
    reason[n == 0] = _R_EMPTY
    reason[(n > 0) & (n < k)] = _R_SMALL
    if forced is not None:
        hit = forced & visible
        visible[hit] = False
        reason[hit] = _R_LEDGER
    n_nodes = n.shape[1]
    for d in range(len(tree.levels) - 1, -1, -1):
        level = tree.levels[d]
        while True:
            residual = n - tree.covered(n, visible)
            r_level = residual[:, level]
            violating = visible[:, level] & (r_level > 0) & (r_level < k)
            if not violating.any():
                break
            owner_violates = np.zeros(n.shape, dtype=bool)
            owner_violates[:, level] = violating
            nva = tree.nearest_visible_ancestor(visible)
            g_idx, c_idx = np.nonzero(visible & (nva >= 0))
            owner = nva[g_idx, c_idx]
            keep = owner_violates[g_idx, owner]
            g_idx, c_idx, owner = g_idx[keep], c_idx[keep], owner[keep]
            # Prefer a frontier cell whose own residual is non-zero (hiding it fixes the
            # owner at once), then the smallest cell, then the lowest team id.
            no_gain = residual[g_idx, c_idx] == 0
            order = np.lexsort((tree.ids[c_idx], n[g_idx, c_idx], no_gain, owner, g_idx))
            key = g_idx[order] * n_nodes + owner[order]
            first = np.ones(key.size, dtype=bool)
            first[1:] = key[1:] != key[:-1]
            chosen = order[first]
            visible[g_idx[chosen], c_idx[chosen]] = False
            reason[g_idx[chosen], c_idx[chosen]] = _R_COMPL
    if forced is not None:
        _bury_forced(n, tree, k, forced & ~visible & (n > 0), visible, reason)
    return visible, reason


def _bury_forced(
    n: np.ndarray,
    tree: _Tree,
    k: int,
    forced: np.ndarray,
    visible: np.ndarray,
    reason: np.ndarray,
) -> None:
    """Hide more until no forced cell can be computed from the visible ones (in place).

    A forced cell F has n ≥ k, so the residual rule alone does not protect it: it must not
    be exactly its visible descendants (then F = Σ of them: one of them is hidden), and the
    people of F no visible descendant covers must share the residual region of F's nearest
    visible ancestor V with at least k others (else V − its other visible parts ≈ F: V is
    hidden, which merges its region into the next visible ancestor's). Each pass hides at
    least one cell, and hiding more keeps the residual guarantee.
    """
    for _ in range(n.shape[1] + 1):  # at most one pass per team: each hides a cell
        uncovered = n - tree.covered(n, visible)
        g_f, f_idx = np.nonzero(forced)
        if g_f.size == 0:
            return
        changed = False
        # (a) F exactly covered by its visible descendants: hide the smallest of them.
        exact = uncovered[g_f, f_idx] == 0
        if exact.any():
            marker = visible | forced
            nma = tree.nearest_visible_ancestor(marker)
            for g, f in zip(g_f[exact], f_idx[exact], strict=True):  # forced cells only
                below = np.flatnonzero(visible[g] & (nma[g] == f))
                if below.size:
                    c = below[np.lexsort((tree.ids[below], n[g, below]))[0]]
                    visible[g, c] = False
                    reason[g, c] = _R_COMPL
                    changed = True
        if changed:
            continue
        # (b) F's uncovered people are (almost) all of its ancestor's residual region.
        nva = tree.nearest_visible_ancestor(visible)
        owner = nva[g_f, f_idx]
        has = owner >= 0
        rest = uncovered[g_f[has], owner[has]] - uncovered[g_f[has], f_idx[has]]
        bad = rest < k
        if not bad.any():
            return
        marker = visible | forced
        nma = tree.nearest_visible_ancestor(marker)
        for g, v in zip(g_f[has][bad], owner[has][bad], strict=True):  # forced cells only
            if not visible[g, v]:
                continue  # already fixed by an earlier one this pass
            # Prefer hiding a sibling part of V's region with a residual of its own (≥ k),
            # which keeps V (often the whole organization) shown; else hide V.
            others = np.flatnonzero(visible[g] & (nma[g] == v) & (uncovered[g] > 0))
            c = others[np.lexsort((tree.ids[others], n[g, others]))[0]] if others.size else v
            visible[g, c] = False
            reason[g, c] = _R_COMPL


def suppress_tree(
    cells: pd.DataFrame,
    *,
    k: int,
    parent_of: Mapping[int, int | None],
    by: Sequence[str] = ("period",),
    forced: str | None = None,
) -> pd.DataFrame:
    """Mark which team cells may be shown; see the module docstring for the rules.

    ``forced`` names a bool column: its True cells (refused by the release ledger) are
    hidden with reason ``"ledger"`` (if not already hidden as small or empty) and then the
    complementary rule runs around them as around any hidden cell.

    ``cells`` has columns ``team_id``, ``n``, ``n_own`` and the ``by`` columns, one row per
    (by group, team). Returns a copy with a bool ``suppressed`` and a str ``reason`` column
    (``""``, ``"no_responses"``, ``"fewer_than_k"`` or ``"complementary"``). Raises
    :class:`SuppressionInputError` when the roll-ups are inconsistent
    (``n != n_own + Σ children n``), a team is unknown, or a (group, team) is repeated.
    """
    if int(k) != k or k < 1:
        raise SuppressionInputError(f"k must be a positive integer, got {k!r}.")
    k = int(k)
    by = list(by)
    missing = [c for c in ["team_id", "n", "n_own", *by] if c not in cells.columns]
    if missing:
        raise SuppressionInputError(f"cells lacks columns {missing}.")
    tree = _Tree(parent_of)
    out = cells.copy()
    if out.empty:
        out["suppressed"] = pd.Series(dtype=bool)
        out["reason"] = pd.Series(dtype=object)
        return out

    team_ids = out["team_id"].to_numpy()
    node = pd.Index(tree.ids).get_indexer(team_ids)
    if (node < 0).any():
        unknown = sorted(set(team_ids[node < 0].tolist()))[:5]
        raise SuppressionInputError(f"Teams {unknown} are not in parent_of.")
    if by:
        group = out.groupby(by, sort=False, dropna=False).ngroup().to_numpy()
    else:
        group = np.zeros(len(out), dtype=np.int64)
    n_groups = int(group.max()) + 1
    flat = group.astype(np.int64) * tree.ids.size + node
    if pd.Index(flat).has_duplicates:
        raise SuppressionInputError("A team appears more than once within one group.")

    n_col = out["n"].to_numpy()
    own_col = out["n_own"].to_numpy()
    if pd.isna(n_col).any() or pd.isna(own_col).any():
        raise SuppressionInputError("n and n_own must not be missing.")
    if (np.asarray(n_col, dtype=float) % 1 != 0).any() or (
        np.asarray(own_col, dtype=float) % 1 != 0
    ).any():
        raise SuppressionInputError("n and n_own must be whole numbers of respondents.")
    n_col = n_col.astype(np.int64)
    own_col = own_col.astype(np.int64)
    if (n_col < 0).any() or (own_col < 0).any():
        raise SuppressionInputError("n and n_own must be non-negative.")

    n = np.zeros((n_groups, tree.ids.size), dtype=np.int64)
    n_own = np.zeros_like(n)
    n[group, node] = n_col
    n_own[group, node] = own_col
    rollup = n_own + tree.child_sum(n)
    bad_g, bad_node = np.nonzero(rollup != n)
    if bad_g.size:
        examples = tree.ids[bad_node[:5]].tolist()
        raise SuppressionInputError(
            f"n must equal n_own plus the children's n (every team with respondents, and "
            f"all its ancestors, must be present); inconsistent teams: {examples}."
        )

    forced_m = None
    if forced is not None and forced in out.columns:
        forced_m = np.zeros(n.shape, dtype=bool)
        forced_m[group, node] = out[forced].fillna(False).astype(bool).to_numpy()
    visible, reason = _suppress_matrix(n, tree, k, forced_m)
    out["suppressed"] = ~visible[group, node]
    out["reason"] = _REASON_LABELS[reason[group, node]]
    return out


def _filter_messages(k: int) -> tuple[str, str]:
    too_small = (
        f"Fewer than {k} respondents match this filter, so its results are hidden to "
        f"protect anonymity."
    )
    complement = (
        f"Fewer than {k} respondents fall outside this filter; showing it next to the "
        f"unfiltered result would reveal their answers by subtraction."
    )
    return too_small, complement


def filter_allowed(n_filtered: int, n_total: int, *, k: int) -> tuple[bool, str]:
    """Whether a filtered group may be shown next to its unfiltered cell, and why not.

    Refused when the filtered group has fewer than k respondents, or when the rest of the
    cell (``n_total − n_filtered``) is between 1 and k − 1. Returns ``(True, "")`` if
    allowed, otherwise ``(False, explanation)``.
    """
    allowed, reasons = filter_allowed_many([n_filtered], [n_total], k=k)
    return bool(allowed[0]), str(reasons[0])


def filter_allowed_many(
    n_filtered: Iterable[int] | np.ndarray | pd.Series,
    n_total: Iterable[int] | np.ndarray | pd.Series,
    *,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`filter_allowed`: returns (bool array, explanation array)."""
    if int(k) != k or k < 1:
        raise SuppressionInputError(f"k must be a positive integer, got {k!r}.")
    filtered = np.asarray(n_filtered, dtype=np.int64)
    total = np.asarray(n_total, dtype=np.int64)
    if filtered.shape != total.shape:
        raise SuppressionInputError("n_filtered and n_total must have the same length.")
    if (filtered < 0).any() or (filtered > total).any():
        raise SuppressionInputError("Need 0 <= n_filtered <= n_total.")
    rest = total - filtered
    too_small = filtered < k
    complement_small = (rest > 0) & (rest < k)
    msg_small, msg_complement = _filter_messages(int(k))
    reasons = np.full(filtered.shape, "", dtype=object)
    reasons[complement_small] = msg_complement
    reasons[too_small] = msg_small
    return ~(too_small | complement_small), reasons


def _as_id_array(ids: Iterable[object] | np.ndarray) -> np.ndarray:
    if isinstance(ids, np.ndarray):
        return np.unique(ids)
    if isinstance(ids, pd.Series | pd.Index):
        return np.unique(ids.to_numpy())
    # Sets and other iterables: np.array() walks them in C, not in a Python loop of ours.
    return np.unique(np.array(list(ids)))


def respondent_set_distance(
    a: Iterable[object] | np.ndarray, b: Iterable[object] | np.ndarray
) -> int:
    """Number of respondents in exactly one of the two sets (size of the symmetric difference)."""
    if isinstance(a, set | frozenset) and isinstance(b, set | frozenset):
        return len(a ^ b)
    ua, ub = _as_id_array(a), _as_id_array(b)
    if ua.size == 0 or ub.size == 0:
        return int(ua.size + ub.size)
    common = np.intersect1d(ua, ub, assume_unique=True).size
    return int(ua.size + ub.size - 2 * common)


def respondent_set_too_close(
    previous_sets: Iterable[Iterable[object] | np.ndarray],
    current_set: Iterable[object] | np.ndarray,
    *,
    k: int,
) -> bool:
    """True when ``current_set`` differs from any recently seen set by 1 … k − 1 people.

    ``previous_sets`` is the user's short history of respondent-id sets behind reports they
    were shown; ids are opaque (UUIDs, ints). Identical sets (difference 0) are allowed.
    """
    if int(k) != k or k < 1:
        raise SuppressionInputError(f"k must be a positive integer, got {k!r}.")
    current = current_set if isinstance(current_set, set | frozenset) else _as_id_array(current_set)
    for previous in previous_sets:  # a short per-user history, not respondents
        distance = respondent_set_distance(previous, current)
        if 0 < distance < k:
            return True
    return False


def respondent_set_allowed(
    previous_sets: Iterable[Iterable[object] | np.ndarray],
    current_set: Iterable[object] | np.ndarray,
    *,
    k: int,
) -> tuple[bool, str]:
    """:func:`respondent_set_too_close` with the explanation a page or API shows."""
    if respondent_set_too_close(previous_sets, current_set, k=k):
        return False, (
            f"This result differs by fewer than {k} respondents from one you viewed "
            f"recently; comparing the two could reveal individual answers, so it is hidden."
        )
    return True, ""
