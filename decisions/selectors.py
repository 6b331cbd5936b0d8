"""Reads of the decision register: filtered lists, at-risk ranking, stability tables, GDPR."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet

from core.values import none_if_missing
from decisions.metrics import decision_results, snapshot_rows
from decisions.models import CheckInInvitation, Decision, DecisionStatus, DecisionStatusChange
from decisions.permissions import decisions_readable, readable_team_ids
from orgs.models import Person
from orgs.tenancy import Tenant, descendant_ids, scoped
from trustmath import decision_metrics as dm
from trustmath import decision_risk


def decision_list(
    *, tenant: Tenant, q: str = "", team_id: int | None = None, status: str = ""
) -> QuerySet[Decision]:
    """Decisions the user may read, searched in title/context, filtered by team (with
    sub-teams) and status."""
    qs = decisions_readable(tenant)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(context__icontains=q))
    if team_id:
        teams = descendant_ids(tenant.org.pk, [team_id])
        qs = qs.filter(
            pk__in=scoped(Decision, tenant.org).filter(affected_teams__in=teams).values("pk")
        )
    if status in DecisionStatus.values:
        qs = qs.filter(status=status)
    return qs.select_related("owner").prefetch_related("affected_teams")


def decision_history(*, decision: Decision) -> list[DecisionStatusChange]:
    return list(decision.status_changes.select_related("changed_by").order_by("changed_at", "id"))


def decisions_at_risk(*, tenant: Tenant, limit: int = 50) -> list[dict[str, Any]]:
    """Live decisions (decided / being revisited) the user may see, ranked by risk score.

    Only decisions with >= k answers appear (per-decision anonymity); see
    trustmath.decision_metrics.at_risk for the score and thresholds.
    """
    visible = readable_team_ids(tenant)
    qs = scoped(Decision, tenant.org).filter(
        status__in=[DecisionStatus.DECIDED, DecisionStatus.BEING_REVISITED]
    )
    if visible is not None:
        qs = qs.filter(
            pk__in=qs.filter(
                Q(affected_teams__in=visible) | Q(stakeholders__team__in=visible)
            ).values("pk")
        )
    decisions = {d.pk: d for d in qs.prefetch_related("affected_teams")}
    if not decisions:
        return []
    results = decision_results(org=tenant.org, decision_ids=list(decisions))
    frame = pd.DataFrame(list(results.values()))
    frame["suppressed"] = frame["suppressed"].astype(bool)
    for col in dm.NUMBER_COLUMNS:
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    ranked = decision_risk.at_risk(frame).head(limit)
    return [
        {
            "decision": decisions[int(r["decision_id"])],
            **{k: none_if_missing(v) for k, v in r.items()},
        }
        for r in ranked.to_dict("records")
    ]


def stability_table(*, tenant: Tenant) -> dict[str, Any]:
    """Team x period decision check-in figures the user may see, for the leader page/API."""
    visible = tenant.visible_team_ids()
    return {"rows": snapshot_rows(org=tenant.org, visible_team_ids=visible)}


def person_decision_data(person: Person) -> dict[str, Any]:
    """What the decision register stores about one person (their part of the GDPR export).

    Check-in answers are not here: they carry no link to the person who gave them, and
    the invitations say whether they were sent, never whether they were answered.
    """

    def brief(d: Decision) -> dict[str, Any]:
        return {"title": d.title, "status": d.status, "decided_on": d.decided_on.isoformat()}

    invitations = (
        CheckInInvitation.objects.filter(person=person)
        .select_related("decision")
        .order_by("created_at", "id")
    )
    return {
        "checkin_invitations": [
            {
                "decision": inv.decision.title if inv.decision else None,
                "offset_days": inv.offset_days,
                "created_at": inv.created_at.isoformat(),
                "sent_at": inv.sent_at.isoformat() if inv.sent_at else None,
                # Never "used": the admin reading the export would learn who answered.
            }
            for inv in invitations
        ],
        "decisions_owned": [
            brief(d) for d in Decision.objects.filter(owner=person).order_by("decided_on", "id")
        ],
        "decisions_as_stakeholder": [
            brief(d)
            for d in Decision.objects.filter(stakeholders=person).order_by("decided_on", "id")
        ],
    }
