"""Django side of the decision metrics: load answers into frames, store and read snapshots.

The formulas live in trustmath/decision_metrics.py (pure). Anonymity is applied here in one
place for each read: per-decision numbers need >= k answers; team x period cells go through
suppress_tree (complementary suppression over the team tree), and suppressed cells are
stored without numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.registry import ResultSource, SourceCell
from core.values import none_if_missing
from decisions.models import (
    CheckInResponse,
    Decision,
    DecisionStabilitySnapshot,
    DecisionStatusChange,
)
from decisions.suppress import checkin_reason_text, suppress_cells
from orgs.models import Organization, Team
from orgs.periods import period_start
from trustmath import decision_metrics as dm
from trustmath.suppression import REASON_NO_RESPONSES

SOURCE_LABEL = "Decision check-ins"
SNAPSHOT_FIELDS = [
    "n",
    "stability_pct",
    "stability_lo",
    "stability_hi",
    "stability_n",
    "action_pct",
    "action_lo",
    "action_hi",
    "wait_pct",
    "wait_lo",
    "wait_hi",
    "circling_pct",
    "circling_lo",
    "circling_hi",
    "lag_median_days",
    "lag_decisions",
]


def answers_frame(*, org_id: int, decision_ids: Iterable[int] | None = None) -> pd.DataFrame:
    """All check-in answers of an org (optionally of some decisions) as a DataFrame."""
    qs = CheckInResponse.objects.filter(organization_id=org_id)
    if decision_ids is not None:
        qs = qs.filter(decision_id__in=list(decision_ids))
    rows = list(
        qs.values_list(
            "decision_id",
            "decision__decided_on",
            "answered_on",
            "period",
            "team_id",
            "holding",
            "acted",
            "rediscussed",
        )
    )
    if not rows:
        return dm.empty_answers()
    df = pd.DataFrame(rows, columns=dm.ANSWER_COLUMNS)
    df["team_id"] = df["team_id"].fillna(0).astype("int64")
    df["holding"] = pd.to_numeric(df["holding"], errors="coerce")
    return df


def status_changes_frame(*, org_id: int, decision_ids: Iterable[int] | None = None) -> pd.DataFrame:
    qs = DecisionStatusChange.objects.filter(decision__organization_id=org_id)
    if decision_ids is not None:
        qs = qs.filter(decision_id__in=list(decision_ids))
    rows = list(qs.values_list("id", "decision_id", "to_status", "changed_at"))
    return pd.DataFrame(rows, columns=["change_id", "decision_id", "to_status", "changed_at"])


def decision_results(*, org: Organization, decision_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per-decision metrics (suppressed below k) keyed by decision id."""
    frame = dm.per_decision(
        answers_frame(org_id=org.pk, decision_ids=decision_ids),
        status_changes_frame(org_id=org.pk, decision_ids=decision_ids),
        decision_ids=decision_ids,
        k=org.k,
    )
    out: dict[int, dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        rec["reason"] = checkin_reason_text(rec["reason"], k=org.k)
        out[int(rec["decision_id"])] = {k: none_if_missing(v) for k, v in rec.items()}
    return out


def _tree(org_id: int) -> tuple[dict[int, int], pd.DataFrame]:
    """parent_of (top-level teams -> 0) and the team -> ancestor-unit table (incl. self, 0)."""
    parents = dict(Team.objects.filter(organization_id=org_id).values_list("id", "parent_id"))
    parent_of = {tid: (pid or 0) for tid, pid in parents.items()}
    rows = [(0, 0)]
    for tid in parents:
        cur: int | None = tid
        seen: set[int] = set()
        while cur and cur not in seen:
            seen.add(cur)
            rows.append((tid, cur))
            cur = parents.get(cur)
        rows.append((tid, 0))
    return parent_of, pd.DataFrame(rows, columns=["team_id", "unit_id"])


def team_period_frame(*, org: Organization) -> pd.DataFrame:
    """Suppressed team x period cells (team_id 0 = org) computed from the stored answers."""
    parent_of, ancestors = _tree(org.pk)
    answers = answers_frame(org_id=org.pk)
    changes = status_changes_frame(org_id=org.pk)
    reopen_rows = pd.DataFrame(columns=["change_id", "team_id", "period", "to_status"])
    if not changes.empty:
        aff = pd.DataFrame(
            list(
                Decision.affected_teams.through.objects.filter(
                    decision__organization_id=org.pk
                ).values_list("decision_id", "team_id")
            ),
            columns=["decision_id", "team_id"],
        )
        changes["period"] = [
            period_start(timezone.localtime(t, org.tz).date(), org.reporting_period)
            for t in changes["changed_at"]
        ]
        # Decisions without an affected team still count for the org as a whole.
        reopen_rows = changes.merge(aff, on="decision_id", how="left")
        reopen_rows["team_id"] = reopen_rows["team_id"].fillna(0).astype("int64")
        reopen_rows = reopen_rows[["change_id", "team_id", "period", "to_status"]]
    cells = dm.team_period_cells(answers, reopen_rows, ancestors)
    if cells.empty:
        cells["suppressed"] = pd.Series(dtype=bool)
        cells["reason"] = pd.Series(dtype=str)
        return cells
    answered = cells.loc[cells["n"] > 0]
    flagged = suppress_cells(
        answered[["team_id", "n", "n_own", "period"]].reset_index(drop=True),
        k=org.k,
        parent_of=parent_of,
    )
    answered = answered.merge(
        flagged[["team_id", "period", "suppressed", "reason"]], on=["team_id", "period"]
    )
    empty = cells.loc[cells["n"] == 0].assign(
        suppressed=True, reason=checkin_reason_text(REASON_NO_RESPONSES, k=org.k)
    )
    out = pd.concat([answered, empty], ignore_index=True)
    out["suppressed"] = out["suppressed"].astype(bool)
    return dm.blank_suppressed(out).sort_values(["period", "team_id"]).reset_index(drop=True)


@transaction.atomic
def decision_metrics_recompute(*, org_id: int) -> int:
    """Replace the org's stability snapshots with freshly computed ones; returns cells stored.

    Idempotent (a full replace inside one transaction), so a task that runs twice is harmless.
    """
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:  # deleted since the task was queued: nothing to do
        return 0
    cells = team_period_frame(org=org)
    now = timezone.now()
    DecisionStabilitySnapshot.objects.filter(organization=org).delete()
    objs = []
    for rec in cells.to_dict("records"):
        values = {f: none_if_missing(rec.get(f)) for f in SNAPSHOT_FIELDS}
        for f in ("n", "stability_n", "lag_decisions"):
            count = values[f]
            if count is not None:
                values[f] = int(count)
        objs.append(
            DecisionStabilitySnapshot(
                organization=org,
                team_id=int(rec["team_id"]) or None,
                period=rec["period"],
                suppressed=bool(rec["suppressed"]),
                reason=str(rec["reason"] or ""),
                reopen_count=int(rec["reopen_count"]),
                computed_at=now,
                **values,
            )
        )
    DecisionStabilitySnapshot.objects.bulk_create(objs, batch_size=500)
    return len(objs)


def snapshot_rows(
    *,
    org: Organization,
    visible_team_ids: frozenset[int] | None,
    periods: list[dt.date] | None = None,
) -> list[DecisionStabilitySnapshot]:
    """Stored cells the user may see (org row only for admins), oldest period first."""
    qs = DecisionStabilitySnapshot.objects.filter(organization=org).select_related("team")
    if visible_team_ids is not None:
        qs = qs.filter(team_id__in=visible_team_ids)
    if periods:
        qs = qs.filter(period__in=periods)
    return list(qs.order_by("period", "team__name"))


def snapshot_cell(s: DecisionStabilitySnapshot) -> dict[str, Any]:
    """One stored cell as a labelled API dict (no numbers when suppressed)."""
    base: dict[str, Any] = {
        "source": SOURCE_LABEL,
        "dimension": "decision_stability",
        "suppressed": s.suppressed,
        "reopen_count": s.reopen_count,
    }
    if s.suppressed:
        return {**base, "reason": s.reason}
    return {**base, **{f: getattr(s, f) for f in SNAPSHOT_FIELDS}}


def checkin_cells(
    *, org: Organization, keys: Iterable[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], dict[str, Any]]:
    """Decision check-in cells for (team_id, period) keys (team 0 = org), in one query.

    For the results page/API: callers pass only keys of teams the reader may see.
    """
    wanted = set(keys)
    if not wanted:
        return {}
    periods = {p for _, p in wanted}
    qs = DecisionStabilitySnapshot.objects.filter(organization=org, period__in=periods)
    out: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for s in qs:
        key = (s.team_id or 0, s.period)
        if key in wanted:
            out[key] = snapshot_cell(s)
    return out


def checkin_source_cells(
    org: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], SourceCell]:
    """The check-in cells as a result source: the labelled API dict plus what the page shows."""
    out: dict[tuple[int, dt.date], SourceCell] = {}
    for key, cell in checkin_cells(org=org, keys=keys).items():
        if cell["suppressed"]:
            out[key] = SourceCell(payload=cell, suppressed=True, reason=str(cell["reason"]))
        else:
            out[key] = SourceCell(
                payload=cell,
                suppressed=False,
                score=cell["stability_pct"],
                ci_low=cell["stability_lo"],
                ci_high=cell["stability_hi"],
                n=cell["n"],
            )
    return out


CHECKIN_SOURCE = ResultSource(
    field="decision_checkins",
    dimension="decision_stability",
    row_label=f"↳ % still holding — source: {SOURCE_LABEL}",
    help_text="decision_stability from decision check-ins: a separate, labelled "
    "source (never mixed into the pulse score); no numbers when suppressed",
    note=f"The “↳ … source: {SOURCE_LABEL}” row is the share of decision check-in answers "
    "agreeing that a decision is still holding (with its Wilson interval); it is a separate "
    "source and is never averaged into the pulse score above it.",
    more_label="All decision check-in figures",
    more_url="decisions:stability",
    cells=checkin_source_cells,
)
