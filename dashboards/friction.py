"""Reads of the dashboard's friction view: friction index and trend, quadrant points, hotspots.

Everything comes from `execution.selectors.team_period_join` (released trust results through
disclosure control, joined with execution metrics) — the same figures as execution's own
friction page; nothing here reads answers. The friction index is blank wherever the trust
index is hidden, so a hidden cell never reappears through the composite.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.urls import NoReverseMatch, reverse

from execution.selectors import Joined, team_period_join
from execution.selectors_flow import friction_hotspots, num_or_none
from orgs.models import Role
from orgs.periods import period_label, period_start
from orgs.tenancy import Tenant
from scoring.models_release import ResultRelease
from trustmath.engine import ORG_ID

TREND_PERIODS = 6
# The workshop prepare page is built in parallel (workshops app); link by path until it exists.
WORKSHOP_PATH = "/workshops/new/"


def workshop_url(team_id: int) -> str:
    """The facilitator's 'prepare a workshop' page for a team (by name once it exists)."""
    try:
        base = reverse("workshops:new")
    except NoReverseMatch:
        base = WORKSHOP_PATH
    return f"{base}?team={team_id}"


def may_prepare_workshops(tenant: Tenant) -> bool:
    return tenant.has_any_role({Role.ADMIN, Role.FACILITATOR})


@dataclass(frozen=True)
class QuadPoint:
    team_id: int
    name: str
    trust: float
    health: float
    friction: float
    hotspot: bool
    url: str


@dataclass(frozen=True)
class Hotspot:
    team_id: int
    name: str
    trust: float | None
    health: float | None
    friction: float | None
    dimensions: list[str]
    metrics: list[str]
    url: str
    workshop_url: str = ""


@dataclass
class FrictionView:
    team_id: int
    period: dt.date | None
    period_label: str
    periods: list[dt.date] = field(default_factory=list)
    has_execution: bool = False
    index: float | None = None  # friction index of the team (or mean of its teams)
    index_note: str = ""
    health: float | None = None
    trend: list[tuple[str, float | None]] = field(default_factory=list)
    points: list[QuadPoint] = field(default_factory=list)
    hidden_teams: int = 0  # teams of the period whose friction is hidden with the trust index
    hotspots: list[Hotspot] = field(default_factory=list)


def _index_of(cur: pd.DataFrame, team_id: int, col: str) -> tuple[float | None, str]:
    """The team's own figure, else the mean over its shown teams (said so in the note)."""
    own = cur.loc[cur["team"] == team_id, col].dropna()
    if not own.empty:
        return num_or_none(own.iloc[0]), ""
    shown = cur[col].dropna()
    if shown.empty:
        return None, ""
    return num_or_none(shown.mean()), f"mean of {len(shown)} team(s)"


def _dashboard_url(team_id: int) -> str:
    return f"{reverse('dashboards:overview')}?team={team_id}"


def friction_build(
    *, tenant: Tenant, team_id: int, period: dt.date | None, joined: Joined | None = None
) -> FrictionView:
    """Friction of the team and its visible sub-teams in one period, with the trend and hotspots.

    Hotspots are decided as execution's friction page decides them (below the period's median
    on both, over every team the reader may see), then narrowed to this team's sub-tree.
    """
    kind = tenant.org.reporting_period
    j = joined if joined is not None else team_period_join(tenant=tenant)
    f = j.frame
    tree = tenant.org.team_tree()
    below = set(tree.parent_of) if team_id == ORG_ID else set(tree.descendants([team_id]))
    sub = f[f["team"].isin(below | {team_id})]
    has_exec = bool(f["execution_health"].notna().any()) if not f.empty else False
    with_friction = sorted(sub.loc[sub["friction_index"].notna(), "period"].unique())
    all_periods = sorted(sub["period"].dropna().unique())
    chosen = period if period is not None else (with_friction or all_periods or [None])[-1]
    view = FrictionView(
        team_id=team_id,
        period=chosen,
        period_label=period_label(chosen, kind) if chosen else "",
        periods=all_periods,
        has_execution=has_exec,
    )
    if chosen is None or not has_exec:
        return view
    cur = sub[sub["period"] == chosen]
    view.index, view.index_note = _index_of(cur, team_id, "friction_index")
    view.health, _ = _index_of(cur, team_id, "execution_health")
    view.trend = [
        (period_label(p, kind), _index_of(sub[sub["period"] == p], team_id, "friction_index")[0])
        for p in all_periods
        if p <= chosen
    ][-TREND_PERIODS:]
    names = j.team_names
    workshops = may_prepare_workshops(tenant)
    for h in friction_hotspots(joined=j, period=chosen):
        if h.team_id not in below and h.team_id != team_id:
            continue
        view.hotspots.append(
            Hotspot(
                team_id=h.team_id,
                name=names.get(h.team_id, h.team_name),
                trust=h.trust,
                health=h.health,
                friction=h.friction,
                dimensions=h.dimensions,
                metrics=h.metrics,
                url=_dashboard_url(h.team_id),
                workshop_url=workshop_url(h.team_id) if workshops else "",
            )
        )
    spots = {h.team_id for h in view.hotspots}
    for r in cur.to_dict("records"):
        trust, health, fi = (
            num_or_none(r["trust_index"]),
            num_or_none(r["execution_health"]),
            num_or_none(r["friction_index"]),
        )
        if trust is None or health is None or fi is None:
            view.hidden_teams += int(health is not None and not bool(r["trust_shown"]))
            continue
        t = int(r["team"])
        view.points.append(
            QuadPoint(
                team_id=t,
                name=names.get(t, str(t)),
                trust=trust,
                health=health,
                friction=fi,
                hotspot=t in spots,
                url=_dashboard_url(t),
            )
        )
    view.points.sort(key=lambda p: (-p.friction, p.name.casefold()))
    return view


EXEC_COLUMNS = ["period", "period_label", "key", "measure", "value"]


def execution_trend_frame(
    *, tenant: Tenant, team_id: int, until: dt.date | None = None, joined: Joined | None = None
) -> pd.DataFrame:
    """Long frame of the team's execution health and each metric per period (no trust data:
    execution figures are not about people, so they carry no disclosure decision)."""
    kind = tenant.org.reporting_period
    j = joined if joined is not None else team_period_join(tenant=tenant)
    f = j.frame[j.frame["team"] == team_id]
    if until is not None:
        f = f[f["period"] <= until]
    measures = [("execution_health", "Execution health")] + [
        (d.code, d.name) for d in j.definitions if d.code in f.columns
    ]
    records = []
    for r in f.to_dict("records"):
        for key, name in measures:
            v = num_or_none(r.get(key))
            if v is None:
                continue
            p = r["period"]
            records.append(
                {
                    "period": p,
                    "period_label": period_label(p, kind),
                    "key": key,
                    "measure": name,
                    "value": v,
                }
            )
    return pd.DataFrame(records, columns=EXEC_COLUMNS)


def release_period_labels(*, tenant: Tenant) -> list[str]:
    """The periods in which a release of results was published (markers on the trend axes)."""
    org = tenant.org
    kind = org.reporting_period
    tz = org.tz
    stamps = ResultRelease.objects.filter(organization_id=org.pk, rows__gt=0).values_list(
        "released_at", flat=True
    )
    starts = {period_start(s.astimezone(tz).date(), kind) for s in stamps}
    return [period_label(p, kind) for p in sorted(starts)]
