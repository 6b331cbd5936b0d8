"""Reliability of the rubric's dimensions per period: Cronbach's α, Feldt interval, item–total r.

Shown to admins and facilitators (DESIGN §5) so that a rubric edit that breaks a dimension is
visible. Computed by `trustmath.reliability.per_dimension_reliability` from the answers of
**closed** rounds (results are released at a round's close, never while answers arrive),
per (scope, period, rubric version): the whole organization, and each top-level team
(department) whose distinct respondents that period reach the org's k — α rests on item
covariances, not on anyone's answer, but a department below k is not shown at all.

Each dimension carries plain-language warnings: α below 0.6, a statement whose corrected
item–total r is below 0.2, or too few answers to say anything (with the reason). The first
period of a rubric version also carries each dimension's α under the version used before.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from orgs.models import Organization, Role
from scoring.adapter import answers_frame
from surveys.models import Dimension, Item, PulseRound, RoundStatus, RubricVersion
from surveys.selectors_counts import respondents_count
from trustmath.reliability import (
    MIN_RESPONDENTS,
    REASON_NO_OVERLAP,
    REASON_TOO_FEW_ITEMS,
    REASON_TOO_FEW_RESPONDENTS,
    REASON_ZERO_VARIANCE,
    per_dimension_reliability,
)

# Who sees reliability: the people who look after the rubric and the survey's quality.
RELIABILITY_ROLES: tuple[str, ...] = (Role.ADMIN, Role.FACILITATOR)
ALPHA_LOW = 0.6  # below this, a dimension's statements do not hang together well enough
ITEM_R_LOW = 0.2  # below this, a statement hardly moves with the rest of its dimension
WIDE_INTERVAL = 0.4  # a Feldt interval wider than this: too few answers to say
ORG = 0
# Pairwise covariances from a handful of co-answers make α swing outside [−1, 1] (a
# department of 27 with 11 rotation forms co-answers a pair ~3 times): withheld, with a reason.
MIN_ITEM_ANSWERS = 5
REASON_FEW_CO_ANSWERS = "few_co_answers"

REASON_TEXT = {
    REASON_TOO_FEW_ITEMS: "Only one statement of this dimension was answered this period; "
    "α compares statements, so it needs at least two.",
    REASON_TOO_FEW_RESPONDENTS: f"Fewer than {MIN_RESPONDENTS} people answered this "
    "dimension: too few to say anything about its reliability.",
    REASON_NO_OVERLAP: "Some pair of this dimension's statements was answered together by "
    "fewer than 2 people this period, so how they move together can't be measured yet.",
    REASON_ZERO_VARIANCE: "Everyone answered these statements alike: there is no spread to "
    "measure reliability on.",
    REASON_FEW_CO_ANSWERS: f"Some statement of this dimension was answered by fewer than "
    f"{MIN_ITEM_ANSWERS} people this period (each person answers a rotating part of the "
    "statements): too few to say how reliable it is.",
}


@dataclass(frozen=True)
class ItemReliability:
    """One statement: how well it moves with the rest of its dimension."""

    key: str
    text: str
    item_total_r: float | None  # corrected item–total correlation
    n: int  # answers to the statement
    low: bool  # r < ITEM_R_LOW


@dataclass(frozen=True)
class DimensionReliability:
    """α of one dimension in one (scope, period, rubric), with its warnings in words."""

    key: str
    name: str
    alpha: float | None
    ci_low: float | None
    ci_high: float | None
    n: int  # respondents α rests on
    k_items: int  # statements answered
    reason: str  # "" when α is defined, else a trustmath.reliability reason code
    previous_alpha: float | None = None  # first period of a rubric version: α before it
    items: list[ItemReliability] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReliabilityBlock:
    """Every dimension's reliability for one scope (0 = whole org), period and rubric."""

    team_id: int
    team_name: str
    period: dt.date
    rubric_id: int
    rubric_label: str
    previous_rubric_label: str | None  # set on the first period of a new rubric version
    dimensions: list[DimensionReliability]


@dataclass(frozen=True)
class ReliabilityReport:
    k: int
    periods: list[dt.date]  # newest first
    blocks: list[ReliabilityBlock]  # by period (newest first), org first, then departments


def _f(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def _warnings(dim: DimensionReliability, items: list[ItemReliability]) -> list[str]:
    """The plain-language warnings of one dimension (empty when there is nothing to say)."""
    out: list[str] = []
    if dim.reason:
        out.append(REASON_TEXT.get(dim.reason, "Reliability can't be computed here."))
        return out
    assert dim.alpha is not None and dim.ci_low is not None and dim.ci_high is not None
    if dim.alpha < ALPHA_LOW:
        out.append(
            f"α = {dim.alpha:.2f} is below {ALPHA_LOW}: this dimension's statements do not "
            "hang together well, so its score mixes different things. Look at the statement "
            "with the lowest item–total r."
        )
    if dim.ci_high - dim.ci_low > WIDE_INTERVAL:
        out.append(
            f"Only {dim.n} people: the 95 % interval runs from {dim.ci_low:.2f} to "
            f"{dim.ci_high:.2f}, too wide to say how reliable this dimension is."
        )
    for it in items:
        if it.low and it.item_total_r is not None:
            out.append(
                f"“{it.text}” ({it.key}) moves little with the rest of the dimension "
                f"(item–total r = {it.item_total_r:.2f} < {ITEM_R_LOW}): it may measure "
                "something else, or its reverse keying may be wrong."
            )
    return out


def _scopes(org: Organization) -> tuple[dict[int, int], dict[int, str]]:
    """team id → its top-level team (the department), and the names of those."""
    tree = org.team_tree()
    top: dict[int, int] = {}
    for team in tree.parent_of:  # teams of one org: a few hundred at most
        t = team
        while tree.parent_of.get(t) is not None:
            t = tree.parent_of[t]  # type: ignore[assignment]
        top[team] = t
    names = {t: tree.names[t] for t in tree.roots}
    return top, names


def reliability_for_org(
    *, org: Organization, periods: list[dt.date] | None = None, recent: int = 6
) -> ReliabilityReport:
    """Reliability per dimension of `periods` (default: the `recent` latest with closed rounds)."""
    rounds = list(
        PulseRound.objects.filter(organization_id=org.id, status=RoundStatus.CLOSED)
        .order_by("period", "id")
        .values_list("id", "rubric_id", "period")
    )
    all_periods = sorted({p for _, _, p in rounds}, reverse=True)
    wanted = sorted(set(periods), reverse=True) if periods is not None else all_periods[:recent]
    if not wanted:
        return ReliabilityReport(k=org.k, periods=[], blocks=[])
    # The previous rubric's α is needed for a version's first period: load every period.
    answers = answers_frame(round_ids=[rid for rid, _, _ in rounds])
    rubric_of_round = {rid: rubric_id for rid, rubric_id, _ in rounds}
    if answers.empty:
        return ReliabilityReport(k=org.k, periods=wanted, blocks=[])
    rubric_ids = sorted(set(rubric_of_round.values()))
    item_rows = list(
        Item.objects.filter(rubric_id__in=rubric_ids).values_list(
            "id", "rubric_id", "key", "text", "dimension__key", "reverse_keyed"
        )
    )
    items = pd.DataFrame(
        item_rows, columns=["item_id", "rubric_id", "key", "text", "dimension", "reverse_keyed"]
    )
    answers = answers.assign(
        rubric_id=answers["item_id"].map(items.set_index("item_id")["rubric_id"])
    )
    top, dept_names = _scopes(org)
    org_rows = answers.assign(scope=ORG)
    dept_rows = answers.assign(scope=answers["team_id"].map(top).fillna(-1).astype(np.int64))
    long = pd.concat([org_rows, dept_rows[dept_rows["scope"] >= 0]], ignore_index=True)
    dims, item_stats = per_dimension_reliability(long, items, by=["scope", "period", "rubric_id"])
    labels = {
        r.pk: f"{r.name} v{r.version}" for r in RubricVersion.objects.filter(pk__in=rubric_ids)
    }
    dim_names = {
        (rid, key): name
        for rid, key, name in Dimension.objects.filter(rubric_id__in=rubric_ids).values_list(
            "rubric_id", "key", "name"
        )
    }
    dim_order = {
        (rid, key): i
        for i, (rid, key) in enumerate(
            Dimension.objects.filter(rubric_id__in=rubric_ids)
            .order_by("rubric_id", "position", "id")
            .values_list("rubric_id", "key")
        )
    }
    item_info = {int(r.item_id): (r.key, r.text) for r in items.itertuples(index=False)}
    previous = _previous_rubric(dims)
    blocks: list[ReliabilityBlock] = []
    scopes = [ORG, *sorted(dept_names, key=lambda t: dept_names[t].casefold())]
    for period in wanted:  # periods on the page (a handful)
        for scope in scopes:  # the org and its departments
            here = dims[(dims["scope"] == scope) & (dims["period"] == period)]
            if here.empty:
                continue
            if scope != ORG:
                people = respondents_count(
                    org=org, team_ids=[t for t, d in top.items() if d == scope], period=period
                )
                if people < org.k:
                    continue  # a department below k is not shown
            for rubric_id in sorted(set(here["rubric_id"].astype(int))):
                blocks.append(
                    _block(
                        here[here["rubric_id"] == rubric_id],
                        item_stats,
                        dims,
                        scope=scope,
                        name=f"{org.name} (whole organization)"
                        if scope == ORG
                        else dept_names[scope],
                        period=period,
                        rubric_id=rubric_id,
                        labels=labels,
                        dim_names=dim_names,
                        dim_order=dim_order,
                        item_info=item_info,
                        previous=previous,
                    )
                )
    return ReliabilityReport(k=org.k, periods=wanted, blocks=blocks)


def _previous_rubric(dims: pd.DataFrame) -> dict[tuple[int, dt.date, int], tuple[int, dt.date]]:
    """(scope, period, rubric) of a rubric's first period → (previous rubric, its last period)."""
    out: dict[tuple[int, dt.date, int], tuple[int, dt.date]] = {}
    seen = dims[["scope", "period", "rubric_id"]].drop_duplicates().sort_values("period")
    for scope, group in seen.groupby("scope"):  # a handful of scopes
        last: tuple[int, dt.date] | None = None
        started: set[int] = set()
        for period, rubric_id in zip(group["period"], group["rubric_id"].astype(int), strict=True):
            if rubric_id not in started:
                started.add(rubric_id)
                if last is not None and last[0] != rubric_id:
                    out[(int(scope), period, rubric_id)] = last
            if last is None or last[1] <= period:
                last = (rubric_id, period)
    return out


def _block(
    here: pd.DataFrame,
    item_stats: pd.DataFrame,
    dims: pd.DataFrame,
    *,
    scope: int,
    name: str,
    period: dt.date,
    rubric_id: int,
    labels: dict[int, str],
    dim_names: dict[tuple[int, str], str],
    dim_order: dict[tuple[int, str], int],
    item_info: dict[int, tuple[str, str]],
    previous: dict[tuple[int, dt.date, int], tuple[int, dt.date]],
) -> ReliabilityBlock:
    prev = previous.get((scope, period, rubric_id))
    prev_alpha: dict[str, float | None] = {}
    if prev is not None:
        before = dims[
            (dims["scope"] == scope) & (dims["period"] == prev[1]) & (dims["rubric_id"] == prev[0])
        ]
        prev_alpha = {
            str(d): _f(a) for d, a in zip(before["dimension"], before["alpha"], strict=True)
        }
    its = item_stats[
        (item_stats["scope"] == scope)
        & (item_stats["period"] == period)
        & (item_stats["rubric_id"] == rubric_id)
    ]
    out: list[DimensionReliability] = []
    for r in here.itertuples(index=False):  # the rubric's dimensions (5–9)
        key = str(r.dimension)
        stats = its[its["dimension"] == key]
        items = [
            ItemReliability(
                key=item_info[int(s.item_id)][0],
                text=item_info[int(s.item_id)][1],
                item_total_r=_f(s.item_total_r),
                n=int(s.n),
                low=_f(s.item_total_r) is not None and float(s.item_total_r) < ITEM_R_LOW,
            )
            for s in stats.itertuples(index=False)
        ]
        reason = str(r.reason)
        alpha = _f(r.alpha)
        if not reason and (
            min((it.n for it in items), default=0) < MIN_ITEM_ANSWERS
            or alpha is None
            or not -1.0 <= alpha <= 1.0
        ):
            reason = REASON_FEW_CO_ANSWERS
        if reason:
            items = [replace(it, item_total_r=None, low=False) for it in items]
        dim = DimensionReliability(
            key=key,
            name=dim_names.get((rubric_id, key), key),
            alpha=None if reason else alpha,
            ci_low=None if reason else _f(r.ci_low),
            ci_high=None if reason else _f(r.ci_high),
            n=int(r.n),
            k_items=int(r.k_items),
            reason=reason,
            previous_alpha=prev_alpha.get(key),
            items=items,
        )
        out.append(replace(dim, warnings=_warnings(dim, items)))
    out.sort(key=lambda d: dim_order.get((rubric_id, d.key), 99))
    return ReliabilityBlock(
        team_id=scope,
        team_name=name,
        period=period,
        rubric_id=rubric_id,
        rubric_label=labels.get(rubric_id, ""),
        previous_rubric_label=labels.get(prev[0]) if prev is not None else None,
        dimensions=out,
    )
