"""Django side of the decision metrics: load answers into frames, store and read snapshots.

The formulas live in trustmath/decision_metrics.py (pure). What may be shown is decided by
the one disclosure module (orgs.disclosure → trustmath.disclosure) on the whole org: each
share on its own n (answers to its question), the lag on decisions; per-decision figures
need >= k answers; team x period cells get complementary suppression over the team tree per
share; hidden figures are stored without numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable
from typing import Any

import numpy as np
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
from decisions.models_release import DecisionResultsRelease
from decisions.selectors_counts import decisions_respondents_count
from decisions.stability_release import stability_decide
from decisions.suppress import checkin_reason_text, figure_reason_text
from orgs.disclosure import ROOT_ID, disclosure_cells
from orgs.models import DECISION_READ_ROLES, Organization
from orgs.periods import period_start
from trustmath import decision_metrics as dm
from trustmath import decision_people
from trustmath.suppression import REASON_NOT_RELEASED

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
    "lag_waiting",
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


def _holding_windows(*, org_id: int, decision_ids: Iterable[int]) -> pd.DataFrame:
    """decision_id, window (offset in days, NaN unknown), holding of each check-in answer."""
    rows = list(
        CheckInResponse.objects.filter(
            organization_id=org_id, decision_id__in=list(decision_ids)
        ).values_list("decision_id", "offset_days", "holding")
    )
    frame = pd.DataFrame(rows, columns=["decision_id", "window", "holding"])
    frame["window"] = pd.to_numeric(frame["window"], errors="coerce")
    return frame


def status_changes_frame(*, org_id: int, decision_ids: Iterable[int] | None = None) -> pd.DataFrame:
    qs = DecisionStatusChange.objects.filter(decision__organization_id=org_id)
    if decision_ids is not None:
        qs = qs.filter(decision_id__in=list(decision_ids))
    rows = list(qs.values_list("id", "decision_id", "to_status", "changed_at"))
    return pd.DataFrame(rows, columns=["change_id", "decision_id", "to_status", "changed_at"])


def _in_words(rec: dict[str, Any], *, k: int) -> dict[str, Any]:
    """A figure row with every reason code in words, and `hidden`: figure -> why, for the
    shares (and lag) hidden inside a shown cell."""
    rec["reason"] = checkin_reason_text(rec["reason"], k=k)
    hidden = {}
    for figure in dm.FIGURE_COLUMNS:
        code = rec.pop(f"{figure}_reason", "") or ""
        if code and not rec["suppressed"]:
            hidden[figure] = figure_reason_text(figure, code, k=k)
    rec["hidden"] = hidden
    return rec


def decision_figures(
    *,
    org: Organization,
    decision_ids: list[int],
    forced: Collection[tuple[int, str]] = (),
    released: bool = True,
) -> tuple[dict[int, dict[str, Any]], pd.DataFrame]:
    """Per-decision figures computed from the stored answers, decided by the one disclosure
    module: nothing below k answers, each share below k answers to its question hidden on its
    own, and every (decision, measure) in ``forced`` (refused by the release ledger) hidden.
    Returns the figures keyed by decision id and the decided (decision, measure) frame.

    Used by the publisher (`decisions.releases`) only: reads serve releases
    (:func:`decision_results`). ``released=False`` computes on no answers at all (the shape
    of a decision not released yet)."""
    answers = (
        answers_frame(org_id=org.pk, decision_ids=decision_ids) if released else dm.empty_answers()
    )
    figures = dm.per_decision_figures(
        answers,
        status_changes_frame(org_id=org.pk, decision_ids=decision_ids),
        decision_ids=decision_ids,
    )
    # k counts people: a stakeholder answering at +7 and +30 is one respondent, so every
    # count (answers, each share's answers) is capped by the decision's distinct people.
    # The invitation side knows who answered a window, not which questions they skipped,
    # so a share's own people are bounded (≤ the decision's people), never linked.
    people = decisions_respondents_count(org=org, decision_ids=decision_ids)
    cap = figures["decision_id"].map(people).fillna(0).astype(int)
    figures = figures.assign(n=figures["n"].fillna(0).astype(int).clip(upper=cap))
    for col in dm.SHARE_N.values():
        figures[col] = figures[col].fillna(0).astype(int).clip(upper=cap)
    # "Still holding" may be skipped, so its people may be fewer than the decision's: its k
    # test uses a lower bound, the most answers to it in one window (one per person there).
    floor = decision_people.holding_people_floor(
        _holding_windows(org_id=org.pk, decision_ids=decision_ids)
    )
    floor_of = dict(zip(floor["decision_id"], floor["holding_people"], strict=True))
    figures["stability_n"] = np.minimum(
        figures["stability_n"].to_numpy(),
        figures["decision_id"].map(floor_of).fillna(0).astype(int).to_numpy(),
    )
    # One decision per row, never summed over teams: every figure is its own flat measure.
    cells = dm.measure_cells(figures.assign(team_id=ROOT_ID), by=["decision_id"])
    refused = set(forced)
    cells["forced"] = [
        (int(d), str(m)) in refused
        for d, m in zip(cells["decision_id"], cells["measure"], strict=True)
    ]
    decided = disclosure_cells(
        org=org,
        cells=cells,
        by=["decision_id"],
        base=dm.ANSWERS_MEASURE,
        flat=cells["measure"].unique().tolist(),
        forced="forced",
    )
    frame = dm.apply_disclosure(figures, decided, by=["decision_id"])
    out: dict[int, dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        rec = _in_words(rec, k=org.k)
        out[int(rec["decision_id"])] = {
            key: (v if key == "hidden" else none_if_missing(v)) for key, v in rec.items()
        }
    return out, decided


def decision_results(*, org: Organization, decision_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per-decision figures keyed by decision id, as last released (never computed here).

    A decision with no release yet (no check-in window closed) reads as hidden, reason
    "not released". Figures are released by `decisions.releases.decision_results_publish`
    at a window's close and in the scheduled metrics job, each checked against the ledger.
    """
    stored = dict(
        DecisionResultsRelease.objects.filter(
            organization_id=org.pk, decision_id__in=decision_ids
        ).values_list("decision_id", "figures")
    )
    out: dict[int, dict[str, Any]] = {}
    if stored:
        decoded = json.loads("[" + ",".join(stored.values()) + "]")
        out = {int(d): figs for d, figs in zip(stored, decoded, strict=True)}
    missing = [d for d in decision_ids if d not in out]
    if missing:
        blank, _ = decision_figures(org=org, decision_ids=missing, released=False)
        why = checkin_reason_text(REASON_NOT_RELEASED, k=org.k)
        for d in missing:
            out[d] = {**blank[d], "suppressed": True, "reason": why, "hidden": {}}
    return out


def _ancestors(org: Organization) -> pd.DataFrame:
    """The team -> ancestor-unit table (each team to itself, its ancestors and the org 0)."""
    tree = org.team_tree()
    rows = [(ROOT_ID, ROOT_ID)]
    for tid in tree.parent_of:
        rows.extend((tid, unit) for unit in [tid, *tree.ancestors(tid)])
        rows.append((tid, ROOT_ID))
    return pd.DataFrame(rows, columns=["team_id", "unit_id"])


def team_period_frame(*, org: Organization) -> pd.DataFrame:
    """Suppressed team x period cells (team_id 0 = org) computed from the stored answers."""
    ancestors = _ancestors(org)
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
    # The whole org's cells, every share its own tree, on people, checked against the
    # release ledger (decisions.stability_release): decided before any viewer filter.
    decided = stability_decide(org=org, cells=cells)
    out = dm.apply_disclosure(cells, decided, by=["period"])
    # The n shown is the distinct people of the cell, not its answers.
    people = decided.loc[decided["measure"] == dm.ANSWERS_MEASURE, ["period", "team_id", "people"]]
    out = out.merge(people, on=["period", "team_id"], how="left")
    out["n"] = out["n"].where(out["suppressed"], out["people"])
    out = out.drop(columns=["people"])
    out["reason"] = [checkin_reason_text(c, k=org.k) for c in out["reason"]]
    return out.sort_values(["period", "team_id"]).reset_index(drop=True)


@transaction.atomic
def decision_metrics_recompute(*, org_id: int) -> int:
    """Replace the org's stability snapshots with freshly computed ones; returns cells stored.

    Idempotent (a full replace inside one transaction), so a task that runs twice is harmless.
    """
    # The org row lock: the ledger check and record of two releases never interleave.
    org = Organization.objects.select_for_update(no_key=True).filter(pk=org_id).first()
    if org is None:  # deleted since the task was queued: nothing to do
        return 0
    cells = team_period_frame(org=org)
    now = timezone.now()
    DecisionStabilitySnapshot.objects.filter(organization=org).delete()
    objs = []
    for rec in cells.to_dict("records"):
        values = {f: none_if_missing(rec.get(f)) for f in SNAPSHOT_FIELDS}
        for f in ("n", "stability_n", "lag_decisions", "lag_waiting"):
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
    more_roles=frozenset(DECISION_READ_ROLES),  # who may open decisions:stability
    cells=checkin_source_cells,
)
