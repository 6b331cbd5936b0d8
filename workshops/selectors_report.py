"""What a workshop's page and report show: agenda, before-figures, polls, commitments.

Before-figures are the team's released figures of the latest period at or before the
workshop (scoring.selectors: disclosure control as everywhere); the "after" figures of the
focus dimensions appear once a later period is released.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from orgs.tenancy import Tenant
from workshops.models import Workshop
from workshops.models_commitments import (
    ASK_DAYS_AFTER,
    REMIND_DAYS_BEFORE,
    Commitment,
    CommitmentStatus,
)
from workshops.models_polls import Poll, Vote
from workshops.polls import poll_tally
from workshops.selectors import TeamFigures, commitments_to_review, team_figures
from workshops.selectors_followthrough import (
    AnswerSummary,
    FollowThrough,
    commitment_age_days,
    follow_through_total,
    followthrough_release_read,
    followup_answers,
    org_today,
)
from workshops.selectors_live import polls_with_counts


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    age_days: int  # days past due (0 before the due date)
    answers: AnswerSummary

    @property
    def remind_on(self) -> dt.date:
        """When the owner's reminder goes (or went) out: the hourly pass of that day."""
        return self.commitment.due_on - dt.timedelta(days=REMIND_DAYS_BEFORE)

    @property
    def ask_on(self) -> dt.date:
        """When owner and team are asked "did this happen?"."""
        return self.commitment.due_on + dt.timedelta(days=ASK_DAYS_AFTER)

    @property
    def waiting(self) -> bool:
        return self.commitment.status == CommitmentStatus.WAITING


def workshop_day(workshop: Workshop) -> dt.date:
    """The workshop's day in the org's zone (its creation day while unscheduled)."""
    moment = workshop.scheduled_for or workshop.created_at or timezone.now()
    return timezone.localtime(moment, workshop.organization.tz).date()


def commitment_rows(*, workshop: Workshop, now: dt.datetime | None = None) -> list[CommitmentRow]:
    today = org_today(workshop.organization, now)
    released = followthrough_release_read(org_id=workshop.organization_id)
    return [
        CommitmentRow(
            commitment=c,
            age_days=commitment_age_days(c, today),
            answers=followup_answers(commitment=c, cells=released),
        )
        for c in Commitment.objects.filter(workshop=workshop).select_related(
            "owner", "decision", "organization"
        )
    ]


def _result_lines(tally: dict[str, Any]) -> list[tuple[str, str]]:
    """A tally as (label, value) lines a table (and the PDF) can show."""
    if tally["kind"] == "text":
        return [(t, "") for t in tally["texts"]]
    if tally["kind"] == "matrix":
        return [(row["label"], f"most placed: {row['placed']}") for row in tally["grid"]]
    if tally["kind"] == "rank":
        return [(row["label"], f"{row['count']} pts") for row in tally["rows"]]
    lines = [(row["label"], f"{row['count']} ({row['pct']} %)") for row in tally["rows"]]
    if tally.get("mean"):
        lines.append(("Mean (of 5)", str(tally["mean"])))
    return lines


def poll_results(*, workshop: Workshop) -> list[dict[str, Any]]:
    """The revealed polls that reached the workshop's k (distinct participants), as the room
    saw them (text answers shuffled); a poll below k or never revealed is left out."""
    out = []
    for poll in polls_with_counts(workshop=workshop):
        if poll.state != Poll.State.REVEALED or int(getattr(poll, "n_votes", 0)) < workshop.k:
            continue
        answers = list(Vote.objects.filter(poll=poll).values_list("answer", flat=True))
        tally = poll_tally(poll=poll, answers=answers)
        out.append(
            {
                "question": poll.question,
                "kind": poll.get_kind_display(),
                "n": len(answers),
                "counts": _result_lines(tally),
            }
        )
    return out


@dataclass(frozen=True)
class FigureRow:
    key: str
    name: str
    focus: bool
    before: str
    after: str | None


def _cell_text(figures: TeamFigures, key: str) -> str | None:
    for cell in figures.cells:
        if cell.key == key:
            if cell.suppressed:
                return f"withheld — {figures.reason(cell)}"
            return f"{cell.score:.0f} (n = {cell.n})" if cell.score is not None else "—"
    return None


def figure_rows(
    *, tenant: Tenant, workshop: Workshop
) -> tuple[TeamFigures, TeamFigures | None, list[FigureRow]]:
    """The before-figures (and, when released, the next period's for comparison)."""
    day = workshop_day(workshop)
    before = team_figures(tenant=tenant, team=workshop.team, before=day)
    latest = team_figures(tenant=tenant, team=workshop.team)
    after = (
        latest
        if latest.period is not None and before.period is not None and latest.period > before.period
        else None
    )
    focus = set(workshop.focus_dimensions or [])
    rows = [
        FigureRow(
            key=c.key,
            name=c.name,
            focus=c.key in focus,
            before=_cell_text(before, c.key) or "—",
            after=_cell_text(after, c.key) if after is not None else None,
        )
        for c in before.cells
    ]
    return before, after, rows


def report_context(
    *, tenant: Tenant, workshop: Workshop, now: dt.datetime | None = None
) -> dict[str, Any]:
    before, after, rows = figure_rows(tenant=tenant, workshop=workshop)
    total: FollowThrough = follow_through_total(org=workshop.organization, team_id=workshop.team_id)
    return {
        "workshop": workshop,
        "day": workshop_day(workshop),
        "before": before,
        "after": after,
        "figure_rows": rows,
        "polls": poll_results(workshop=workshop),
        "commitments": commitment_rows(workshop=workshop, now=now),
        "reviewed": commitments_to_review(team=workshop.team, before=workshop),
        "follow_through": total,
        "k": workshop.organization.k,
    }
