"""Reads for preparing a workshop: the proposed agenda from released figures, stuck decisions,
the rubric's plays and the last workshop's open commitments.

Figures come only from the released read models (`scoring.selectors`, `decisions.selectors`),
which apply disclosure control for the whole team tree; nothing here reads an answer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from decisions.selectors import decisions_at_risk
from orgs.models import Team
from orgs.tenancy import Tenant, descendant_ids
from scoring.selectors import DimensionCell, reason_text, results_for_teams
from surveys.models import Dimension
from workshops.models import Workshop
from workshops.models_commitments import REVIEW_STATUSES, Commitment
from workshops.selectors_access import workshops_readable

# How many of the weakest dimensions and stuck decisions the proposal puts on the agenda.
WEAKEST_DIMENSIONS = 2
STUCK_DECISIONS = 3
# The dimension whose plays fit a stuck decision.
DECISION_DIMENSION = "decision_stability"


@dataclass(frozen=True)
class TeamFigures:
    """A team's released dimension cells of one period (suppressed ones carry only a reason)."""

    period: dt.date | None
    cells: list[DimensionCell] = field(default_factory=list)
    rubric_id: int | None = None
    k: int = 0

    def reason(self, cell: DimensionCell) -> str:
        return reason_text(cell.reason, self.k)


def team_figures(*, tenant: Tenant, team: Team, before: dt.date | None = None) -> TeamFigures:
    """The team's latest released dimension figures (at or before `before`), as the viewer
    may see them; empty when there are none."""
    results = results_for_teams(tenant=tenant, team_ids=[team.pk])
    rows = [r for r in results.rows if r.team_id == team.pk]
    if before is not None:
        rows = [r for r in rows if r.period <= before]
    if not rows:
        return TeamFigures(period=None, k=results.k)
    row = max(rows, key=lambda r: r.period)
    return TeamFigures(
        period=row.period, cells=row.dimensions, rubric_id=row.rubric_id, k=results.k
    )


def _plays(rubric_id: int | None, keys: list[str]) -> dict[str, list[dict[str, Any]]]:
    if rubric_id is None:
        return {}
    rows = Dimension.objects.filter(rubric_id=rubric_id, key__in=keys).values_list("key", "plays")
    return {key: list(plays or []) for key, plays in rows}


def previous_workshop(*, team: Team, before: Workshop | None = None) -> Workshop | None:
    """The team's most recent earlier workshop that has commitments to review."""
    qs = Workshop.objects.filter(team=team).exclude(state=Workshop.State.DRAFT)
    if before is not None and before.pk:
        qs = qs.exclude(pk=before.pk)
        if before.scheduled_for is not None:
            qs = qs.filter(scheduled_for__lt=before.scheduled_for)
        else:
            qs = qs.filter(created_at__lt=before.created_at)
    return qs.order_by("-scheduled_for", "-id").first()


def commitments_to_review(*, team: Team, before: Workshop | None = None) -> list[Commitment]:
    """The previous workshop's commitments that are not settled yet (reviewed first)."""
    prev = previous_workshop(team=team, before=before)
    if prev is None:
        return []
    return list(
        Commitment.objects.filter(workshop=prev, status__in=REVIEW_STATUSES).select_related("owner")
    )


def _figure_text(cell: DimensionCell, figures: TeamFigures) -> str:
    if cell.suppressed:
        return f"Figures withheld: {figures.reason(cell)}"
    text = f"score {cell.score:.0f}/100 (n = {cell.n}"
    if cell.has_ci and cell.ci_low is not None and cell.ci_high is not None:
        text += f", 95 % CI {cell.ci_low:.0f}–{cell.ci_high:.0f}"
    return text + (f"), {cell.band}" if cell.band else ")")


def agenda_propose(*, tenant: Tenant, team: Team) -> list[dict[str, Any]]:
    """The proposed agenda: review last workshop's open commitments, then the weakest
    released dimensions and the team's stuck decisions, each with the rubric's plays."""
    items: list[dict[str, Any]] = []
    review = commitments_to_review(team=team)
    if review:
        lines = [
            f"{c.what} — {c.owner.name if c.owner else 'no owner'}, due {c.due_on:%d %b %Y}"
            f" ({c.get_status_display().lower()})"
            for c in review
        ]
        items.append(
            {
                "kind": "review",
                "title": "Review last workshop's open commitments",
                "notes": "\n".join(lines),
                "plays": [],
            }
        )
    figures = team_figures(tenant=tenant, team=team)
    shown = sorted(
        (c for c in figures.cells if not c.suppressed and c.score is not None),
        key=lambda c: (c.score, c.key),
    )
    weakest = shown[:WEAKEST_DIMENSIONS]
    plays = _plays(figures.rubric_id, [c.key for c in weakest] + [DECISION_DIMENSION])
    for cell in weakest:
        items.append(
            {
                "kind": "dimension",
                "key": cell.key,
                "title": cell.name,
                "figure": _figure_text(cell, figures),
                "notes": "",
                "plays": [p.get("title", "") for p in plays.get(cell.key, [])],
            }
        )
    team_ids = descendant_ids(tenant.org.pk, [team.pk])
    stuck = [
        r
        for r in decisions_at_risk(tenant=tenant)
        if {t.pk for t in r["decision"].affected_teams.all()} & team_ids
    ][:STUCK_DECISIONS]
    for r in stuck:
        items.append(
            {
                "kind": "decision",
                "decision_id": r["decision"].pk,
                "title": f"Stuck decision: {r['decision'].title}",
                "figure": "; ".join(r.get("reasons") or []),
                "notes": "",
                "plays": [p.get("title", "") for p in plays.get(DECISION_DIMENSION, [])],
            }
        )
    if not items:
        items.append(
            {
                "kind": "note",
                "title": "Open discussion",
                "notes": "No released figures or stuck decisions for this team yet.",
                "plays": [],
            }
        )
    return items


def workshop_list(*, tenant: Tenant) -> list[Workshop]:
    """Workshops the tenant may read, upcoming drafts first, then most recent."""
    return list(workshops_readable(tenant=tenant).order_by("-scheduled_for", "-id"))
