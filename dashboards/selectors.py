"""Reads of the leader dashboard: overview, heatmap and trend frames from the released read models.

Every figure comes from `scoring.selectors.results_for_teams` (snapshots through disclosure
control) or the decisions selectors; nothing here reads answers. One call of the read model
per page, so each page reads in a constant number of queries whatever the number of teams.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.reasons import reason_text as core_reason_text
from decisions.selectors import decisions_at_risk
from orgs.periods import period_label, previous_period
from orgs.tenancy import Tenant
from scoring.selectors import (
    DimensionCell,
    ResultRow,
    ResultsQuery,
    TeamResults,
    TrustCell,
    reason_text,
    release_latest,
    results_for_teams,
    results_page,
    results_periods,
)
from surveys.models import Dimension
from surveys.selectors import participation_for_rounds, rounds_visible
from trustmath.engine import ORG_ID

TRUST_KEY = "trust_index"
TRUST_NAME = "Trust index"
WEAKEST = 3


@dataclass(frozen=True)
class Cell:
    """A figure as the dashboard shows it: numbers, or the reason it is hidden (never both)."""

    key: str
    name: str
    suppressed: bool
    reason: str = ""  # in words, when suppressed
    score: float | None = None
    n: int | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    band: str | None = None
    delta: float | None = None
    significant: bool = False
    empty: bool = False  # no figure at all for this cell (nobody asked)

    @property
    def bucket(self) -> str:
        """The CSS class of the cell's colour: five steps of one sequential scale."""
        if self.empty:
            return "hm-none"
        if self.suppressed or self.score is None:
            return "hm-hidden"
        return f"hm-{min(4, int(self.score // 20))}"


def cell_from(cell: TrustCell | None, *, key: str, name: str, k: int) -> Cell:
    if cell is None:
        return Cell(key=key, name=name, suppressed=True, empty=True, reason="no figure")
    if cell.suppressed:
        return Cell(key=key, name=name, suppressed=True, reason=reason_text(cell.reason, k))
    dim = cell if isinstance(cell, DimensionCell) else None
    return Cell(
        key=key,
        name=name,
        suppressed=False,
        score=cell.score,
        n=cell.n,
        ci_low=dim.ci_low if dim and dim.has_ci else None,
        ci_high=dim.ci_high if dim and dim.has_ci else None,
        band=dim.band if dim else None,
        delta=cell.delta if cell.has_trend else None,
        significant=bool(cell.significant and cell.has_trend),
    )


def row_cells(row: ResultRow | None, res: TeamResults) -> list[Cell]:
    """The trust index then each rubric dimension of one (team, period) row, in rubric order."""
    if row is None:
        return [cell_from(None, key=TRUST_KEY, name=TRUST_NAME, k=res.k)] + [
            cell_from(None, key=d.key, name=d.name, k=res.k) for d in res.dimensions
        ]
    dims = {c.key: c for c in row.dimensions}
    return [cell_from(row.trust_index, key=TRUST_KEY, name=TRUST_NAME, k=res.k)] + [
        cell_from(dims.get(d.key), key=d.key, name=d.name, k=res.k) for d in res.dimensions
    ]


def subtree_ids(*, tenant: Tenant, team_id: int) -> list[int]:
    """The team and every visible team below it (the whole org for team 0)."""
    tree = tenant.org.team_tree()
    below = set(tree.parent_of) if team_id == ORG_ID else tree.descendants([team_id])
    return [team_id, *sorted(t for t in below if t != team_id and tenant.can_see_team(t))]


def latest_period(res: TeamResults, wanted: dt.date | None) -> dt.date | None:
    """The chosen period, else the latest one with results."""
    if wanted is not None:
        return wanted
    return res.periods[-1] if res.periods else None


# --- overview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class WeakDimension:
    cell: Cell
    descriptor: str
    plays: list[dict[str, str]]


@dataclass(frozen=True)
class Change:
    team_id: int
    team_name: str
    measure: str
    before: float
    after: float
    delta: float
    significant: bool


@dataclass
class Overview:
    team_id: int
    team_name: str
    k: int
    period: dt.date | None
    period_label: str
    previous_label: str
    trust: Cell | None = None
    trend: list[tuple[str, Cell]] = field(default_factory=list)  # (period label, trust cell)
    weakest: list[WeakDimension] = field(default_factory=list)
    hidden_dimensions: int = 0
    changes: list[Change] = field(default_factory=list)
    at_risk: list[dict[str, Any]] = field(default_factory=list)
    participation: list[dict[str, Any]] = field(default_factory=list)
    periods: list[dt.date] = field(default_factory=list)
    # Sub-teams with results in the previous period but none in this one: the team's figures
    # for this period then come from fewer sub-teams (a one-off round of one sub-team
    # makes its department's "latest" period that sub-team alone).
    missing_teams: list[str] = field(default_factory=list)
    answered_teams: list[str] = field(default_factory=list)


def _rubric_meta(rubric_ids: set[int]) -> dict[tuple[int, str], Dimension]:
    """Bands and plays of the rubric versions behind the rows (one query)."""
    return {(d.rubric_id, d.key): d for d in Dimension.objects.filter(rubric_id__in=rubric_ids)}


def _descriptor(dim: Dimension | None, band: str | None) -> str:
    if dim is None:
        return ""
    for b in dim.bands or []:
        if b.get("label") == band:
            return str(b.get("descriptor", ""))
    return ""


def _changes(
    rows: list[ResultRow], period: dt.date, prev: dt.date, res: TeamResults
) -> list[Change]:
    """Each shown figure of both periods: trust index and dimensions, largest moves first."""
    by = {(r.team_id, r.period): r for r in rows}
    out: list[Change] = []
    for (team_id, p), row in by.items():
        if p != period or (team_id, prev) not in by:
            continue
        before = by[(team_id, prev)]
        pairs: list[tuple[str, TrustCell, TrustCell | None]] = [
            (TRUST_NAME, row.trust_index, before.trust_index)
        ]
        old_dims = {c.key: c for c in before.dimensions}
        pairs += [(c.name, c, old_dims.get(c.key)) for c in row.dimensions]
        for name, now, then in pairs:
            if then is None or now.suppressed or then.suppressed:
                continue
            if now.score is None or then.score is None:
                continue
            out.append(
                Change(
                    team_id=team_id,
                    team_name=row.team_name,
                    measure=name,
                    before=then.score,
                    after=now.score,
                    delta=now.score - then.score,
                    significant=bool(now.significant and now.has_trend),
                )
            )
    out.sort(key=lambda c: (not c.significant, -abs(c.delta)))
    return out


def overview_participation(
    tenant: Tenant, team_id: int, period: dt.date | None
) -> list[dict[str, Any]]:
    """Invited / answered of the period's rounds for the team (suppressed like the round page)."""
    if period is None:
        return []
    rounds = list(rounds_visible(tenant=tenant).filter(period=period).order_by("opens_at", "id"))
    found = participation_for_rounds(rounds=rounds, tenant=tenant)
    out = []
    for rnd in rounds:
        p = found[rnd.pk]
        row = (
            p.total
            if team_id == ORG_ID
            else next((r for r in p.rows if r.team_id == team_id), None)
        )
        if row is None:
            continue
        out.append(
            {
                "round": rnd,
                "open": rnd.status != "closed",
                "invited": row.invited,
                "responded": row.responded,
                "rate": row.rate,
                # The round page's words: k counts the people invited here, not who answered.
                "reason": (
                    core_reason_text(row.reason or "", k=p.k, answers="people invited")
                    if row.suppressed
                    else ""
                ),
            }
        )
    return out


def overview_build(
    *, tenant: Tenant, team_id: int, period: dt.date | None, participation: bool = True
) -> Overview:
    """The leader's landing page for one team (0 = org): trust, weakest, changes, risks.

    `participation=False` leaves out the live participation of the period's rounds (the
    cached overview adds it per request: it moves with every answer, not with releases).
    """
    org = tenant.org
    kind = org.reporting_period
    ids = subtree_ids(tenant=tenant, team_id=team_id)
    # Only what the page shows: the periods (one DISTINCT query), the sub-tree's rows of the
    # chosen and the previous period (changes), and the team's own rows (trend) — at 500
    # teams ~1,000 + 12 rows instead of all 6,000.
    release = release_latest(org=org)
    periods = results_periods(tenant=tenant, team_ids=ids, release=release)
    chosen = period if period is not None else (periods[-1] if periods else None)
    wanted = [] if chosen is None else [chosen, previous_period(chosen, kind)]
    res = results_page(
        tenant=tenant,
        query=ResultsQuery(team_ids=ids, periods=wanted),
        release=release,
        sources=False,
    ).results
    own = results_page(
        tenant=tenant, query=ResultsQuery(team_ids=[team_id]), release=release, sources=False
    ).results
    names = {t.team_id: t.name for t in res.teams}
    ov = Overview(
        team_id=team_id,
        team_name=names.get(team_id, ""),
        k=res.k,
        period=chosen,
        period_label=period_label(chosen, kind) if chosen else "",
        previous_label="",
        periods=periods,
    )
    mine = {r.period: r for r in own.rows if r.team_id == team_id}
    ov.trend = [
        (
            period_label(p, kind),
            cell_from(mine[p].trust_index, key=TRUST_KEY, name=TRUST_NAME, k=res.k),
        )
        for p in own.periods
        if p in mine and (chosen is None or p <= chosen)
    ][-6:]
    ov.at_risk = _at_risk(tenant, set(ids))
    if participation:
        ov.participation = overview_participation(tenant, team_id, chosen)
    if chosen is None:
        return ov
    prev = previous_period(chosen, kind)
    ov.previous_label = period_label(prev, kind)
    row = mine.get(chosen)
    if row is not None:
        ov.trust = cell_from(row.trust_index, key=TRUST_KEY, name=TRUST_NAME, k=res.k)
        meta = _rubric_meta({row.rubric_id})
        cells = [c for c in row_cells(row, own)[1:] if not c.empty]
        shown = sorted((c for c in cells if not c.suppressed), key=lambda c: c.score or 0.0)
        ov.hidden_dimensions = sum(1 for c in cells if c.suppressed)
        for c in shown[:WEAKEST]:
            dim = meta.get((row.rubric_id, c.key))
            ov.weakest.append(
                WeakDimension(
                    cell=c,
                    descriptor=_descriptor(dim, c.band),
                    plays=list(dim.plays) if dim is not None else [],
                )
            )
    ov.changes = _changes([r for r in res.rows if r.period in (chosen, prev)], chosen, prev, res)[
        :8
    ]
    ov.answered_teams, ov.missing_teams = _coverage(res, team_id, chosen, prev)
    return ov


def _coverage(
    res: Any, team_id: int, chosen: dt.date, prev: dt.date
) -> tuple[list[str], list[str]]:
    """(sub-teams with results in ``chosen``, sub-teams with results in ``prev`` but not in
    ``chosen``), direct children of the team only; ([], []) when nothing is missing or the
    team itself has no results in ``chosen`` (the page says so already). Which teams have a
    row is on the results page already (hidden cells included)."""
    if not any(r.team_id == team_id and r.period == chosen for r in res.rows):
        return [], []
    kids = {
        t.team_id: t.name
        for t in res.teams
        if t.team_id != team_id and (t.parent_id or ORG_ID) == team_id
    }

    def with_rows(p: dt.date) -> set[int]:
        return {r.team_id for r in res.rows if r.period == p and r.team_id in kids}

    now, before = with_rows(chosen), with_rows(prev)
    missing = before - now
    if not missing:
        return [], []
    return sorted(kids[t] for t in now), sorted(kids[t] for t in missing)


def _at_risk(tenant: Tenant, team_ids: set[int]) -> list[dict[str, Any]]:
    """Decisions at risk that affect the team or its sub-teams (all of them for the org)."""
    ranked = decisions_at_risk(tenant=tenant, limit=50)
    if ORG_ID in team_ids:
        return ranked[:5]
    out = [r for r in ranked if {t.pk for t in r["decision"].affected_teams.all()} & team_ids]
    return out[:5]


# --- trends ------------------------------------------------------------------------------------

TREND_COLUMNS = [
    "period",
    "period_label",
    "key",
    "measure",
    "score",
    "ci_low",
    "ci_high",
    "n",
    "shown",
    "reason",
]


def trends_frame(*, tenant: Tenant, team_id: int, until: dt.date | None = None) -> pd.DataFrame:
    """Long frame of the team's trust index and dimensions per period (hidden cells: no numbers)."""
    kind = tenant.org.reporting_period
    res = results_for_teams(tenant=tenant, team_ids=[team_id])
    records = []
    for row in res.rows:
        if row.team_id != team_id or (until is not None and row.period > until):
            continue
        for c in row_cells(row, res):
            if c.empty:
                continue
            records.append(
                {
                    "period": row.period,
                    "period_label": period_label(row.period, kind),
                    "key": c.key,
                    "measure": c.name,
                    "score": c.score,
                    "ci_low": c.ci_low,
                    "ci_high": c.ci_high,
                    "n": c.n,
                    "shown": not c.suppressed,
                    "reason": c.reason,
                }
            )
    return pd.DataFrame(records, columns=TREND_COLUMNS)
