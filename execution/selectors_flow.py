"""Reads for the friction, handoff and drivers views (pandas over the join and work items)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Count
from django.utils import timezone

from execution import maths
from execution.derive import status_map, work_frames
from execution.selectors import Joined, definitions_frame, team_period_join
from orgs.models import Person
from orgs.periods import period_label
from orgs.tenancy import Tenant, scoped
from trustmath.stats import round_sig

MIN_TEAM_PERIODS = 5  # drivers hidden below this many team-periods per predictor
WARN_TEAM_PERIODS = 50
SENTENCES_PER_OUTCOME = 3


def num_or_none(v: Any) -> float | None:
    """A float, or None for a missing, NaN or non-numeric value."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


@dataclass(frozen=True)
class FrictionRow:
    team: str
    trust_index: float | None
    trust_hidden: bool
    health: float | None
    n_metrics: int | None
    friction: float | None
    hotspot: bool
    team_id: int = 0


@dataclass(frozen=True)
class Friction:
    periods: list[Any]
    period: Any
    rows: list[FrictionRow]
    hotspots: list[dict[str, Any]]
    note: str = ""


@dataclass(frozen=True)
class HotspotFound:
    """A team below the period's median on both trust and execution health, with the trust
    dimensions furthest below the period's mean and the metrics furthest from their target."""

    team_id: int
    team_name: str
    trust: float | None
    health: float | None
    friction: float | None
    dimensions: list[str]
    metrics: list[str]


def friction_hotspots(*, joined: Joined, period: Any) -> list[HotspotFound]:
    """The hotspots of one period over every team of the join (the reader's visible teams):
    the one place both execution's friction page and the dashboard decide them."""
    j = joined
    cur = j.frame[j.frame["period"] == period]
    usable = cur[cur["friction_index"].notna()]
    if usable.empty:
        return []
    dim_names = dict(j.dimensions)
    metric_names = {d.code: d.name for d in j.definitions}
    obs = j.metrics_long
    scores = maths.metric_scores(
        obs.loc[obs["period"] == period, ["team", "period", "metric", "value"]],
        definitions_frame(j.definitions),
    )
    hs = maths.hotspots(usable, dimensions=list(dim_names), scores=scores)
    return [
        HotspotFound(
            team_id=int(rec["team"]),
            team_name=j.team_names.get(int(rec["team"]), str(rec["team"])),
            trust=num_or_none(rec.get("trust_index")),
            health=num_or_none(rec.get("execution_health")),
            friction=num_or_none(rec.get("friction_index")),
            dimensions=[dim_names.get(d, d) for d in rec.get("low_dimensions") or ()],
            metrics=[metric_names.get(m, m) for m in rec.get("low_metrics") or ()],
        )
        for rec in hs.to_dict("records")
    ]


def friction_table(*, tenant: Tenant, period: Any = None) -> Friction:
    """Per visible team in one period: trust index, execution health, friction, hotspot flag."""
    j: Joined = team_period_join(tenant=tenant)
    f = j.frame
    periods = sorted(f["period"].dropna().unique())
    if not periods:
        return Friction(periods=[], period=None, rows=[], hotspots=[])
    # By default the latest period where a friction index can be shown (the current period's
    # round is often still open, so its trust index is not out yet).
    with_friction = sorted(f.loc[f["friction_index"].notna(), "period"].unique())
    chosen = period if period in periods else (with_friction or periods)[-1]
    cur = f[f["period"] == chosen]
    found = friction_hotspots(joined=j, period=chosen)
    spot_teams = {h.team_id for h in found}
    spots = [
        {"team_name": h.team_name, "dimensions": h.dimensions, "metrics": h.metrics} for h in found
    ]
    rows = [
        FrictionRow(
            team=j.team_names.get(int(r["team"]), str(r["team"])),
            trust_index=num_or_none(r["trust_index"]),
            trust_hidden=not bool(r["trust_shown"]),
            health=num_or_none(r["execution_health"]),
            n_metrics=None if num_or_none(r.get("n_metrics")) is None else int(r["n_metrics"]),
            friction=num_or_none(r["friction_index"]),
            hotspot=int(r["team"]) in spot_teams,
            team_id=int(r["team"]),
        )
        for r in cur.to_dict("records")
    ]
    rows.sort(key=lambda x: (x.friction is None, -(x.friction or 0), x.team.casefold()))
    return Friction(periods=periods, period=chosen, rows=rows, hotspots=spots)


@dataclass(frozen=True)
class Handoffs:
    matrix: list[dict[str, Any]]
    waiting: list[dict[str, Any]]
    per_person: list[dict[str, Any]]
    note: str = ""


def handoff_tables(*, tenant: Tenant, min_days: float = 5.0) -> Handoffs:
    """Team × team handoffs per period, items waiting > min_days, handoffs per person vs size."""
    org = tenant.org
    names = org.team_tree().names
    visible = tenant.visible_team_ids()

    def sees(t: Any) -> bool:
        return t is not None and not pd.isna(t) and (visible is None or int(t) in visible)

    items, events = work_frames(organization=org)
    if items.empty:
        return Handoffs(
            [], [], [], note="No work items imported yet: import an export to see handoffs."
        )
    tz, kind = org.tz.key, org.reporting_period
    statuses = status_map(organization=org)
    matrix = maths.handoff_matrix(items, events, tz=tz, period=kind, status_map=statuses)
    mrows = []
    for r in matrix.to_dict("records"):
        if not (sees(r["from_team"]) or sees(r["to_team"])):
            continue
        mrows.append(
            {
                **r,
                "period_label": period_label(pd.Timestamp(r["period"]).date(), kind),
                "from_name": names.get(int(r["from_team"]), "?")
                if sees(r["from_team"]) or visible is None
                else "another team",
                "to_name": names.get(int(r["to_team"]), "?")
                if sees(r["to_team"]) or visible is None
                else "another team",
            }
        )
    waiting = maths.waiting_items(
        items, events, as_of=pd.Timestamp(timezone.now()), min_days=min_days, status_map=statuses
    )
    wrows = [
        {**r, "team_name": names.get(int(r["team"]), "?")}
        for r in waiting.sort_values("age_days", ascending=False).to_dict("records")
        if sees(r["team"])
    ]
    sizes = pd.Series(
        dict(
            scoped(Person, org)
            .filter(is_active=True, team__isnull=False)
            .values_list("team_id")
            .annotate(n=Count("id"))
            .values_list("team_id", "n")
        ),
        dtype="float64",
    )
    per = maths.handoffs_per_person(items, events, sizes, tz=tz, period=kind)
    # The maths puts every sized team on every period's grid with 0 handoffs; a team none of
    # whose items was imported has no data, not "no handoffs", so it says so (never 0.00).
    with_items = {int(t) for t in items["team"].dropna().unique()}
    prows = [
        {
            **r,
            "team_name": names.get(int(r["team"]), "?"),
            "handoffs_per_person": r["handoffs_per_person"]
            if int(r["team"]) in with_items
            else None,
            "no_data": int(r["team"]) not in with_items,
        }
        for r in per.to_dict("records")
        if "team" in r and sees(r["team"])
    ]
    return Handoffs(matrix=mrows, waiting=wrows, per_person=prows)


def items_waiting_longest(
    *, tenant: Tenant, team_ids: set[int] | None, limit: int = 5, min_days: float = 5.0
) -> list[dict[str, Any]]:
    """The open items of these teams (None: every team the reader sees) that have waited
    longest for their next move, oldest first: what the overview lists. Work items are not
    people's answers, so no k applies; the reader's team scope does."""
    org = tenant.org
    visible = tenant.visible_team_ids()
    items, events = work_frames(organization=org)
    if items.empty:
        return []
    waiting = maths.waiting_items(
        items,
        events,
        as_of=pd.Timestamp(timezone.now()),
        min_days=min_days,
        status_map=status_map(organization=org),
    )
    names = org.team_tree().names
    out = []
    for r in waiting.sort_values("age_days", ascending=False).to_dict("records"):
        t = r.get("team")
        if t is None or pd.isna(t):
            continue
        t = int(t)
        if (visible is not None and t not in visible) or (
            team_ids is not None and t not in team_ids
        ):
            continue
        out.append({**r, "team": t, "team_name": names.get(t, "?")})
        if len(out) == limit:
            break
    return out


@dataclass(frozen=True)
class Drivers:
    correlations: list[dict[str, Any]]
    weights: list[dict[str, Any]]
    n_team_periods: int
    sentences: list[str] = field(default_factory=list)
    hidden_reason: str = ""
    warning: str = ""
    r2: float | None = None


# Outcomes a leader reads in words: (metric, what a low predictor goes with when ρ > 0).
METRIC_OUTCOMES = {
    "on_time_pct": ("were late more often", "were late less often"),
    "handoff_wait_days": ("waited less after handoffs", "waited longer after handoffs"),
}


def _metric_sentence(name: str, metric: str, r: dict[str, Any], kind: str) -> str:
    """'Teams whose authority to act was low were late more often the next month: ρ = …'."""
    low_pos, low_neg = METRIC_OUTCOMES[metric]
    what = low_pos if float(r["rho"]) > 0 else low_neg
    when = f"the next {kind}" if int(r["lag"]) else f"in the same {kind}"
    return (
        f"Teams whose {name.lower()} was low {what} {when}: ρ = {float(r['rho']):.2f}, "
        f"n = {int(r['n'])}, adjusted p = {round_sig(float(r['p_adjusted']))}."
    )


def drivers_tables(*, tenant: Tenant, n_boot: int = 1000) -> Drivers:
    """Lagged Spearman of each trust dimension with execution health (and with on-time
    delivery and handoff wait, for the sentences), and Johnson's relative weights."""
    j = team_period_join(tenant=tenant)
    preds = [k for k, _ in j.dimensions if k in j.frame.columns]
    has_health = j.frame["execution_health"].notna() if "execution_health" in j.frame else None
    f = j.frame[has_health] if has_health is not None else j.frame
    n = len(f)
    if not preds:
        return Drivers(
            [],
            [],
            n,
            hidden_reason="No trust dimension is shown for these teams yet (no scored pulse "
            "round, or every cell hidden below k), so there is nothing to relate.",
        )
    if n < MIN_TEAM_PERIODS:
        return Drivers(
            [],
            [],
            n,
            hidden_reason=f"Only {n} team-periods have execution health; drivers need at least "
            f"{MIN_TEAM_PERIODS} team-periods per dimension to mean anything.",
        )
    names = dict(j.dimensions)
    kind = tenant.org.get_reporting_period_display().lower()
    labels = {**names, "execution_health": "execution health"}
    corr = maths.lagged_spearman(
        j.frame, predictors=preds, outcome="execution_health", lags=(0, 1), labels=labels
    )
    rows = []
    for r in corr.to_dict("records"):
        r["name"] = names.get(r["predictor"], r["predictor"])
        rows.append(r)
    # In words, the question leaders ask: does trust now go with delivery NEXT period? The
    # strongest links first, a few per outcome; the table below has every test.
    ahead = [r for r in rows if r["lag"] == 1 and not r["hidden"] and r["significant"]]
    ahead.sort(key=lambda r: -abs(float(r["rho"])))
    sentences = [str(r.get("sentence") or "") for r in ahead[:SENTENCES_PER_OUTCOME]]
    if not ahead:
        # Saying nothing reads as "no data"; a leader needs to know the link was tested and
        # what the strongest one looked like, labelled as not reliable.
        shown = [r for r in rows if r["lag"] == 1 and not r["hidden"]]
        if shown:
            top = max(shown, key=lambda r: abs(float(r["rho"])))
            sentences.append(
                f"No dimension reliably went with execution health in the next {kind} "
                f"(after adjusting for {len(rows)} tests). The strongest was "
                f"{top['name'].lower()}: ρ = {float(top['rho']):.2f}, n = {int(top['n'])}, "
                f"adjusted p = {round_sig(float(top['p_adjusted']))} — a hint, not a finding."
            )
    for metric in METRIC_OUTCOMES:
        if metric not in j.frame.columns:
            continue
        mc = maths.lagged_spearman(j.frame, predictors=preds, outcome=metric, lags=(1,))
        found = [r for r in mc.to_dict("records") if not r["hidden"] and r["significant"]]
        found.sort(key=lambda r: -abs(float(r["rho"])))
        sentences += [
            _metric_sentence(names.get(r["predictor"], ""), metric, r, kind)
            for r in found[:SENTENCES_PER_OUTCOME]
        ]
    weights: list[dict[str, Any]] = []
    r2 = None
    w = maths.relative_weights_bootstrap(f, "execution_health", preds, n_boot=n_boot, seed=0)
    if not w.attrs.get("hidden"):
        r2 = num_or_none(w.attrs.get("r2"))
        weights = [
            {**x, "name": names.get(x["predictor"], x["predictor"])} for x in w.to_dict("records")
        ]
    warning = (
        f"Only {n} team-periods: read these as hints, not findings (below {WARN_TEAM_PERIODS})."
        if n < WARN_TEAM_PERIODS
        else ""
    )
    return Drivers(rows, weights, n, sentences=[s for s in sentences if s], warning=warning, r2=r2)
