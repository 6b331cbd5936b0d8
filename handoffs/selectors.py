"""Reads of handoffs: the released pair figures for a viewer; the result source.

Every figure is read from the org's last release (handoffs/releases.py), decided there on
the whole org's pairs with k people on each side and checked against the release ledger; a
leader then sees the pairs that involve one of their teams. Nothing is computed per request,
so reading before and after one more answer shows the same figures.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from django.urls import reverse

from core.reasons import reason_text
from core.registry import ResultSource, SourceCell
from handoffs.maths import FIGURES
from handoffs.models import HandoffAnswer, HandoffMatchReport, HandoffRelease
from handoffs.releases import STORED
from orgs.models import RESULTS_ROLES, Organization
from orgs.periods import period_label
from orgs.tenancy import Tenant

PLAYS_DIMENSION = "handoff_context"  # surveys/rubric/trust_infrastructure.yaml
PEOPLE = "people on each side who answered"
SOURCE_LABEL = "handoff check-ins"
NUMBERS = [*FIGURES, "count", "median_wait_days"]


def plays_url() -> str:
    """The rubric's plays for handoffs and context."""
    return reverse("surveys:rubric") + "#dim-" + PLAYS_DIMENSION


def handoff_release(*, org: Organization) -> tuple[dt.datetime | None, pd.DataFrame]:
    """The org's last released pair figures (when, and one row per pair and period, decided
    on the whole org); no release yet = no pairs. Never computed here."""
    row = HandoffRelease.objects.filter(organization=org).values_list("released_at", "pairs")
    found = row.first()
    if found is None:
        return None, pd.DataFrame(columns=STORED)
    frame = pd.DataFrame(json.loads(found[1]), columns=STORED)
    # Only final rows (closed periods, released once); a release stored before that rule
    # shows nothing until the next one recomputes its closed periods.
    frame = frame[frame["final"].fillna(False).astype(bool)]
    if not frame.empty:
        frame["period"] = [dt.date.fromisoformat(p) for p in frame["period"]]
        frame[NUMBERS] = frame[NUMBERS].astype(float)  # None (hidden) → NaN
        frame["suppressed"] = frame["suppressed"].astype(bool)
        names = org.team_tree().names  # a team deleted since the release is shown nowhere
        frame = frame[frame["from_team"].isin(names) & frame["to_team"].isin(names)]
    return found[0], frame.reset_index(drop=True)


def _missing(v: Any) -> bool:
    return v is None or bool(pd.isna(v))


def _num(v: Any) -> float | None:
    return None if _missing(v) else round(float(v), 1)


def handoff_pairs_for_viewer(
    *, tenant: Tenant, period: dt.date | None = None
) -> list[dict[str, Any]]:
    """The pairs the viewer may see (involving one of their teams; all for admins), decided on
    the whole org first; the largest gap first, hidden pairs last. Empty for other roles."""
    if not tenant.has_any_role(RESULTS_ROLES):
        return []
    org = tenant.org
    _when, frame = handoff_release(org=org)
    if frame.empty:
        return []
    if period is not None:
        frame = frame[frame["period"] == period]
    visible = tenant.visible_team_ids()
    if visible is not None:
        frame = frame[frame["from_team"].isin(visible) | frame["to_team"].isin(visible)]
    names = org.team_tree().names
    plays = plays_url()
    out = []
    for r in frame.to_dict("records"):
        out.append(
            {
                "period": r["period"],
                "period_label": period_label(r["period"], org.reporting_period),
                "from_team": int(r["from_team"]),
                "to_team": int(r["to_team"]),
                "from_name": names.get(int(r["from_team"]), "?"),
                "to_name": names.get(int(r["to_team"]), "?"),
                "suppressed": bool(r["suppressed"]),
                "reason": reason_text(str(r["reason"]), k=org.k, answers=PEOPLE)
                if r["suppressed"]
                else "",
                "sender_score": _num(r["sender_score"]),
                "sender_fav_pct": _num(r["sender_fav_pct"]),
                "receiver_score": _num(r["receiver_score"]),
                "receiver_fav_pct": _num(r["receiver_fav_pct"]),
                "chase_pct": _num(r["chase_pct"]),
                "chase_several_pct": _num(r["chase_several_pct"]),
                "gap": _num(r["gap"]),
                "senders": None if r["suppressed"] else int(r["senders"]),
                "receivers": None if r["suppressed"] else int(r["receivers"]),
                "system_count": None if _missing(r["count"]) else int(r["count"]),
                "median_wait_days": _num(r["median_wait_days"]),
                "recorded": int(r["recorded"]),
                "plays_url": plays,
            }
        )
    out.sort(
        key=lambda p: (
            p["gap"] is None,
            -(p["gap"] or 0.0),
            -(p["system_count"] or 0),
            p["from_name"],
        )
    )
    return out


def handoff_unmatched(*, org: Organization) -> list[str]:
    """People of the last history scan that matched none of ours."""
    report = HandoffMatchReport.objects.filter(organization=org).first()
    return list(report.unmatched) if report else []


def handoff_source_cells(
    org: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], SourceCell]:
    """A team's handoff figures as a result source: the receiver experience of the handoffs
    the team received, recomputed from the released (shown) pairs only, so it reveals nothing
    a hidden pair holds; team 0 = every shown pair of the org."""
    out: dict[tuple[int, dt.date], SourceCell] = {}
    # One query when the org has no answers: the results page reads this on every view.
    if not HandoffAnswer.objects.filter(organization=org).exists():
        return out
    _when, frame = handoff_release(org=org)
    for team_id, period in keys:
        rows = frame[frame["period"] == period] if not frame.empty else frame
        if team_id and not rows.empty:
            rows = rows[rows["to_team"] == team_id]
        shown = rows[~rows["suppressed"].astype(bool)] if not rows.empty else rows
        shown = shown[shown["receiver_score"].notna()] if not shown.empty else shown
        if shown.empty:
            reason = "no shown handoff pair" if rows.empty else "every handoff pair is hidden"
            out[(team_id, period)] = SourceCell(
                payload={"source": SOURCE_LABEL, "suppressed": True, "reason": reason},
                suppressed=True,
                reason=reason,
            )
            continue
        w = shown["receiver_answers"].astype(float)
        score = float((shown["receiver_score"] * w).sum() / w.sum())
        gap = shown["gap"].dropna()
        payload = {
            "source": SOURCE_LABEL,
            "suppressed": False,
            "receiver_experience": round(score, 1),
            "mean_gap": round(float(gap.mean()), 1) if not gap.empty else None,
            "pairs": len(shown),
            "recomputed_from_shown_pairs": True,
        }
        out[(team_id, period)] = SourceCell(
            payload=payload,
            suppressed=False,
            score=round(score, 1),
            n=int(shown["receivers"].sum()),
        )
    return out


HANDOFF_SOURCE = ResultSource(
    field="handoff_checkins",
    dimension=PLAYS_DIMENSION,
    row_label=f"↳ had the context to act — source: {SOURCE_LABEL}",
    help_text="handoff_context from handoff check-ins (receivers' 'I had the context I needed',"
    " 0-100, recomputed from released pairs): a separate, labelled source; no numbers when"
    " suppressed",
    note=f"The “↳ … source: {SOURCE_LABEL}” row is the receivers' score for “I had the context "
    "I needed to act without asking” over the handoffs the team received (pairs released with "
    "k people on each side only); it is never averaged into the pulse score above it.",
    more_label="Handoff check-ins by team pair",
    more_url="handoffs:pairs",
    more_roles=frozenset(RESULTS_ROLES),
    cells=handoff_source_cells,
)
