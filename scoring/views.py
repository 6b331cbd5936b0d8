"""The plain results page: one team's dimensions × recent periods, k-anonymous, no JavaScript."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied

from core.errors import NotFound
from core.registry import SourceCell
from orgs.periods import period_label, recent_periods
from orgs.query import periods_parse, team_ids_parse
from scoring.api import results_tenant
from scoring.selectors import (
    DimensionCell,
    ResultTeam,
    TeamResults,
    TrustCell,
    reason_text,
    results_default_team,
    results_for_teams,
    results_teams,
)

RECENT = 6  # periods shown side by side


@dataclass(frozen=True)
class PageCell:
    """One table cell as the page shows it: empty, a suppression reason, or the numbers."""

    empty: bool = False
    suppressed: bool = False
    text: str = ""
    score: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    has_ci: bool = False
    n: int | None = None
    band: str | None = None
    badge: str = ""
    arrow: str = ""
    delta: float | None = None


@dataclass(frozen=True)
class PageRow:
    name: str
    cells: list[PageCell]


def _badge(score: float) -> str:
    """Colour of a band badge by score: honest traffic lights on the 0–100 scale."""
    return "bad" if score < 40 else "warn" if score < 60 else "good"


def _pulse_cell(cell: TrustCell | None, k: int) -> PageCell:
    if cell is None:
        return PageCell(empty=True)
    if cell.suppressed:
        return PageCell(suppressed=True, text=reason_text(cell.reason, k))
    score = cell.score if cell.score is not None else 0.0
    arrow = ""
    if cell.significant and cell.delta is not None:
        arrow = "▲" if cell.delta > 0 else "▼"
    dim = cell if isinstance(cell, DimensionCell) else None
    return PageCell(
        score=cell.score,
        ci_low=dim.ci_low if dim else None,
        ci_high=dim.ci_high if dim else None,
        has_ci=dim.has_ci if dim else False,
        n=cell.n,
        band=dim.band if dim else None,
        badge=_badge(score),
        arrow=arrow,
        delta=cell.delta,
    )


def _source_cell(cell: SourceCell | None) -> PageCell:
    if cell is None:
        return PageCell(empty=True)
    if cell.suppressed:
        return PageCell(suppressed=True, text=cell.reason)
    return PageCell(
        score=cell.score,
        ci_low=cell.ci_low,
        ci_high=cell.ci_high,
        has_ci=cell.ci_low is not None,
        n=cell.n,
    )


def _table(res: TeamResults) -> tuple[list[dt.date], PageRow, list[PageRow]]:
    """The recent periods, the trust index row and one row per dimension (and source)."""
    periods = res.periods[-RECENT:]
    by_period = {r.period: r for r in res.rows if r.period in periods}
    trust = PageRow("Trust index", [_pulse_cell(by_period[p].trust_index, res.k) for p in periods])
    rows = []
    for d in res.dimensions:
        cells = [{c.key: c for c in by_period[p].dimensions}.get(d.key) for p in periods]
        rows.append(PageRow(d.name, [_pulse_cell(c, res.k) for c in cells]))
        # A source is a separate, labelled row under its dimension: never averaged into it.
        for source in res.sources:
            if source.dimension == d.key:
                found = [by_period[p].sources.get(source.field) for p in periods]
                rows.append(PageRow(source.row_label, [_source_cell(c) for c in found]))
    return periods, trust, rows


def _team_options(teams: list[ResultTeam], chosen: int | None) -> SafeString:
    """The team picker's `<option>`s as one escaped string: 500 teams through the template
    loop took ~40 ms of a page that otherwise shows one team."""
    return mark_safe(  # every name is escaped
        "".join(
            f'<option value="{t.team_id}"{" selected" if t.team_id == chosen else ""}>'
            f"{escape(t.name)}</option>"
            for t in teams
        )
    )


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Pick a visible team; see its trust index and each dimension over recent periods."""
    try:
        tenant = results_tenant(request)
    except ApiPermissionDenied as exc:  # DRF's → Django's, for a plain 403 page
        raise PermissionDenied(str(exc)) from exc
    kind = tenant.org.reporting_period
    # The API's parsers, so a bad value is the same 400 (a styled page with the message).
    teams = team_ids_parse([v for v in request.GET.getlist("team") if v != ""])
    team_id = teams[0] if teams else None
    chosen = periods_parse([v for v in request.GET.getlist("period") if v != ""], kind=kind)
    # A period shows the recent periods up to it; none, the most recent ones.
    periods = recent_periods(chosen[-1], kind, RECENT) if chosen else None
    if team_id is None:
        team_id = results_default_team(tenant=tenant, teams=results_teams(tenant=tenant))
    res = results_for_teams(
        tenant=tenant, team_ids=[] if team_id is None else [team_id], periods=periods
    )
    if team_id is not None and not any(t.team_id == team_id for t in res.teams):
        raise NotFound("unknown team")
    shown, trust_row, dim_rows = _table(res)
    return render(
        request,
        "scoring/results.html",
        {
            "teams": res.teams,
            "team_options": _team_options(res.teams, team_id),
            "team_id": team_id,
            "team_name": next((t.name for t in res.teams if t.team_id == team_id), ""),
            "periods": [period_label(p, kind) for p in shown],
            "period": period_label(chosen[-1], kind) if chosen else "",
            "trust_row": trust_row,
            "dim_rows": dim_rows,
            "sources": res.sources,
            # Only links the reader can follow: a source's page may need another role.
            "source_links": [s for s in res.sources if s.links_for(tenant.roles)],
            "k": res.k,
        },
    )
