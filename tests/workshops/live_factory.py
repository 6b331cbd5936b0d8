"""Helpers of the live-workshop tests: a workshop, its polls, participants voting."""

from __future__ import annotations

from typing import Any

from orgs.models import Organization, Team
from workshops.models import Workshop
from workshops.models_polls import Participant, Poll
from workshops.services_live import poll_create, poll_set_state, vote_submit, workshop_go_live


def workshop_make(
    *, org: Organization, team: Team, facilitator: Any = None, live: bool = True, k: int = 3
) -> Workshop:
    ws = Workshop.objects.create(
        organization=org, team=team, facilitator=facilitator, title="Retro", anonymity_k=k
    )
    return workshop_go_live(workshop=ws) if live else ws


def poll_make(
    *,
    workshop: Workshop,
    kind: str = "agree",
    options: list[str] | None = None,
    state: str = "open",
) -> Poll:
    poll = poll_create(
        workshop=workshop, kind=kind, question=f"Question {kind}?", options=options or []
    )
    if state in ("open", "closed", "revealed"):
        poll = poll_set_state(poll=poll, action="open")
    if state == "closed":
        poll = poll_set_state(poll=poll, action="close")
    if state == "revealed":
        poll = poll_set_state(poll=poll, action="reveal")
    return poll


def votes_make(*, poll: Poll, raws: list[dict[str, Any]]) -> list[Participant]:
    """One new participant per raw answer, each voting once."""
    people = []
    for raw in raws:
        p = Participant.objects.create(workshop=poll.workshop)
        vote_submit(poll_id=poll.pk, participant=p, raw=raw)
        people.append(p)
    return people
