"""Reads of the scoring app: k-anonymous results from snapshots, the one path every reader uses.

Every result leaves through `results_for_teams`, which builds the one typed read model the
results page and API both render. It (1) reads snapshots and people counts only, never
answers — seven queries whatever the number of teams or periods (snapshots, dimensions, the
people counts k is tested on, the rounds that asked each dimension), plus one per registered
result source;
(2) decides what may be released through `scoring.disclosure` (the one disclosure module:
each dimension and the trust index suppressed on the org's *whole* team tree with their own
counts, a dimension hidden with its trust index, a trust index hidden when one of its
dimensions is, and a trend hidden when its previous cell is); (3) only then keeps the teams
the tenant may see. Suppressed cells carry no numbers at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.reasons import PULSE_ANSWERS
from core.reasons import REASON_TEXT as CORE_REASON_TEXT
from core.reasons import reason_text as core_reason_text
from core.registry import ResultSource, SourceCell, result_sources
from orgs.models import Organization
from orgs.periods import previous_period
from orgs.tenancy import Tenant
from scoring.disclosure import results_disclosure
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from surveys.models import Dimension
from trustmath.engine import ORG_ID
from trustmath.suppression import REASON_CODES

TRUST_FIELDS = [
    "n",
    "score",
    "prev_score",
    "delta",
    "p_value",
    "significant",
    "has_trend",
    "comparable",
    "p_adjusted",
]
TRUST_CELL_FIELDS = [*TRUST_FIELDS, "band"]  # the index's band (dimensions have their own)
DIM_FIELDS = [
    *TRUST_FIELDS,
    "sd",
    "ci_low",
    "ci_high",
    "has_ci",
    "answers",
    "favourable_pct",
    "favourable_low",
    "favourable_high",
    "band",
    "shared_items",
    "favourable_n_eff",
]
# The API's legend of reason codes, worded once in core.reasons ("k" left as the letter).
REASON_TEXT = {
    code: CORE_REASON_TEXT[code].format(k="k", answers=PULSE_ANSWERS)
    for code in REASON_CODES
    if code
}


@dataclass(frozen=True)
class TrustCell:
    """A trust index cell; a suppressed one carries only its reason code, no numbers."""

    suppressed: bool
    reason: str | None = None
    n: int | None = None
    score: float | None = None
    prev_score: float | None = None
    delta: float | None = None
    p_value: float | None = None
    significant: bool = False
    has_trend: bool = False
    comparable: bool = False  # the trend compares items both periods asked (trustmath.trends)
    p_adjusted: float | None = None  # Benjamini–Hochberg across the period's trend tests
    band: str | None = None


@dataclass(frozen=True)
class DimensionCell(TrustCell):
    """A dimension cell: the trust index fields plus spread, interval, favourable % and band."""

    key: str = ""
    name: str = ""
    sd: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    has_ci: bool = False
    answers: int | None = None
    favourable_pct: float | None = None
    favourable_low: float | None = None
    favourable_high: float | None = None
    band: str | None = None
    shared_items: int | None = None  # items the trend rests on
    favourable_n_eff: float | None = None  # respondent-clustered effective answers


@dataclass(frozen=True)
class ResultTeam:
    team_id: int  # 0 = whole organization
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class DimensionMeta:
    key: str
    name: str


@dataclass(frozen=True)
class ResultRow:
    """One (team, period): the trust index, each dimension, and each registered source's cell."""

    team_id: int
    team_name: str
    period: dt.date
    rubric_id: int
    trust_index: TrustCell
    dimensions: list[DimensionCell]
    sources: dict[str, SourceCell | None]  # by ResultSource.field


@dataclass(frozen=True)
class TeamResults:
    """What a tenant may see: teams, periods, and per (team, period) trust + dimension cells."""

    k: int
    teams: list[ResultTeam]  # every team the tenant may see, org first, then by name
    periods: list[dt.date]
    dimensions: list[DimensionMeta]  # in rubric order
    rows: list[ResultRow] = field(default_factory=list)
    sources: list[ResultSource] = field(default_factory=list)  # registered, for their labels


def reason_text(code: str | None, k: int) -> str:
    """A suppression reason code in words for people (core.reasons)."""
    return core_reason_text(code or "", k=k)


def _clean(value: Any) -> Any:
    """NaN/<NA> → None, numpy scalars → Python, so nothing unshowable leaves this module."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if hasattr(value, "item") else value


def _values(row: Any, fields: list[str]) -> dict[str, Any]:
    """The cell's fields of one frame row: reason only when suppressed, numbers only when not."""
    if row["suppressed"]:
        return {"suppressed": True, "reason": row["reason"]}
    return {"suppressed": False, **{f: _clean(row[f]) for f in fields}}


def _hide_unsupported_trends(cells: pd.DataFrame, keys: list[str], kind: str) -> pd.DataFrame:
    """Drop the trend of a cell whose previous-period cell is hidden or not at hand.

    prev_score and delta would otherwise hand out the very number suppression hid.
    """
    prev_of = {p: previous_period(p, kind) for p in cells["period"].unique()}
    shown = cells.loc[~cells["suppressed"], [*keys, "period"]].assign(prev_ok=True)
    out = cells.assign(prev_period=cells["period"].map(prev_of)).merge(
        shown.rename(columns={"period": "prev_period"}), on=[*keys, "prev_period"], how="left"
    )
    ok = out["prev_ok"].fillna(False).astype(bool)
    for col in ["prev_score", "delta", "p_value", "p_adjusted"]:
        out[col] = out[col].where(ok, None)
    out["significant"] = out["significant"].astype(bool) & ok
    out["has_trend"] = out["has_trend"].astype(bool) & ok
    return out.drop(columns=["prev_period", "prev_ok"])


def _tree(org: Organization) -> tuple[dict[int, int | None], dict[int, str]]:
    """The org's team tree with the whole organization (0) as its root, and team names."""
    tree = org.team_tree()
    parent_of: dict[int, int | None] = {t: (p or ORG_ID) for t, p in tree.parent_of.items()}
    parent_of[ORG_ID] = None  # the root, as suppress_tree expects
    names = dict(tree.names)
    names[ORG_ID] = f"{org.name} (whole organization)"
    return parent_of, names


def results_teams(*, tenant: Tenant) -> list[ResultTeam]:
    """Every team whose results `tenant` may see (0 = whole org first, then by name)."""
    parent_of, names = _tree(tenant.org)
    visible = tenant.visible_team_ids()
    allowed = set(names) if visible is None else {t for t in visible if t in parent_of}
    return [
        ResultTeam(team_id=t, name=names[t], parent_id=None if t == ORG_ID else parent_of[t])
        for t in sorted(allowed, key=lambda t: (t != ORG_ID, names[t].lower()))
    ]


def results_for_teams(
    *,
    tenant: Tenant,
    team_ids: Iterable[int] | None = None,
    periods: Iterable[dt.date] | None = None,
) -> TeamResults:
    """k-anonymous results of the teams (0 = whole org) `tenant` may see, from snapshots.

    `teams` lists every team the tenant may see (for pickers); `rows` only those of
    `team_ids` (silently dropping ones the tenant may not see) when given;
    `periods` narrows to those periods (default: every period with snapshots). Each row also
    carries the cell of every registered result source (`core.registry.result_sources`).
    """
    org = tenant.org
    k = org.k
    _, names = _tree(org)
    teams_out = results_teams(tenant=tenant)
    allowed = {t.team_id for t in teams_out}
    if team_ids is not None:
        allowed &= {int(t) for t in team_ids}

    wanted = None if periods is None else sorted(set(periods))
    trust_qs = TrustIndexSnapshot.objects.filter(organization_id=org.id)
    dim_qs = DimensionSnapshot.objects.filter(organization_id=org.id)
    if wanted is not None:
        # The period before each one too: a trend may only be shown if that cell was visible.
        load = set(wanted) | {previous_period(p, org.reporting_period) for p in wanted}
        trust_qs, dim_qs = trust_qs.filter(period__in=load), dim_qs.filter(period__in=load)
    # Whole tree on purpose: complementary suppression must see the teams the reader can't.
    trust = pd.DataFrame(
        list(
            trust_qs.values(
                "team_key", "n_own", "rubric_id", "period", "dimensions", *TRUST_CELL_FIELDS
            )
        )
    )
    dims = pd.DataFrame(
        list(
            dim_qs.values("team_key", "n_own", "rubric_id", "period", "dimension_key", *DIM_FIELDS)
        )
    )
    sources = list(result_sources)
    if trust.empty:
        return TeamResults(k=k, teams=teams_out, periods=[], dimensions=[], sources=sources)

    trust = trust.rename(columns={"team_key": "team_id"})
    dims = dims.rename(columns={"team_key": "team_id"}) if not dims.empty else dims
    trust, dims = results_disclosure(org=org, trust=trust, dims=dims)
    dim_meta: list[DimensionMeta] = []
    if not dims.empty:
        seen = list(
            Dimension.objects.filter(rubric_id__in=set(dims["rubric_id"].tolist()))
            .order_by("rubric_id", "position", "id")
            .values_list("key", "name")
        )
        dim_meta = list({key: DimensionMeta(key=key, name=name) for key, name in seen}.values())

    kind = org.reporting_period
    trust = _hide_unsupported_trends(trust, ["team_id", "rubric_id"], kind)
    trust = trust[trust["team_id"].isin(allowed)]
    if not dims.empty:
        dims = _hide_unsupported_trends(dims, ["team_id", "rubric_id", "dimension_key"], kind)
        dims = dims[dims["team_id"].isin(allowed)]
    if wanted is not None:
        trust = trust[trust["period"].isin(wanted)]
        dims = dims[dims["period"].isin(wanted)] if not dims.empty else dims
    order = {d.key: i for i, d in enumerate(dim_meta)}
    dim_names = {d.key: d.name for d in dim_meta}
    by_cell: dict[tuple[int, dt.date, int], list[DimensionCell]] = {}
    for _, row in dims.iterrows():  # result cells of the visible teams, not answers
        key = str(row["dimension_key"])
        cell = DimensionCell(key=key, name=dim_names.get(key, ""), **_values(row, DIM_FIELDS))
        by_cell.setdefault((int(row["team_id"]), row["period"], int(row["rubric_id"])), []).append(
            cell
        )
    keys = [
        (int(row["team_id"]), row["period"], int(row["rubric_id"]))
        for _, row in trust.sort_values(["team_id", "period"]).iterrows()
    ]
    trust_cells = [
        TrustCell(**_values(row, TRUST_CELL_FIELDS))
        for _, row in trust.sort_values(["team_id", "period"]).iterrows()
    ]
    # Other apps' labelled sources for the same (team, period) cells: one call each.
    found = {s.field: s.cells(org, [(t, p) for t, p, _ in keys]) for s in sources}
    rows = [
        ResultRow(
            team_id=team_id,
            team_name=names[team_id],
            period=period,
            rubric_id=rubric_id,
            trust_index=cell,
            dimensions=sorted(
                by_cell.get((team_id, period, rubric_id), []), key=lambda c: order.get(c.key, 99)
            ),
            sources={f: cells.get((team_id, period)) for f, cells in found.items()},
        )
        for (team_id, period, rubric_id), cell in zip(keys, trust_cells, strict=True)
    ]
    periods_out = sorted({r.period for r in rows})
    return TeamResults(
        k=k,
        teams=teams_out,
        periods=periods_out,
        dimensions=dim_meta,
        rows=rows,
        sources=sources,
    )


def results_default_team(*, tenant: Tenant, teams: list[ResultTeam]) -> int | None:
    """The team the results page opens on: the viewer's own, not the alphabetically first.

    An admin sees the whole organization; a leader (else a facilitator) the highest team
    they lead (a department before its teams, then by name); an employee allowed to see
    results their own team. None when the viewer may see no team.
    """
    shown = {t.team_id for t in teams}
    if not shown:
        return None
    if tenant.is_admin and ORG_ID in shown:
        return ORG_ID
    tree = tenant.org.team_tree()
    for mine in (tenant.led_team_ids, tenant.facilitated_team_ids):
        candidates = [t for t in mine if t in shown]
        if candidates:
            return min(candidates, key=lambda t: (tree.depth(t), tree.names[t].casefold()))
    if tenant.own_team_id in shown:
        return tenant.own_team_id
    return teams[0].team_id
