"""Handoff events from three sources: the work-item history, the API and the hand-off form.

People as a tool exports them (an email, a display name) are matched to our people by email,
then by exact name (case and spaces ignored); anything else is listed as unmatched, never
guessed. Teams are ours by id, name or saved alias (execution's TeamAlias).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import InvalidInput
from execution.checks import name_key
from execution.derive import status_map, team_lookup, work_frames
from execution.models import WorkItem
from handoffs.models import HandoffEvent, HandoffMatchReport, HandoffSource
from orgs.models import Organization, Person
from trustmath.handoffs import handoff_events

# How far ahead of the server clock a posted time may be (clock skew), not a future handoff.
FUTURE_SLACK = dt.timedelta(minutes=5)


def people_lookup(*, org: Organization) -> tuple[dict[str, int], dict[str, int | None]]:
    """(email key → person id, name key → person id or None when two people share the name)."""
    by_email: dict[str, int] = {}
    by_name: dict[str, int | None] = {}
    for pk, email, name in Person.objects.filter(organization=org).values_list(
        "pk", "email", "name"
    ):
        if email:
            by_email[name_key(email)] = pk
        key = name_key(name)
        # A name two people share matches neither of them: never guessed.
        by_name[key] = None if key in by_name else pk
    return by_email, by_name


def person_match(raw: Any, lookup: tuple[dict[str, int], dict[str, int | None]]) -> int | None:
    """Our person for an exported person: by email, then by exact name; None if neither."""
    if raw is None or (not isinstance(raw, str) and pd.isna(raw)) or not str(raw).strip():
        return None
    key = name_key(raw)
    by_email, by_name = lookup
    return by_email.get(key) or by_name.get(key)


@dataclass
class HistoryScan:
    found: int = 0
    created: int = 0
    unmatched: list[str] = field(default_factory=list)


# A team move and its new assignee are usually set together (one edit, or minutes apart).
TEAM_MOVE_WINDOW = pd.Timedelta(hours=1)


def _team_moves_with_people(h: pd.DataFrame) -> pd.DataFrame:
    """A team handoff has the assignee of that moment on both sides; when the item's assignee
    changed within TEAM_MOVE_WINDOW of the move, the handoff goes from the previous assignee
    to the new one instead, so both sides of a move between teams can be asked."""
    team = h[h["field"] == "team"]
    assign = h[(h["field"] == "assignee") & h["from_person"].notna() & h["to_person"].notna()]
    if team.empty or assign.empty:
        return h
    left = team[["item_id", "at"]].assign(row=team.index).sort_values("at")
    right = (
        assign[["item_id", "at", "from_person", "to_person"]]
        .rename(columns={"at": "a_at", "from_person": "a_from", "to_person": "a_to"})
        .sort_values("a_at")
    )
    left["item_id"] = left["item_id"].astype(str)
    right["item_id"] = right["item_id"].astype(str)
    m = pd.merge_asof(
        left,
        right,
        left_on="at",
        right_on="a_at",
        by="item_id",
        direction="nearest",
        tolerance=TEAM_MOVE_WINDOW,
    )
    m = m[m["a_from"].notna()]
    out = h.copy()
    out.loc[m["row"].to_numpy(), "from_person"] = m["a_from"].to_numpy()
    out.loc[m["row"].to_numpy(), "to_person"] = m["a_to"].to_numpy()
    return out


def handoffs_from_history(*, org: Organization) -> HistoryScan:
    """Store a HandoffEvent per assignee or team change between two of our teams in the org's
    work-item history (idempotent: re-scanning creates nothing new) and the unmatched people."""
    items, events = work_frames(organization=org)
    scan = HistoryScan()
    if items.empty or events.empty:
        _report(org, scan)
        return scan
    h = handoff_events(items, events, status_map=status_map(organization=org))
    ours = set(org.team_tree().names)
    known = h["from_team"].isin(ours) & h["to_team"].isin(ours)
    h = _team_moves_with_people(h.loc[known])
    lookup = people_lookup(org=org)
    refs = {
        str(pk): f"{src}:{iid}"
        for pk, src, iid in WorkItem.objects.filter(organization=org).values_list(
            "pk", "source", "item_id"
        )
    }
    unmatched: set[str] = set()
    rows = []
    for r in h.to_dict("records"):
        people = []
        for raw in (r["from_person"], r["to_person"]):
            pid = person_match(raw, lookup)
            if pid is None and raw is not None and str(raw).strip():
                unmatched.add(str(raw).strip())
            people.append(pid)
        rows.append(
            HandoffEvent(
                organization=org,
                source=HandoffSource.HISTORY,
                item_ref=refs.get(str(r["item_id"]), str(r["item_id"]))[:200],
                work_item_id=int(r["item_id"]),
                from_person_id=people[0],
                to_person_id=people[1],
                from_team_id=int(r["from_team"]),
                to_team_id=int(r["to_team"]),
                at=r["at"].to_pydatetime(),
            )
        )
    before = HandoffEvent.objects.filter(organization=org).count()
    with transaction.atomic():
        HandoffEvent.objects.bulk_create(rows, ignore_conflicts=True)
    scan.found = len(rows)
    scan.created = HandoffEvent.objects.filter(organization=org).count() - before
    scan.unmatched = sorted(unmatched, key=str.casefold)
    _report(org, scan)
    return scan


def _report(org: Organization, scan: HistoryScan) -> None:
    HandoffMatchReport.objects.update_or_create(
        organization=org,
        defaults={
            "unmatched": scan.unmatched,
            "created": scan.created,
            "scanned_at": timezone.now(),
        },
    )


def _team_id(org: Organization, raw: Any, teams: dict[str, int]) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    names = org.team_tree().names
    if isinstance(raw, int) or str(raw).strip().isdigit():
        tid = int(raw)
        return tid if tid in names else None
    return teams.get(name_key(raw))


def handoff_record(
    *,
    org: Organization,
    source: str,
    actor: Any,
    item: str,
    at: dt.datetime | None = None,
    link: str = "",
    from_person: Any = None,
    to_person: Any = None,
    from_team: Any = None,
    to_team: Any = None,
) -> tuple[HandoffEvent, bool]:
    """Record one handoff (API or form); returns (event, created).

    People by email, id or exact name; teams by id, name or alias; a missing team is the
    person's team. Unknown people or teams are all listed in one InvalidInput and nothing is
    stored; a time in the future is refused. Idempotent on (source, item, at): the same
    event posted twice returns the stored one.
    """
    now = timezone.now()
    at = at or now
    errors: dict[str, str] = {}
    item = (item or "").strip()
    if not item:
        errors["item"] = "Name the work that was handed over (an issue key or a title)."
    if timezone.is_naive(at):
        at = timezone.make_aware(at, org.tz)
    if at > now + FUTURE_SLACK:
        errors["at"] = "A handoff can't be dated in the future."
    lookup = people_lookup(org=org)
    people: dict[str, Person | None] = {}
    for name, raw in (("from_person", from_person), ("to_person", to_person)):
        pid: int | None = None
        if isinstance(raw, Person):
            pid = raw.pk if raw.organization_id == org.pk else None
        elif isinstance(raw, int) or (isinstance(raw, str) and raw.strip().isdigit()):
            pid = (
                Person.objects.filter(organization=org, pk=int(raw))
                .values_list("pk", flat=True)
                .first()
            )
        else:
            pid = person_match(raw, lookup)
        if raw not in (None, "") and pid is None:
            errors[name] = f"Unknown person: {raw}."
        people[name] = Person.objects.filter(pk=pid).first() if pid else None
    teams = team_lookup(organization=org)
    tids: dict[str, int | None] = {}
    for name, raw, person in (
        ("from_team", from_team, people["from_person"]),
        ("to_team", to_team, people["to_person"]),
    ):
        tid = _team_id(org, raw, teams)
        if raw not in (None, "") and tid is None:
            errors[name] = f"Unknown team: {raw}."
        elif tid is None and person is not None:
            tid = person.team_id
        if tid is None and name not in errors:
            errors[name] = "Give the team (or a person who belongs to one)."
        tids[name] = tid
    if errors:
        raise InvalidInput("The handoff was not stored.", errors)
    with transaction.atomic():
        event, created = HandoffEvent.objects.get_or_create(
            organization=org,
            source=source,
            item_ref=item[:200],
            at=at,
            defaults={
                "link": (link or "")[:500],
                "from_person": people["from_person"],
                "to_person": people["to_person"],
                "from_team_id": tids["from_team"],
                "to_team_id": tids["to_team"],
            },
        )
        if created:
            audit_record(
                organization=org,
                actor=actor,
                action="handoffs.handoff.created",
                obj=event,
                changes={"source": source},
            )
    return event, created
