"""Follow-through of workshop commitments as released (workshops/releases.py): rate (done /
due) and median days to done per team and period, the team's "did this happen?" answers, and
each commitment's age while it waits.

Every figure here is read from the org's latest FollowThroughRelease, never computed per
request: a cell is there with its numbers only when it passed k people and the release
ledger; otherwise with the reason in words and no numbers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from core.registry import ResultSource, SourceCell
from orgs.models import Organization, Role
from orgs.periods import period_end
from workshops.models_commitments import Commitment
from workshops.models_release import FollowThroughRelease

ORG_ID = 0  # the whole organization, as in every result frame
TOTAL = "total"


def org_today(org: Organization, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), org.tz).date()


def rate_label(team_id: int, period: dt.date | None) -> str:
    return f"rate|{team_id}|{period.isoformat() if period else TOTAL}"


def answers_label(commitment_id: int) -> str:
    return f"answers|{commitment_id}"


def followthrough_release_read(*, org_id: int) -> dict[str, dict[str, Any]]:
    """The latest released cells of an org by label ({} before the first release)."""
    raw = (
        FollowThroughRelease.objects.filter(organization_id=org_id)
        .values_list("figures", flat=True)
        .first()
    )
    cells: dict[str, dict[str, Any]] = json.loads(raw)["cells"] if raw else {}
    return cells


@dataclass(frozen=True)
class FollowThrough:
    """One team x period (or all periods): commitments due, done, the rate and the median
    days to done as released; or hidden with the reason (no numbers)."""

    team_id: int
    period: dt.date | None
    label: str
    due: int = 0
    done: int = 0
    partly: int = 0
    median_days_to_done: float | None = None
    suppressed: bool = False
    reason: str = ""
    held: bool = False  # the last released figure, kept while a newer one was refused
    released_at: dt.datetime | None = None

    @property
    def rate(self) -> float | None:
        return None if self.suppressed or not self.due else 100.0 * self.done / self.due


def _from_cell(team_id: int, cell: dict[str, Any]) -> FollowThrough:
    period = dt.date.fromisoformat(cell["period"]) if cell.get("period") else None
    if not cell.get("shown"):
        return FollowThrough(
            team_id=team_id,
            period=period,
            label=cell.get("label", ""),
            suppressed=True,
            reason=cell.get("reason", "hidden"),
        )
    released = cell.get("released_at")
    return FollowThrough(
        team_id=team_id,
        period=period,
        label=cell.get("label", ""),
        due=int(cell["due"]),
        done=int(cell["done"]),
        partly=int(cell["partly"]),
        median_days_to_done=cell.get("median_days_to_done"),
        held=bool(cell.get("held")),
        released_at=dt.datetime.fromisoformat(released) if released else None,
    )


def follow_through(
    *, org: Organization, team_id: int, cells: dict[str, dict[str, Any]] | None = None
) -> list[FollowThrough]:
    """The released cells per period of the team and its sub-teams (team 0: the whole org),
    oldest first."""
    cells = followthrough_release_read(org_id=org.pk) if cells is None else cells
    prefix = f"rate|{team_id}|"
    rows = [
        _from_cell(team_id, cell)
        for label, cell in cells.items()
        if label.startswith(prefix) and not label.endswith(f"|{TOTAL}")
    ]
    return sorted(rows, key=lambda r: r.period or dt.date.min)


def follow_through_total(
    *, org: Organization, team_id: int, cells: dict[str, dict[str, Any]] | None = None
) -> FollowThrough:
    """All due commitments of the team (and sub-teams) together, for a page headline;
    due = 0 when nothing was due at the last release."""
    cells = followthrough_release_read(org_id=org.pk) if cells is None else cells
    cell = cells.get(rate_label(team_id, None))
    if cell is None:
        return FollowThrough(team_id=team_id, period=None, label="all due commitments")
    return _from_cell(team_id, cell)


def dashboard_follow_through(*, org: Organization, team_ids: list[int]) -> dict[int, FollowThrough]:
    """For the dashboard: each team's overall follow-through (teams the viewer may see)."""
    cells = followthrough_release_read(org_id=org.pk)
    return {t: follow_through_total(org=org, team_id=t, cells=cells) for t in team_ids}


def commitment_age_days(c: Commitment, today: dt.date) -> int:
    """Days past the due date (0 before it): how long a waiting commitment has waited."""
    return max(0, (today - c.due_on).days)


@dataclass(frozen=True)
class AnswerSummary:
    """The team's released "did this happen?" answers about one commitment, or why not."""

    shown: bool
    counts: dict[str, int]
    k: int
    n: int = 0
    reason: str = ""


def followup_answers(
    *, commitment: Commitment, cells: dict[str, dict[str, Any]] | None = None
) -> AnswerSummary:
    """The released counts per choice (from k answers, i.e. k people, on), or the reason."""
    k = commitment.organization.k
    cells = (
        followthrough_release_read(org_id=commitment.organization_id) if cells is None else cells
    )
    cell = cells.get(answers_label(commitment.pk))
    if cell is None:
        return AnswerSummary(shown=False, counts={}, k=k)
    if not cell.get("shown"):
        return AnswerSummary(shown=False, counts={}, k=k, reason=cell.get("reason", "hidden"))
    return AnswerSummary(shown=True, counts=dict(cell["counts"]), k=k, n=int(cell["n"]))


def followthrough_source_cells(
    org: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], SourceCell]:
    """The released follow-through rate as a result source cell per (team, period)."""
    out: dict[tuple[int, dt.date], SourceCell] = {}
    cells = followthrough_release_read(org_id=org.pk)
    if not cells:
        return out
    for team_id, period in keys:
        cell = cells.get(rate_label(team_id, period))
        if cell is None:
            continue
        row = _from_cell(team_id, cell)
        if row.suppressed:
            out[(team_id, period)] = SourceCell(
                payload={
                    "source": "workshop commitments",
                    "suppressed": True,
                    "reason": row.reason,
                },
                suppressed=True,
                reason=row.reason,
            )
            continue
        if row.rate is None:
            continue
        payload = {
            "source": "workshop commitments",
            "suppressed": False,
            "due": row.due,
            "done": row.done,
            "rate_pct": round(row.rate, 1),
            "median_days_to_done": row.median_days_to_done,
            "period_end": period_end(period, org.reporting_period).isoformat(),
            "released_at": row.released_at.isoformat() if row.released_at else None,
        }
        out[(team_id, period)] = SourceCell(
            payload=payload, suppressed=False, score=row.rate, n=row.due
        )
    return out


FOLLOWTHROUGH_SOURCE = ResultSource(
    field="workshop_commitments",
    dimension="follow_through",
    row_label="↳ % of due commitments done — source: workshop commitments",
    help_text="follow_through from workshop commitments: done / due per team and period, "
    "released with k commitment owners and the release ledger; a separate, labelled source "
    "(never mixed into the pulse score); no numbers when suppressed",
    note="The “↳ … source: workshop commitments” row is the share of workshop commitments due "
    "in the period that were done (n = commitments due), released only over at least k "
    "commitment owners; a separate source, never averaged into the pulse score above it.",
    more_label="Workshops and their commitments",
    more_url="workshops:list",
    more_roles=frozenset({Role.ADMIN, Role.LEADER, Role.FACILITATOR}),
    cells=followthrough_source_cells,
)
