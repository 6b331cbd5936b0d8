"""Reads of execution for leaders and admins: metrics per team × period and the trust join.

Execution metrics are team aggregates of work items (not people's answers), so they need no
k; the trust side comes only from the latest results release (`trust_frame`), which has already
decided disclosure on the org's whole tree. A composite that involves trust (the friction
index) is released only where the trust index itself is shown. Execution health involves no
trust and is shown wherever its metrics are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.core.cache import caches

from decisions.models import DecisionStabilitySnapshot
from execution import maths
from execution.metric_defaults import DEFAULT_METRICS
from execution.models import MetricDefinition, Observation, ObservationSource
from orgs.models import Role
from orgs.tenancy import Tenant, scoped
from scoring.read_model import ResultsQuery
from scoring.selectors import release_latest, results_page

# An explicit value (a file or the API) wins over the one derived from work items.
SOURCE_RANK = {
    ObservationSource.UPLOAD: 0,
    ObservationSource.API: 1,
    ObservationSource.DERIVED: 2,
    "decisions": 3,
}
READS_CACHE = "reads"  # shared by web and worker processes (settings CACHES)
TRUST_FRAME_VERSION = "1"  # bump when the cached frame changes shape
TRUST_FRAME_SECONDS = 7 * 24 * 3600  # a bound only: the key names the release
DECISION_FIGURES = ["stability_pct", "action_pct", "wait_pct", "circling_pct", "lag_median_days"]


@dataclass(frozen=True)
class MetricCell:
    value: float | None
    n: int | None = None
    source: str = ""


@dataclass(frozen=True)
class MetricRow:
    definition: MetricDefinition
    cells: list[MetricCell]


@dataclass(frozen=True)
class Joined:
    """One row per visible team × period: trust (as released), metrics, health, friction."""

    frame: pd.DataFrame
    dimensions: list[tuple[str, str]]  # (key, name) in rubric order
    definitions: list[MetricDefinition]
    team_names: dict[int, str] = field(default_factory=dict)
    metrics_long: pd.DataFrame = field(default_factory=pd.DataFrame)  # team, period, metric, value


def metric_definitions(*, organization: Any) -> list[MetricDefinition]:
    """The org's definitions in order; a code the org lacks shows its default (unsaved)."""
    saved = {d.code: d for d in scoped(MetricDefinition, organization)}
    out = []
    for i, m in enumerate(DEFAULT_METRICS):
        out.append(
            saved.pop(m.code)
            if m.code in saved
            else MetricDefinition(
                organization=organization,
                code=m.code,
                name=m.name,
                unit=m.unit,
                direction=m.direction,
                target=m.target,
                floor=m.floor,
                definition=m.definition,
                position=i,
            )
        )
    return out + sorted(saved.values(), key=lambda d: (d.position, d.code))


def visible_teams(*, tenant: Tenant) -> list[tuple[int, str]]:
    """(team id, name) of the active teams the tenant may read, by name."""
    tree = tenant.org.team_tree()
    visible = tenant.visible_team_ids()
    return sorted(
        ((t, n) for t, n in tree.names.items() if visible is None or t in visible),
        key=lambda x: x[1].casefold(),
    )


def decisions_frame(*, organization: Any, team_ids: list[int] | None) -> pd.DataFrame:
    """The decision check-in figures per team × period, as released (blank when suppressed:
    they come from anonymous answers and the decisions app decided their disclosure).
    `team_ids=None`: every team of the org (no 500-id IN list for an admin)."""
    qs = DecisionStabilitySnapshot.objects.filter(organization=organization)
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    rows = qs.values("team_id", "period", "suppressed", *DECISION_FIGURES, "lag_decisions")
    frame = pd.DataFrame(
        list(rows), columns=["team_id", "period", "suppressed", *DECISION_FIGURES, "lag_decisions"]
    ).rename(columns={"team_id": "team"})
    hidden = frame["suppressed"].astype(bool)
    for col in [*DECISION_FIGURES, "lag_decisions"]:
        frame[col] = pd.to_numeric(frame[col], errors="coerce").where(~hidden)
    return frame.drop(columns="suppressed")


def observations_frame(
    *, organization: Any, team_ids: list[int] | None, decisions: pd.DataFrame | None = None
) -> pd.DataFrame:
    """team, period, metric, value, n, source — one per cell (the best-ranked source).

    Decision-to-action lag comes from the decision register (source "decisions") unless a
    file or the API gave a value for that cell. `decisions`: `decisions_frame` of the same
    teams when the caller has it already. `team_ids=None`: every team of the org.
    """
    qs = scoped(Observation, organization)
    if team_ids is not None:
        qs = qs.filter(team_id__in=team_ids)
    cols = ["team_id", "period", "metric", "value", "n", "source"]
    frame = pd.DataFrame(list(qs.values(*cols)), columns=cols).rename(columns={"team_id": "team"})
    dec = (
        decisions
        if decisions is not None
        else decisions_frame(organization=organization, team_ids=team_ids)
    )
    lag = dec.dropna(subset=["lag_median_days"])
    if not lag.empty:
        frame = pd.concat(
            [
                frame,
                pd.DataFrame(
                    {
                        "team": lag["team"],
                        "period": lag["period"],
                        "metric": "decision_lag_days",
                        "value": lag["lag_median_days"].astype(float),
                        "n": lag["lag_decisions"],
                        "source": "decisions",
                    }
                ),
            ],
            ignore_index=True,
        )
    if frame.empty:
        return frame
    frame["rank"] = frame["source"].map(SOURCE_RANK).fillna(9)
    frame = frame.sort_values("rank").drop_duplicates(["team", "period", "metric"], keep="first")
    return frame.drop(columns="rank").sort_values(["team", "period", "metric"])


def team_metrics_table(
    *, tenant: Tenant, team_id: int, periods: int = 6
) -> tuple[list[dt.date], list[MetricRow]]:
    """The recent periods with data and each metric's value per period for one team."""
    defs = metric_definitions(organization=tenant.org)
    obs = observations_frame(organization=tenant.org, team_ids=[team_id])
    if obs.empty:
        return [], [MetricRow(d, []) for d in defs]
    shown = sorted(obs["period"].unique())[-periods:]
    by = {(r.metric, r.period): r for r in obs.itertuples(index=False)}
    rows = []
    for d in defs:
        cells = []
        for p in shown:
            r = by.get((d.code, p))
            cells.append(
                MetricCell(None)
                if r is None
                else MetricCell(float(r.value), None if pd.isna(r.n) else int(r.n), str(r.source))
            )
        rows.append(MetricRow(d, cells))
    return list(shown), rows


def definitions_frame(defs: list[MetricDefinition]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"metric": d.code, "floor": d.floor, "target": d.target, "direction": d.direction}
            for d in defs
        ],
        columns=["metric", "floor", "target", "direction"],
    )


def trust_frame(*, org: Any) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Released trust index and dimension scores of every team × period of the org (blank where
    hidden, with the reason), and the dimensions (key, name) in rubric order.

    Kept per release in the shared `reads` cache: the release decided disclosure on the whole
    tree when it was published, so every reader's join is this one frame narrowed to their
    teams (never decided again on their subset). The first read after a release builds it once
    for everyone (the release's warm-up task usually has); a reader's cold overview then
    costs only their own rows.
    """
    release = release_latest(org=org)
    columns = ["team", "period", "trust_shown", "trust_index", "trust_reason"]
    if release is None:
        return pd.DataFrame(columns=columns), []
    key = f"exec:trust:v{TRUST_FRAME_VERSION}:{org.pk}:{release.stamp}:{org.k}"
    cache = caches[READS_CACHE]
    found = cache.get(key)
    if found is not None:
        return found
    everyone = Tenant(org=org, user_id=0, roles=frozenset({Role.ADMIN}))
    res = results_page(tenant=everyone, query=ResultsQuery(), release=release, sources=False)
    dims = [(d.key, d.name) for d in res.results.dimensions]
    trust_rows = []
    for r in res.results.rows:
        row: dict[str, Any] = {
            "team": r.team_id,
            "period": r.period,
            "trust_shown": not r.trust_index.suppressed,
            "trust_index": None if r.trust_index.suppressed else r.trust_index.score,
            "trust_reason": r.trust_index.reason or "",
        }
        for c in r.dimensions:
            row[c.key] = None if c.suppressed else c.score
        trust_rows.append(row)
    trust = pd.DataFrame(trust_rows, columns=columns + [k for k, _ in dims])
    cache.set(key, (trust, dims), TRUST_FRAME_SECONDS)
    return trust, dims


def team_period_join(*, tenant: Tenant) -> Joined:
    """Trust (as released), dimensions, each metric, execution health and friction per team ×
    period, for the teams the tenant may see. The friction index is blank where the trust
    index is hidden (a composite is shown only when its parts are)."""
    org = tenant.org
    teams = dict(visible_teams(tenant=tenant))
    defs = metric_definitions(organization=org)
    everyone, dims = trust_frame(org=org)
    trust = everyone[everyone["team"].isin(list(teams))].reset_index(drop=True)
    # Every team of the org for an admin: no IN list of 500 ids (the frames are narrowed below).
    ids = None if tenant.visible_team_ids() is None else list(teams)
    decisions_all = decisions_frame(organization=org, team_ids=ids)
    obs = observations_frame(organization=org, team_ids=ids, decisions=decisions_all)
    metrics = (
        obs.pivot_table(index=["team", "period"], columns="metric", values="value", aggfunc="first")
        .reset_index()
        .rename_axis(columns=None)
        if not obs.empty
        else pd.DataFrame(columns=["team", "period"])
    )
    decisions = decisions_all.drop(columns=["lag_median_days", "lag_decisions"])
    joined = trust.merge(decisions, on=["team", "period"], how="outer").merge(
        metrics, on=["team", "period"], how="outer"
    )
    if not obs.empty:
        health = maths.health(obs[["team", "period", "metric", "value"]], definitions_frame(defs))
        joined = joined.merge(
            health[["team", "period", "execution_health", "n_metrics"]],
            on=["team", "period"],
            how="left",
        )
    for col in ("execution_health", "n_metrics", "trust_index"):
        if col not in joined.columns:
            joined[col] = None
    joined["trust_shown"] = joined["trust_shown"].astype("boolean").fillna(False).astype(bool)
    joined["trust_index"] = pd.to_numeric(joined["trust_index"], errors="coerce")
    joined["execution_health"] = pd.to_numeric(joined["execution_health"], errors="coerce")
    both = (
        joined["trust_shown"] & joined["trust_index"].notna() & joined["execution_health"].notna()
    )
    joined["friction_index"] = float("nan")
    if both.any():
        joined.loc[both, "friction_index"] = maths.friction_index(
            joined.loc[both, "trust_index"], joined.loc[both, "execution_health"]
        ).to_numpy()
    joined = (
        joined[joined["team"].isin(teams)].sort_values(["team", "period"]).reset_index(drop=True)
    )
    return Joined(
        frame=joined,
        dimensions=dims,
        definitions=defs,
        team_names=teams,
        metrics_long=obs,
    )
