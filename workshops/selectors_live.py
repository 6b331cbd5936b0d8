"""Reads of a live workshop: who may run it, the workshop behind a code, what the room sees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest

from core.errors import Gone, NotFound
from orgs.models import Role
from orgs.tenancy import Tenant, get_scoped_or_404, require_tenant
from workshops.models import Workshop
from workshops.models_polls import Poll, Vote
from workshops.polls import poll_tally
from workshops.services_live import join_code_normalise


def may_run(*, tenant: Tenant, workshop: Workshop) -> bool:
    """Org admins, the workshop's facilitator, and facilitators of its team run it live."""
    if tenant.is_admin or workshop.facilitator_id == tenant.user_id:
        return True
    return Role.FACILITATOR in tenant.roles and workshop.team_id in tenant.facilitated_team_ids


def workshop_for_runner(*, request: HttpRequest, workshop_id: int) -> tuple[Tenant, Workshop]:
    """Load a workshop of the user's org and check they may run it, in one call: 404 for a
    workshop of another org and for one they may not run (we never say which)."""
    tenant = require_tenant(request)
    workshop = get_scoped_or_404(
        Workshop.objects.select_related("team", "organization"), tenant.org, pk=workshop_id
    )
    if not may_run(tenant=tenant, workshop=workshop):
        raise NotFound("Not found")
    return tenant, workshop


def workshop_by_code(*, code: str) -> Workshop:
    """The live workshop of a join code; Gone for a code whose workshop ended, else NotFound."""
    code = join_code_normalise(code)
    if not code:
        raise NotFound("Type the code shown on the screen.")
    live = Workshop.objects.filter(live_code__code=code, state=Workshop.State.LIVE).first()
    if live is not None:
        return live
    if Workshop.objects.filter(join_code=code, state=Workshop.State.ENDED).exists():
        raise Gone(f"The workshop with code {code} has ended. Thank you for taking part.")
    raise NotFound(f"No live workshop has the code {code}. Check the code on the screen.")


def poll_open(*, workshop: Workshop) -> Poll | None:
    """The poll the room is answering now (at most one is open)."""
    return Poll.objects.filter(workshop=workshop, state=Poll.State.OPEN).first()


def vote_of(*, poll: Poll, participant_id: Any) -> Vote | None:
    return Vote.objects.filter(poll=poll, participant_id=participant_id).first()


def polls_with_counts(*, workshop: Workshop) -> list[Poll]:
    """The workshop's polls with `n_votes` (distinct participants: one vote each)."""
    return list(
        Poll.objects.filter(workshop=workshop).annotate(n_votes=Count("votes")).order_by("order")
    )


def _moved_at(poll: Poll) -> datetime:
    stamps = [t for t in (poll.opened_at, poll.closed_at, poll.revealed_at) if t is not None]
    return max(stamps) if stamps else poll.created_at


def projector_state(*, workshop: Workshop) -> dict[str, Any]:
    """What the projector shows now: the open poll (its count only), or the poll last moved
    (closed: count; revealed: its distribution, only once at least k people answered)."""
    polls = [p for p in polls_with_counts(workshop=workshop) if p.state != Poll.State.DRAFT]
    open_ = [p for p in polls if p.state == Poll.State.OPEN]
    poll = open_[0] if open_ else (max(polls, key=_moved_at) if polls else None)
    k = workshop.k
    state: dict[str, Any] = {
        "workshop": workshop,
        "poll": poll,
        "k": k,
        "participants": workshop.participants.count(),
        "tally": None,
        "below_k": False,
    }
    if poll is None:
        return state
    n = int(getattr(poll, "n_votes", 0))
    state["n"] = n
    if poll.state == Poll.State.REVEALED:
        if n >= k:
            answers = list(Vote.objects.filter(poll=poll).values_list("answer", flat=True))
            state["tally"] = poll_tally(poll=poll, answers=answers)
        else:
            state["below_k"] = True
    return state


def participant_result_state(*, workshop: Workshop) -> dict[str, Any]:
    """What a phone shows while no poll is open: the poll last moved if it was revealed,
    with the projector's rule (its distribution only from k answers on, texts shuffled)."""
    state = projector_state(workshop=workshop)
    poll = state["poll"]
    state["revealed"] = poll is not None and poll.state == Poll.State.REVEALED
    return state
