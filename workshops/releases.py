"""Release the follow-through figures through disclosure control: k people and the release ledger.

The follow-through rate of a team (and its sub-teams) per reporting period and overall, and
the team's anonymous "did this happen?" answers per commitment, are published here — by the
hourly follow-up pass, after a flush of team answers, and shortly after a commitment's
status changes — and stored (models_release.FollowThroughRelease). Pages, the dashboard and
the result source read that release, never a live computation, so one more status or answer
changes nothing until the next release, and that release passes two checks per cell:

* k people: a rate covers commitments of at least k distinct owners (a rate over one or two
  owners is their personal record); a team-answer summary holds at least k answers, one
  link per person, so k people.
* the release ledger (orgs/ledger.py, `ledger_settle`): with every set of the measure
  released earlier in the org and the other cells of this release, no sum or difference
  of cells may isolate 1 … k − 1 members (a parent team minus a sub-team, this month's
  total minus last month's, or any longer combination: the atom rule). A refused cell
  keeps its last released figure ("as released on …") or, if it had none, is hidden.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.links import keyed_hash
from core.reasons import reason_text
from orgs.ledger import ledger_ids, ledger_settle
from orgs.models import Organization, Team
from orgs.models_ledger import LedgerSource
from orgs.periods import period_label, period_start
from trustmath.ledger import ID, SET
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_LEDGER
from workshops.models_commitments import (
    Commitment,
    CommitmentStatus,
    FollowUpAnswer,
    FollowUpAnswerChoice,
)
from workshops.models_release import FollowThroughRelease
from workshops.selectors_followthrough import (
    ORG_ID,
    answers_label,
    followthrough_release_read,
    rate_label,
)

MEASURE = "measure"
RATE_MEASURE = "workshops:follow_through"
ANSWERS_MEASURE = "workshops:followup_answers"
COMMITMENTS = "commitment owners"
ANSWERERS = "people who answered"


def _commitment_ledger_id(org_id: int, commitment_id: int) -> str:
    """A stable opaque 16-byte id of a commitment for the ledger (never a person)."""
    return keyed_hash(namespace="workshop-commitment", parts=[org_id, commitment_id])[:32]


@dataclass
class _Cell:
    label: str
    measure: str
    ids: list[str]
    people: int
    numbers: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)  # shown even when hidden (period label)


def _days_to_done(c: Commitment, org: Organization) -> int | None:
    if c.status != CommitmentStatus.DONE or c.done_at is None:
        return None
    done = timezone.localtime(c.done_at, org.tz).date()
    return (done - timezone.localtime(c.created_at, org.tz).date()).days


def _rate_numbers(rows: list[Commitment], org: Organization) -> dict[str, Any]:
    days = [d for d in (_days_to_done(c, org) for c in rows) if d is not None]
    done = sum(c.status == CommitmentStatus.DONE for c in rows)
    return {
        "due": len(rows),
        "done": done,
        "partly": sum(c.status == CommitmentStatus.PARTLY for c in rows),
        "rate": round(100.0 * done / len(rows), 1),
        "median_days_to_done": float(statistics.median(days)) if days else None,
    }


def _rate_cells(org: Organization, today: dt.date) -> list[_Cell]:
    """Every (team or org, period or total) holding commitments already due. Dropped ones
    count as due and not done (dropping is a decision, but it is not follow-through)."""
    due = list(
        Commitment.objects.filter(organization=org, due_on__lt=today)
        .select_related("workshop")
        .order_by("pk")
    )
    if not due:
        return []
    tree = org.team_tree()
    team_ids = list(Team.objects.filter(organization=org).values_list("pk", flat=True))
    kind = org.reporting_period
    cells = []
    for team_id in [ORG_ID, *team_ids]:
        scope = None if team_id == ORG_ID else tree.descendants([team_id])
        rows = [c for c in due if scope is None or c.workshop.team_id in scope]
        if not rows:
            continue
        by_period: dict[dt.date | None, list[Commitment]] = {None: rows}
        for c in rows:
            by_period.setdefault(period_start(c.due_on, kind), []).append(c)
        for period, part in by_period.items():
            cells.append(
                _Cell(
                    label=rate_label(team_id, period),
                    measure=RATE_MEASURE,
                    ids=[_commitment_ledger_id(org.pk, c.pk) for c in part],
                    people=len({c.owner_id for c in part if c.owner_id is not None}),
                    numbers=_rate_numbers(part, org),
                    meta={
                        "period": period.isoformat() if period else None,
                        "label": period_label(period, kind) if period else "all due commitments",
                    },
                )
            )
    return cells


def _answer_cells(org: Organization) -> list[_Cell]:
    rows = list(
        FollowUpAnswer.objects.filter(organization=org).values_list("commitment_id", "id", "answer")
    )
    by_commitment: dict[int, list[tuple[Any, str]]] = {}
    for commitment_id, pk, answer in rows:
        by_commitment.setdefault(commitment_id, []).append((pk, answer))
    cells = []
    for commitment_id, answers in sorted(by_commitment.items()):
        counts = {
            label: sum(a == value for _, a in answers)
            for value, label in FollowUpAnswerChoice.choices
        }
        cells.append(
            _Cell(
                label=answers_label(commitment_id),
                measure=ANSWERS_MEASURE,
                ids=[str(pk) for pk, _ in answers],
                people=len(answers),  # one link per person: answers are people
                numbers={"n": len(answers), "counts": counts},
            )
        )
    return cells


def _frame(cells: Iterable[_Cell]) -> pd.DataFrame:
    labels: list[str] = []
    ids: list[str] = []
    measures: list[str] = []
    for c in cells:
        labels += [c.label] * len(c.ids)
        ids += c.ids
        measures += [c.measure] * len(c.ids)
    return pd.DataFrame({SET: labels, ID: ledger_ids(ids), MEASURE: measures})


def _decide(
    org: Organization, cells: list[_Cell], previous: dict[str, dict[str, Any]], now: dt.datetime
) -> tuple[dict[str, dict[str, Any]], list[_Cell]]:
    """Each cell shown (numbers), held (its last release) or hidden (reason, no numbers).

    Cells of k people or more go through `orgs.ledger.ledger_settle` together (the atom
    rule: with every set of the measure released before, no sum or difference of cells
    may isolate fewer than k); the sets shown are recorded there."""
    k = org.k
    cells = sorted(cells, key=lambda c: (-len(c.ids), c.label))
    eligible = [c for c in cells if c.people >= k]
    refused: frozenset[str] = frozenset()
    if eligible:
        settled = ledger_settle(
            org=org,
            members=_frame(eligible),
            decide=lambda forced: {c.label for c in eligible} - forced,
            source=LedgerSource.WORKSHOP,
            labels={c.label: f"workshops {c.label}" for c in eligible},
        )
        refused = settled.refused
    accepted: list[_Cell] = []
    out: dict[str, dict[str, Any]] = {}
    for c in cells:
        if c.people < k:
            what = ANSWERS_MEASURE if c.measure == ANSWERS_MEASURE else RATE_MEASURE
            answers = ANSWERERS if what == ANSWERS_MEASURE else COMMITMENTS
            reason = reason_text(REASON_FEWER_THAN_K, k=k, answers=answers)
            out[c.label] = {**c.meta, "shown": False, "reason": reason}
            continue
        if c.label in refused:
            prev = previous.get(c.label)
            if prev is not None and prev.get("shown"):
                out[c.label] = {**prev, "held": True}
            else:
                out[c.label] = {**c.meta, "shown": False, "reason": reason_text(REASON_LEDGER, k=k)}
            continue
        accepted.append(c)
        out[c.label] = {
            **c.meta,
            **c.numbers,
            "shown": True,
            "held": False,
            "released_at": now.isoformat(),
        }
    return out, accepted


def followthrough_publish(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Release the org's follow-through cells; returns how many are shown. Holds the org row
    lock between the ledger check and the record, as every release does."""
    now = now or timezone.now()
    today = timezone.localtime(now, org.tz).date()
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        if not Commitment.objects.filter(organization=org).exists():
            FollowThroughRelease.objects.filter(organization=org).delete()
            return 0
        previous = followthrough_release_read(org_id=org.pk)
        cells = _rate_cells(org, today) + _answer_cells(org)
        out, accepted = _decide(org, cells, previous, now)
        FollowThroughRelease.objects.update_or_create(
            organization=org,
            defaults={
                "released_at": now,
                "figures": json.dumps({"k": org.k, "cells": out}),
            },
        )
    return len(accepted)
