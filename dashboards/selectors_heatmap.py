"""Reads of the dashboard's heatmap: the team tree × trust index and dimensions for one period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from dashboards.selectors import (
    TRUST_KEY,
    TRUST_NAME,
    Cell,
    row_cells,
    subtree_ids,
)
from orgs.periods import period_label
from orgs.tenancy import Tenant
from scoring.selectors import ResultsQuery, release_latest, results_page, results_periods


@dataclass(frozen=True)
class HeatRow:
    team_id: int
    name: str
    depth: int
    parent_id: int | None
    has_children: bool
    cells: list[Cell]


@dataclass
class Heatmap:
    k: int
    team_id: int
    period: dt.date | None
    period_label: str
    columns: list[tuple[str, str]]  # (key, name): trust index first, then dimensions
    rows: list[HeatRow] = field(default_factory=list)
    periods: list[dt.date] = field(default_factory=list)
    sort: str = ""
    descending: bool = False


def _tree_order(tree_children: dict[int, list[int]], root: int, key: Any) -> list[tuple[int, int]]:
    """(team, depth) depth first from `root`, siblings ordered by `key` (a parent above its teams)."""
    out: list[tuple[int, int]] = []
    stack = [(root, 0)]
    while stack:
        team, depth = stack.pop()
        out.append((team, depth))
        kids = sorted(tree_children.get(team, []), key=key, reverse=True)
        stack.extend((c, depth + 1) for c in kids)
    return out


def heatmap_build(
    *,
    tenant: Tenant,
    team_id: int,
    period: dt.date | None,
    sort: str = "",
    descending: bool = False,
) -> Heatmap:
    """The team and its visible sub-teams × trust index and dimensions for one period.

    Sorting orders siblings within their parent by the chosen column (hidden cells last), so
    the tree stays readable; the default is by name.
    """
    org = tenant.org
    kind = org.reporting_period
    ids = subtree_ids(tenant=tenant, team_id=team_id)
    # One period only: the periods to pick from come from one DISTINCT query, and only the
    # chosen period's rows are built (500 rows at 500 teams, not 6,000).
    release = release_latest(org=org)
    periods = results_periods(tenant=tenant, team_ids=ids, release=release)
    chosen = period if period is not None else (periods[-1] if periods else None)
    query = ResultsQuery(team_ids=ids, periods=[] if chosen is None else [chosen])
    res = results_page(tenant=tenant, query=query, release=release, sources=False).results
    rows = {r.team_id: r for r in res.rows if r.period == chosen}
    columns = [(TRUST_KEY, TRUST_NAME)] + [(d.key, d.name) for d in res.dimensions]
    keys = {c[0] for c in columns}
    sort = sort if sort in keys or sort == "name" else ""
    cells = {t: row_cells(rows.get(t), res) for t in ids}
    names = {t.team_id: t.name for t in res.teams}
    parents = {t.team_id: t.parent_id for t in res.teams}
    idset = set(ids)
    children: dict[int, list[int]] = {}
    for t in ids[1:]:
        p = parents.get(t)
        while p is not None and p not in idset:  # a visible team under an invisible parent
            p = parents.get(p)
        children.setdefault(p if p is not None else team_id, []).append(t)
    col = [c[0] for c in columns].index(sort) if sort in keys else -1

    def order_key(t: int) -> Any:
        if col < 0:
            return (0, 0.0, names.get(t, "").casefold())
        c = cells[t][col]
        if c.suppressed or c.score is None:  # hidden cells last, whichever the direction
            return (1, 0.0, names.get(t, "").casefold())
        return (0, -c.score if descending else c.score, names.get(t, "").casefold())

    order = _tree_order(children, team_id, order_key)
    hm = Heatmap(
        k=res.k,
        team_id=team_id,
        period=chosen,
        period_label=period_label(chosen, kind) if chosen else "",
        columns=columns,
        periods=periods,
        sort=sort,
        descending=descending,
    )
    hm.rows = [
        HeatRow(
            team_id=t,
            name=names.get(t, ""),
            depth=depth,
            parent_id=parents.get(t),
            has_children=bool(children.get(t)),
            cells=cells[t],
        )
        for t, depth in order
    ]
    return hm
