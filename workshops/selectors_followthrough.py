"""Follow-through of workshop commitments: rate (done / due) and median days to done per team
and period, each commitment's status with its age, and the team's "did this happen?" answers.

The rate counts commitments, whose status their named owner or the facilitator sets; it is
not over anyone's anonymous answers, so it needs no k. The team's answers to "did this
happen?" are people's answers: their distribution is shown only from the org's k distinct
answerers on (one link per person, so answers = people).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from core.registry import ResultSource, SourceCell
from orgs.models import Organization, Role
from orgs.periods import period_end, period_label, period_start
from orgs.tenancy import descendant_ids
from workshops.models import Workshop
from workshops.models_commitments import (
    Commitment,
    CommitmentStatus,
    FollowUpAnswer,
    FollowUpAnswerChoice,
)

ORG_ID = 0  # the whole organization, as in every result frame


def org_today(org: Organization, now: dt.datetime | None = None) -> dt.date:
    return timezone.localtime(now or timezone.now(), org.tz).date()


@dataclass(frozen=True)
class FollowThrough:
    """One team x period: commitments due, done, the rate and the median days to done."""

    team_id: int
    period: dt.date
    label: str
    due: int
    done: int
    partly: int
    median_days_to_done: float | None

    @property
    def rate(self) -> float | None:
        return None if not self.due else 100.0 * self.done / self.due


def _due_commitments(
    org: Organization, team_ids: Iterable[int] | None, today: dt.date
) -> list[Commitment]:
    qs = Commitment.objects.filter(organization=org, due_on__lt=today).select_related("workshop")
    if team_ids is not None:
        qs = qs.filter(workshop__team_id__in=list(team_ids))
    return list(qs)


def follow_through(
    *,
    org: Organization,
    team_id: int,
    periods: Iterable[dt.date] | None = None,
    now: dt.datetime | None = None,
) -> list[FollowThrough]:
    """Rate per period (by the period of each due date) of the team and its sub-teams
    (team 0: the whole org). Only commitments already due count; dropped ones count as due
    and not done (dropping is a decision, but it is not follow-through)."""
    today = org_today(org, now)
    kind = org.reporting_period
    teams = None if team_id == ORG_ID else descendant_ids(org.pk, [team_id])
    by_period: dict[dt.date, list[Commitment]] = {}
    for c in _due_commitments(org, teams, today):
        by_period.setdefault(period_start(c.due_on, kind), []).append(c)
    wanted = None if periods is None else set(periods)
    out = []
    for period in sorted(by_period):
        if wanted is not None and period not in wanted:
            continue
        rows = by_period[period]
        done = [c for c in rows if c.status == CommitmentStatus.DONE]
        days = [
            (
                timezone.localtime(c.done_at, org.tz).date()
                - timezone.localtime(c.created_at, org.tz).date()
            ).days
            for c in done
            if c.done_at is not None
        ]
        out.append(
            FollowThrough(
                team_id=team_id,
                period=period,
                label=period_label(period, kind),
                due=len(rows),
                done=len(done),
                partly=sum(c.status == CommitmentStatus.PARTLY for c in rows),
                median_days_to_done=float(statistics.median(days)) if days else None,
            )
        )
    return out


def follow_through_total(
    *, org: Organization, team_id: int, now: dt.datetime | None = None
) -> FollowThrough:
    """All due commitments of the team (and sub-teams) together, for a page headline."""
    rows = follow_through(org=org, team_id=team_id, now=now)
    today = org_today(org, now)
    teams = None if team_id == ORG_ID else descendant_ids(org.pk, [team_id])
    done = [
        c
        for c in _due_commitments(org, teams, today)
        if c.status == CommitmentStatus.DONE and c.done_at is not None
    ]
    days = [
        (
            timezone.localtime(c.done_at, org.tz).date()
            - timezone.localtime(c.created_at, org.tz).date()
        ).days
        for c in done
        if c.done_at is not None
    ]
    return FollowThrough(
        team_id=team_id,
        period=today,
        label="all due commitments",
        due=sum(r.due for r in rows),
        done=sum(r.done for r in rows),
        partly=sum(r.partly for r in rows),
        median_days_to_done=float(statistics.median(days)) if days else None,
    )


def dashboard_follow_through(
    *, org: Organization, team_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, FollowThrough]:
    """For the dashboard: each team's overall follow-through (teams the viewer may see)."""
    return {t: follow_through_total(org=org, team_id=t, now=now) for t in team_ids}


def commitment_age_days(c: Commitment, today: dt.date) -> int:
    """Days past the due date (0 before it): how long a waiting commitment has waited."""
    return max(0, (today - c.due_on).days)


@dataclass(frozen=True)
class AnswerSummary:
    """The team's "did this happen?" answers about one commitment, or why they are hidden."""

    n: int
    shown: bool
    counts: dict[str, int]
    k: int


def followup_answers(*, commitment: Commitment) -> AnswerSummary:
    """The team's answers as counts per choice, only from k answers (people) on."""
    k = commitment.organization.k
    rows = dict(
        FollowUpAnswer.objects.filter(commitment=commitment)
        .values_list("answer")
        .annotate(n=Count("id"))
        .values_list("answer", "n")
    )
    n = sum(rows.values())
    if n < k:
        return AnswerSummary(n=n, shown=False, counts={}, k=k)
    counts = {label: rows.get(value, 0) for value, label in FollowUpAnswerChoice.choices}
    return AnswerSummary(n=n, shown=True, counts=counts, k=k)


def followthrough_source_cells(
    org: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], SourceCell]:
    """The follow-through rate as a result source cell per (team, period)."""
    out: dict[tuple[int, dt.date], SourceCell] = {}
    if not Workshop.objects.filter(organization=org).exists():
        return out
    by_team: dict[int, dict[dt.date, FollowThrough]] = {}
    for team_id in {t for t, _ in keys}:
        by_team[team_id] = {r.period: r for r in follow_through(org=org, team_id=team_id)}
    for team_id, period in keys:
        row = by_team.get(team_id, {}).get(period)
        if row is None or row.rate is None:
            continue
        payload = {
            "source": "workshop commitments",
            "due": row.due,
            "done": row.done,
            "rate_pct": round(row.rate, 1),
            "median_days_to_done": row.median_days_to_done,
            "period_end": period_end(period, org.reporting_period).isoformat(),
        }
        out[(team_id, period)] = SourceCell(
            payload=payload, suppressed=False, score=row.rate, n=row.due
        )
    return out


FOLLOWTHROUGH_SOURCE = ResultSource(
    field="workshop_commitments",
    dimension="follow_through",
    row_label="↳ % of due commitments done — source: workshop commitments",
    help_text="follow_through from workshop commitments: done / due per team and period, a "
    "separate, labelled source (never mixed into the pulse score)",
    note="The “↳ … source: workshop commitments” row is the share of workshop commitments due "
    "in the period that were done (n = commitments due); a separate source, never averaged "
    "into the pulse score above it.",
    more_label="Workshops and their commitments",
    more_url="workshops:list",
    more_roles=frozenset({Role.ADMIN, Role.LEADER, Role.FACILITATOR}),
    cells=followthrough_source_cells,
)
