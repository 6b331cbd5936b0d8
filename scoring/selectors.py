"""Reads of the scoring app: k-anonymous results from snapshots, the one path every reader uses.

Every result leaves through `results_for_teams`, which (1) reads snapshots only, never
answers — four queries whatever the number of teams or periods; (2) runs the shared
`trustmath.suppression.suppress_tree` on the org's *whole* team tree per (period, rubric)
on the trust index respondent counts, and again per (period, rubric, dimension) on each
dimension's counts (a dimension skipped by some respondents has its own n, which could
otherwise be subtracted); a dimension cell is hidden when either says so; (3) only then
keeps the teams the tenant may see. Suppressed cells carry no numbers at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction

from orgs.models import Team
from orgs.periods import previous_period
from orgs.tenancy import Tenant
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from surveys.models import Dimension
from trustmath.engine import ORG_ID
from trustmath.suppression import SuppressionInputError, suppress_tree

TRUST_FIELDS = ["n", "score", "prev_score", "delta", "p_value", "significant", "has_trend"]
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
]
REASON_TEXT = {
    "fewer_than_k": "fewer than k responses",
    "complementary": "hidden to protect a smaller group",
    "no_responses": "no responses",
    "stale": "being recomputed after a change to the team tree",
}

logger = logging.getLogger(__name__)


@dataclass
class TeamResults:
    """What a tenant may see: teams, periods, and per (team, period) trust + dimension cells."""

    k: int
    teams: list[dict[str, Any]]  # visible teams: {"team_id", "name", "parent_id"}
    periods: list[dt.date]
    dimensions: list[dict[str, Any]]  # {"key", "name"} in rubric order
    rows: list[dict[str, Any]] = field(default_factory=list)


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


def _cell(row: Any, fields: list[str]) -> dict[str, Any]:
    if row["suppressed"]:
        return {"suppressed": True, "reason": row["reason"]}
    out = {"suppressed": False}
    out.update({f: _clean(row[f]) for f in fields})
    return out


def _suppress(
    cells: pd.DataFrame, k: int, parent_of: dict[int, int | None], by: tuple[str, ...], org_id: int
) -> pd.DataFrame:
    """suppress_tree, failing closed: snapshots that no longer fit the team tree (a team
    moved or was deleted since the last recompute) hide everything until recomputed."""
    try:
        return suppress_tree(cells, k=k, parent_of=parent_of, by=by)
    except SuppressionInputError:
        logger.warning("snapshots of org %s do not fit its team tree; recomputing", org_id)
        from scoring.tasks import recompute_org_snapshots

        transaction.on_commit(lambda: recompute_org_snapshots.delay(org_id))
        return cells.assign(suppressed=True, reason="stale")


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
    for col in ["prev_score", "delta", "p_value"]:
        out[col] = out[col].where(ok, None)
    out["significant"] = out["significant"].astype(bool) & ok
    out["has_trend"] = out["has_trend"].astype(bool) & ok
    return out.drop(columns=["prev_period", "prev_ok"])


def results_for_teams(
    *,
    tenant: Tenant,
    team_ids: Iterable[int] | None = None,
    periods: Iterable[dt.date] | None = None,
) -> TeamResults:
    """k-anonymous results of the teams (0 = whole org) `tenant` may see, from snapshots.

    `teams` lists every team the tenant may see (for pickers); `rows` only those of
    `team_ids` (silently dropping ones the tenant may not see) when given;
    `periods` narrows to those periods (default: every period with snapshots).
    """
    org = tenant.org
    k = max(int(org.anonymity_k), 3)
    tree = list(Team.objects.filter(organization_id=org.id).values_list("id", "parent_id", "name"))
    parent_of: dict[int, int | None] = {tid: (parent or ORG_ID) for tid, parent, _ in tree}
    parent_of[ORG_ID] = None  # the root, as suppress_tree expects
    names = {tid: name for tid, _, name in tree}
    names[ORG_ID] = f"{org.name} (whole organization)"
    visible = tenant.visible_team_ids()
    allowed = set(names) if visible is None else {t for t in visible if t in parent_of}
    visible_all = set(allowed)
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
            trust_qs.values("team_key", "n_own", "rubric_id", "period", "dimensions", *TRUST_FIELDS)
        )
    )
    dims = pd.DataFrame(
        list(
            dim_qs.values("team_key", "n_own", "rubric_id", "period", "dimension_key", *DIM_FIELDS)
        )
    )
    teams_out = [
        {"team_id": t, "name": names[t], "parent_id": None if t == ORG_ID else parent_of[t]}
        for t in sorted(visible_all, key=lambda t: (t != ORG_ID, names[t].lower()))
    ]
    if trust.empty:
        return TeamResults(k=k, teams=teams_out, periods=[], dimensions=[])

    trust = trust.rename(columns={"team_key": "team_id"})
    trust = _suppress(trust, k, parent_of, ("period", "rubric_id"), org.id)
    dim_meta: list[dict[str, Any]] = []
    if not dims.empty:
        dims = dims.rename(columns={"team_key": "team_id"})
        dims = _suppress(dims, k, parent_of, ("period", "rubric_id", "dimension_key"), org.id)
        hidden = trust[["team_id", "period", "rubric_id", "suppressed", "reason"]].rename(
            columns={"suppressed": "t_sup", "reason": "t_reason"}
        )
        dims = dims.merge(hidden, on=["team_id", "period", "rubric_id"], how="left")
        t_sup = dims["t_sup"].fillna(True).astype(bool)
        dims["reason"] = dims["reason"].where(~t_sup, dims["t_reason"].fillna("fewer_than_k"))
        dims["suppressed"] = dims["suppressed"] | t_sup
        seen = list(
            Dimension.objects.filter(rubric_id__in=set(dims["rubric_id"].tolist()))
            .order_by("rubric_id", "position", "id")
            .values_list("key", "name")
        )
        dim_meta = list({key: {"key": key, "name": name} for key, name in seen}.values())

    kind = org.reporting_period
    trust = _hide_unsupported_trends(trust, ["team_id", "rubric_id"], kind)
    trust = trust[trust["team_id"].isin(allowed)]
    if not dims.empty:
        dims = _hide_unsupported_trends(dims, ["team_id", "rubric_id", "dimension_key"], kind)
        dims = dims[dims["team_id"].isin(allowed)]
    if wanted is not None:
        trust = trust[trust["period"].isin(wanted)]
        dims = dims[dims["period"].isin(wanted)] if not dims.empty else dims
    order = {d["key"]: i for i, d in enumerate(dim_meta)}
    dim_names = {d["key"]: d["name"] for d in dim_meta}
    by_cell: dict[tuple[int, dt.date, int], list[dict[str, Any]]] = {}
    for _, row in dims.iterrows():  # result cells of the visible teams, not answers
        cell = {"key": row["dimension_key"], "name": dim_names.get(row["dimension_key"], "")}
        cell.update(_cell(row, DIM_FIELDS))
        by_cell.setdefault((int(row["team_id"]), row["period"], int(row["rubric_id"])), []).append(
            cell
        )
    rows = []
    for _, row in trust.sort_values(["team_id", "period"]).iterrows():
        key = (int(row["team_id"]), row["period"], int(row["rubric_id"]))
        cells = sorted(by_cell.get(key, []), key=lambda c: order.get(c["key"], 99))
        rows.append(
            {
                "team_id": key[0],
                "team_name": names[key[0]],
                "period": key[1],
                "rubric_id": key[2],
                "trust_index": _cell(row, TRUST_FIELDS),
                "dimensions": cells,
            }
        )
    periods_out = sorted({r["period"] for r in rows})
    return TeamResults(k=k, teams=teams_out, periods=periods_out, dimensions=dim_meta, rows=rows)
