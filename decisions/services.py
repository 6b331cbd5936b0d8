"""Writes of the decision register: create, update, change status, delete (each audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from types import EllipsisType
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from decisions.models import Decision, DecisionSource, DecisionStatus, DecisionStatusChange
from orgs.models import Organization, Person, Team


def org_today(org: Organization, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the organization's time zone."""
    return timezone.localtime(now or timezone.now(), org.tz).date()


def _validate_decided_on(org: Organization, decided_on: dt.date | None) -> dt.date:
    if decided_on is None:
        raise ValidationError({"decided_on": "Give the date the decision was made."})
    today = org_today(org)
    if decided_on > today:
        raise ValidationError(
            {
                "decided_on": f"The decided-on date {decided_on.isoformat()} is in the future"
                f" (today is {today.isoformat()} in {org.tz})."
            }
        )
    return decided_on


def _validate_superseded_by(
    decision: Decision | None, status: str, superseded_by: Decision | None, org: Organization
) -> None:
    if status == DecisionStatus.SUPERSEDED and superseded_by is None:
        raise ValidationError({"superseded_by": "Name the decision that supersedes this one."})
    if status != DecisionStatus.SUPERSEDED and superseded_by is not None:
        raise ValidationError(
            {"superseded_by": "Only a decision with status 'superseded' has a successor."}
        )
    if superseded_by is None:
        return
    if superseded_by.organization_id != org.pk:
        raise ValidationError({"superseded_by": "No such decision in this organization."})
    if decision is not None and superseded_by.pk == decision.pk:
        raise ValidationError({"superseded_by": "A decision cannot supersede itself."})
    if decision is None or decision.pk is None:
        return
    # Follow the successor chain: reaching this decision again would close a loop.
    chain = [decision.title, superseded_by.title]
    seen = {superseded_by.pk}
    cur = superseded_by.superseded_by_id
    while cur is not None and cur not in seen:
        if cur == decision.pk:
            chain.append(decision.title)
            raise ValidationError(
                {
                    "superseded_by": "That would form a cycle of superseding decisions: "
                    + " → ".join(f"“{t}”" for t in chain)
                    + "."
                }
            )
        seen.add(cur)
        nxt = Decision.objects.filter(pk=cur).values_list("title", "superseded_by_id").first()
        if nxt is None:
            break
        chain.append(nxt[0])
        cur = nxt[1]


def _check_same_org(
    org: Organization,
    owner: Person | None,
    teams: Iterable[Team],
    stakeholders: Iterable[Person],
) -> None:
    if owner is not None and owner.organization_id != org.pk:
        raise ValidationError({"owner": "No such person in this organization."})
    if any(t.organization_id != org.pk for t in teams):
        raise ValidationError({"affected_teams": "No such team in this organization."})
    if any(p.organization_id != org.pk for p in stakeholders):
        raise ValidationError({"stakeholders": "No such person in this organization."})


def _validate_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "Give the decision a title."})
    if len(title) > 200:
        raise ValidationError({"title": "Keep the title to 200 characters."})
    return title


@transaction.atomic
def decision_create(
    *,
    org: Organization,
    actor: Any,
    title: str,
    decided_on: dt.date | None,
    context: str = "",
    owner: Person | None = None,
    affected_teams: Iterable[Team] = (),
    stakeholders: Iterable[Person] = (),
    status: str = DecisionStatus.DECIDED,
    superseded_by: Decision | None = None,
    source: str = DecisionSource.LOGGED,
    note: str = "",
) -> Decision:
    """Log a decision; its first status-history row records the creation."""
    teams, people = list(affected_teams), list(stakeholders)
    title = _validate_title(title)
    decided_on = _validate_decided_on(org, decided_on)
    if status not in DecisionStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if source not in DecisionSource.values:
        raise ValidationError({"source": f"Unknown source {source!r}."})
    _check_same_org(org, owner, teams, people)
    _validate_superseded_by(None, status, superseded_by, org)
    decision = Decision.objects.create(
        organization=org,
        title=title,
        context=context or "",
        owner=owner,
        decided_on=decided_on,
        status=status,
        superseded_by=superseded_by,
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    decision.affected_teams.set(teams)
    decision.stakeholders.set(people)
    DecisionStatusChange.objects.create(
        decision=decision,
        from_status="",
        to_status=status,
        changed_by=decision.created_by,
        changed_at=timezone.now(),
        note=note or "Logged",
    )
    audit_record(
        organization=org,
        actor=actor,
        action="decisions.decision.created",
        obj=decision,
        changes={
            "title": title,
            "decided_on": decided_on.isoformat() if decided_on else None,
            "status": status,
            "affected_teams": sorted(t.pk for t in teams),
            "stakeholders": sorted(p.pk for p in people),
        },
    )
    return decision


@transaction.atomic
def decision_change_status(
    *,
    decision: Decision,
    actor: Any,
    to_status: str,
    superseded_by: Decision | None = None,
    note: str = "",
) -> DecisionStatusChange | None:
    """Move a decision to a new status (history row + audit). Same status: nothing happens.

    A change to being_revisited or reversed is a reopening (DecisionStatusChange.is_reopening).
    """
    if to_status not in DecisionStatus.values:
        raise ValidationError({"status": f"Unknown status {to_status!r}."})
    _validate_superseded_by(decision, to_status, superseded_by, decision.organization)
    if to_status == decision.status and superseded_by == decision.superseded_by:
        return None
    before = decision.status
    decision.status = to_status
    decision.superseded_by = superseded_by
    decision.save(update_fields=["status", "superseded_by", "updated_at"])
    change = DecisionStatusChange.objects.create(
        decision=decision,
        from_status=before,
        to_status=to_status,
        changed_by=actor if getattr(actor, "pk", None) else None,
        changed_at=timezone.now(),
        note=note,
    )
    audit_record(
        organization=decision.organization,
        actor=actor,
        action="decisions.decision.status_changed",
        obj=decision,
        changes={
            "from": before,
            "to": to_status,
            "superseded_by": superseded_by.pk if superseded_by else None,
            "note": note,
        },
    )
    return change


@transaction.atomic
def decision_update(
    *,
    decision: Decision,
    actor: Any,
    title: str | None = None,
    context: str | None = None,
    owner: Person | EllipsisType | None = ...,
    decided_on: dt.date | None = None,
    affected_teams: Iterable[Team] | None = None,
    stakeholders: Iterable[Person] | None = None,
    source: str | None = None,
    status: str | None = None,
    superseded_by: Decision | EllipsisType | None = ...,
    note: str = "",
) -> Decision:
    """Change the given fields (None / ... = keep); a status change goes through the history."""
    org = decision.organization
    changes: dict[str, Any] = {}
    teams = list(affected_teams) if affected_teams is not None else None
    people = list(stakeholders) if stakeholders is not None else None
    _check_same_org(org, owner if isinstance(owner, Person) else None, teams or [], people or [])
    if title is not None:
        title = _validate_title(title)
        if title != decision.title:
            changes["title"] = [decision.title, title]
            decision.title = title
    if context is not None and context != decision.context:
        changes["context"] = "changed"
        decision.context = context
    if owner is not ... and owner != decision.owner:
        changes["owner"] = [decision.owner_id, getattr(owner, "pk", None)]
        decision.owner = owner
    if decided_on is not None and decided_on != decision.decided_on:
        _validate_decided_on(org, decided_on)
        changes["decided_on"] = [decision.decided_on.isoformat(), decided_on.isoformat()]
        decision.decided_on = decided_on
    if source is not None and source != decision.source:
        if source not in DecisionSource.values:
            raise ValidationError({"source": f"Unknown source {source!r}."})
        changes["source"] = [decision.source, source]
        decision.source = source
    new_status = status if status is not None else decision.status
    new_succ = decision.superseded_by if superseded_by is ... else superseded_by
    if new_status != decision.status or new_succ != decision.superseded_by:
        # Validate before writing anything so a bad successor leaves the decision untouched.
        _validate_superseded_by(decision, new_status, new_succ, org)
    decision.save()
    if teams is not None:
        before = sorted(decision.affected_teams.values_list("pk", flat=True))
        if before != sorted(t.pk for t in teams):
            changes["affected_teams"] = [before, sorted(t.pk for t in teams)]
            decision.affected_teams.set(teams)
    if people is not None:
        before = sorted(decision.stakeholders.values_list("pk", flat=True))
        if before != sorted(p.pk for p in people):
            changes["stakeholders"] = [before, sorted(p.pk for p in people)]
            decision.stakeholders.set(people)
    if changes:
        audit_record(
            organization=org,
            actor=actor,
            action="decisions.decision.updated",
            obj=decision,
            changes=changes,
        )
    if new_status != decision.status or new_succ != decision.superseded_by:
        decision_change_status(
            decision=decision,
            actor=actor,
            to_status=new_status,
            superseded_by=new_succ,
            note=note,
        )
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision, actor: Any) -> None:
    """Delete a decision and its answers; its check-in links then say it was deleted (410)."""
    org = decision.organization
    audit_record(
        organization=org,
        actor=actor,
        action="decisions.decision.deleted",
        obj=decision,
        changes={"title": decision.title, "decided_on": decision.decided_on.isoformat()},
    )
    # Decisions it superseded keep their status but lose the pointer (SET_NULL).
    decision.delete()
