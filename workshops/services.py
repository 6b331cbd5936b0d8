"""Writes of preparing a workshop and recording its commitments (each audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.constants import K_FLOOR
from core.tasks import task_queue_on_commit
from decisions.models import DecisionSource
from decisions.services import decision_create
from orgs.models import Organization, Person, Team
from workshops.models import Workshop
from workshops.models_commitments import (
    WHAT_MAX_LENGTH,
    Commitment,
    CommitmentStatus,
)
from workshops.selectors_followthrough import org_today

AGENDA_MAX_ITEMS = 30
TITLE_MAX = 200
NOTES_MAX = 4000
ITEM_KINDS = frozenset({"review", "dimension", "decision", "note"})


def _clean_item(raw: Any) -> dict[str, Any]:
    """One agenda item as stored: known kind, trimmed title and notes, plays as text."""
    item = raw if isinstance(raw, dict) else {}
    title = " ".join(str(item.get("title", "")).split())[:TITLE_MAX]
    if not title:
        raise ValidationError({"agenda": "Every agenda item needs a title."})
    notes = str(item.get("notes", ""))
    if len(notes) > NOTES_MAX:
        raise ValidationError({"agenda": f"Keep an item's notes to {NOTES_MAX} characters."})
    out: dict[str, Any] = {
        "kind": item.get("kind") if item.get("kind") in ITEM_KINDS else "note",
        "title": title,
        "notes": notes.strip(),
        "plays": [str(p)[:TITLE_MAX] for p in (item.get("plays") or []) if str(p).strip()][:10],
    }
    for key in ("key", "figure"):
        if item.get(key):
            out[key] = str(item[key])[: TITLE_MAX * 2]
    if isinstance(item.get("decision_id"), int):
        out["decision_id"] = item["decision_id"]
    return out


def clean_agenda(items: Any) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise ValidationError({"agenda": "The agenda must be a list of items."})
    if len(items) > AGENDA_MAX_ITEMS:
        raise ValidationError({"agenda": f"An agenda holds at most {AGENDA_MAX_ITEMS} items."})
    return [_clean_item(i) for i in items]


def _clean_title(title: str) -> str:
    title = " ".join(str(title or "").split())
    if not title:
        raise ValidationError({"title": "Give the workshop a title."})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"Keep the title to {TITLE_MAX} characters."})
    return title


K_MAX = 50


def _clean_k(raw: Any) -> int:
    msg = f"Give a whole number from {K_FLOOR} to {K_MAX}."
    try:
        k = int(str(raw).strip() or K_FLOOR)
    except ValueError as exc:
        raise ValidationError({"anonymity_k": msg}) from exc
    if not K_FLOOR <= k <= K_MAX:
        raise ValidationError({"anonymity_k": msg})
    return k


def workshop_create(
    *,
    org: Organization,
    actor: Any,
    team: Team,
    title: str,
    agenda: list[dict[str, Any]],
    scheduled_for: dt.datetime | None = None,
    anonymity_k: Any = K_FLOOR,
) -> Workshop:
    """A draft workshop for `team` with the (proposed, maybe edited) agenda.

    `anonymity_k` is the live polls' threshold: 3 by default — a workshop may use a lower k
    than the org's, never below 3 (DESIGN.md, anonymity) — so a room of a few people sees
    its results; the org's k still rules every released figure (follow-through, report)."""
    if team.organization_id != org.pk:
        raise ValidationError({"team": "Choose one of your organization's teams."})
    k = _clean_k(anonymity_k)
    items = clean_agenda(agenda)
    workshop = Workshop.objects.create(
        organization=org,
        team=team,
        facilitator=actor if getattr(actor, "is_authenticated", False) else None,
        title=_clean_title(title),
        scheduled_for=scheduled_for,
        agenda=items,
        focus_dimensions=[i["key"] for i in items if i["kind"] == "dimension" and "key" in i],
        anonymity_k=k,
    )
    audit_record(
        organization=org,
        actor=actor,
        action="workshops.workshop.created",
        obj=workshop,
        changes={"team": team.pk, "items": len(items)},
    )
    return workshop


def workshop_update(
    *,
    workshop: Workshop,
    actor: Any,
    title: str,
    agenda: list[dict[str, Any]],
    scheduled_for: dt.datetime | None,
) -> Workshop:
    """Save the edited title, date and agenda (items added, removed, reordered, annotated)."""
    items = clean_agenda(agenda)
    workshop.title = _clean_title(title)
    workshop.agenda = items
    workshop.scheduled_for = scheduled_for
    workshop.focus_dimensions = [i["key"] for i in items if i["kind"] == "dimension" and "key" in i]
    workshop.save(update_fields=["title", "agenda", "scheduled_for", "focus_dimensions"])
    audit_record(
        organization=workshop.organization,
        actor=actor,
        action="workshops.workshop.updated",
        obj=workshop,
        changes={"items": len(items)},
    )
    return workshop


def _clean_commitment(
    org: Organization,
    what: str,
    owner: Person | None,
    due_on: dt.date | None,
    now: dt.datetime | None,
    *,
    kept_due: dt.date | None = None,
) -> tuple[str, Person, dt.date]:
    """What, owner and due date checked; ValidationError naming each bad field. A due date
    in the past is refused unless it is the one the commitment already has (`kept_due`)."""
    errors: dict[str, str] = {}
    what = " ".join(str(what or "").split())
    if not what:
        errors["what"] = "Say what was committed to."
    elif len(what) > WHAT_MAX_LENGTH:
        errors["what"] = f"Keep it to {WHAT_MAX_LENGTH} characters."
    if owner is None or owner.organization_id != org.pk:
        errors["owner"] = "Choose an owner from your organization's people."
    elif not owner.is_active:
        errors["owner"] = "That person is no longer active; choose someone else."
    today = org_today(org, now)
    if due_on is None:
        errors["due_on"] = "Give a due date."
    elif due_on < today and due_on != kept_due:
        errors["due_on"] = f"The due date {due_on:%d %b %Y} is in the past; pick today or later."
    if errors:
        raise ValidationError(errors)
    assert owner is not None and due_on is not None
    return what, owner, due_on


def commitment_update(
    *,
    commitment: Commitment,
    actor: Any,
    what: str,
    owner: Person | None,
    due_on: dt.date | None,
    now: dt.datetime | None = None,
) -> Commitment:
    """Edit what, owner and due date (audited). A new due date before the team was asked
    re-arms the owner's reminder for it."""
    org = commitment.workshop.organization
    what, owner, due_on = _clean_commitment(
        org, what, owner, due_on, now, kept_due=commitment.due_on
    )
    changes: dict[str, Any] = {}
    if what != commitment.what:
        changes["what"] = "edited"
    if owner.pk != commitment.owner_id:
        changes["owner"] = {"from": commitment.owner_id, "to": owner.pk}
    if due_on != commitment.due_on:
        changes["due_on"] = {"from": commitment.due_on.isoformat(), "to": due_on.isoformat()}
    if not changes:
        return commitment
    fields = ["what", "owner", "due_on"]
    if "due_on" in changes and commitment.asked_at is None:
        commitment.reminded_at = None
        fields.append("reminded_at")
    commitment.what, commitment.owner, commitment.due_on = what, owner, due_on
    with transaction.atomic():
        commitment.save(update_fields=fields)
        audit_record(
            organization=org,
            actor=actor,
            action="workshops.commitment.updated",
            obj=commitment,
            changes=changes,
        )
    return commitment


def commitment_create(
    *,
    workshop: Workshop,
    actor: Any,
    what: str,
    owner: Person | None,
    due_on: dt.date | None,
    log_as_decision: bool = False,
    now: dt.datetime | None = None,
) -> Commitment:
    """Record a commitment; with `log_as_decision`, also log it in the decision register
    (source "recorded in a workshop") so it gets the decision check-ins."""
    org = workshop.organization
    what, owner, due_on = _clean_commitment(org, what, owner, due_on, now)
    with transaction.atomic():
        commitment = Commitment.objects.create(
            organization=org,
            workshop=workshop,
            what=what,
            owner=owner,
            due_on=due_on,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            created_at=now or timezone.now(),
        )
        audit_record(
            organization=org,
            actor=actor,
            action="workshops.commitment.created",
            obj=commitment,
            changes={"workshop": workshop.pk, "owner": owner.pk, "due_on": due_on.isoformat()},
        )
        if log_as_decision:
            commitment_log_decision(commitment=commitment, actor=actor, now=now)
    return commitment


def commitment_log_decision(
    *, commitment: Commitment, actor: Any, now: dt.datetime | None = None
) -> Commitment:
    """Log the commitment in the decision register, once (a second call changes nothing)."""
    if commitment.decision_id is not None:
        return commitment
    workshop = commitment.workshop
    org = workshop.organization
    decision = decision_create(
        org=org,
        actor=actor,
        title=commitment.what[:200],
        decided_on=org_today(org, now),
        context=f"Recorded in workshop “{workshop.title}”; due {commitment.due_on:%d %b %Y}.",
        owner=commitment.owner,
        affected_teams=[workshop.team],
        source=DecisionSource.WORKSHOP,
        note=f"Recorded in workshop {workshop.title}",
    )
    commitment.decision = decision
    commitment.save(update_fields=["decision"])
    audit_record(
        organization=org,
        actor=actor,
        action="workshops.commitment.logged_as_decision",
        obj=commitment,
        changes={"decision": decision.pk},
    )
    return commitment


def commitment_status_set(
    *, commitment: Commitment, actor: Any, status: str, now: dt.datetime | None = None
) -> Commitment:
    """Set a commitment's status (facilitator, owner's follow-up answer or the sweep);
    the same status again changes nothing."""
    if status not in CommitmentStatus.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if commitment.status == status:
        return commitment
    now = now or timezone.now()
    old = commitment.status
    commitment.status = status
    commitment.status_changed_at = now
    commitment.done_at = now if status == CommitmentStatus.DONE else None
    commitment.save(update_fields=["status", "status_changed_at", "done_at"])
    audit_record(
        organization=commitment.workshop.organization,
        actor=actor,
        action="workshops.commitment.status_changed",
        obj=commitment,
        changes={"from": old, "to": status},
    )
    # The figures pages show are released, not live: a new release shortly after the change
    # (the delay gathers a burst of changes into one release).
    task_queue_on_commit(
        "workshops.publish_follow_through", commitment.organization_id, countdown=30
    )
    return commitment
