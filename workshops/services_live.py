"""Writes of a live workshop: going live with a join code, polls and their states, votes."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, Gone, InvalidInput, NotFound
from workshops.models import Workshop
from workshops.models_polls import LiveCode, Participant, Poll, Vote
from workshops.polls import QUESTION_MAX, answer_clean, poll_options_clean

# No look-alikes (0/O, 1/I/L), so a code read off a projector is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_ATTEMPTS = 20
VOTE_ATTEMPTS = 5


def join_code_new() -> str:
    """A random 6-character code from the alphabet without look-alike characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def join_code_normalise(raw: str) -> str:
    """What a participant typed, as a code: upper case, spaces and dashes dropped."""
    return "".join(ch for ch in str(raw).upper() if ch.isascii() and ch.isalnum())[:12]


def _audit(workshop: Workshop, actor: Any, action: str, obj: Any, **changes: Any) -> None:
    audit_record(
        organization=workshop.organization,
        actor=actor,
        action=action,
        obj=obj,
        changes=changes or None,
    )


def workshop_go_live(*, workshop: Workshop, actor: Any = None) -> Workshop:
    """Draft → live: a fresh join code, unique among live workshops (a unique key decides).
    Audited (the code is not: it stops working when the workshop ends)."""
    if workshop.state == Workshop.State.LIVE:
        return workshop
    if workshop.state == Workshop.State.ENDED:
        raise Conflict("This workshop has ended; it cannot go live again.")
    for _ in range(CODE_ATTEMPTS):
        code = join_code_new()
        try:
            with transaction.atomic():
                locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
                if locked.state != Workshop.State.DRAFT:
                    raise Conflict("This workshop is no longer a draft.")
                LiveCode.objects.create(code=code, workshop=locked)
                now = timezone.now()
                Workshop.objects.filter(pk=workshop.pk).update(
                    state=Workshop.State.LIVE, join_code=code, started_at=now
                )
                _audit(locked, actor, "workshops.workshop.went_live", locked)
        except IntegrityError:
            continue  # the code is taken by another live workshop: draw again
        workshop.refresh_from_db()
        return workshop
    raise Conflict("No free join code could be found; try again.")


def workshop_end(*, workshop: Workshop, actor: Any = None) -> Workshop:
    """Live → ended: open polls close and the join code stops working."""
    if workshop.state != Workshop.State.LIVE:
        raise Conflict("Only a live workshop can be ended.")
    now = timezone.now()
    with transaction.atomic():
        Poll.objects.filter(workshop=workshop, state=Poll.State.OPEN).update(
            state=Poll.State.CLOSED, closed_at=now
        )
        LiveCode.objects.filter(workshop=workshop).delete()
        Workshop.objects.filter(pk=workshop.pk).update(state=Workshop.State.ENDED, ended_at=now)
        _audit(workshop, actor, "workshops.workshop.ended", workshop)
    workshop.refresh_from_db()
    return workshop


def _question(question: str) -> str:
    text = " ".join(str(question).split())
    if not text:
        raise InvalidInput("Write the question.", {"question": "Write the question."})
    if len(text) > QUESTION_MAX:
        msg = f"Keep the question to {QUESTION_MAX} characters."
        raise InvalidInput(msg, {"question": msg})
    return text


def poll_create(
    *,
    workshop: Workshop,
    kind: str,
    question: str,
    options: Sequence[str],
    actor: Any = None,
) -> Poll:
    """A new draft poll at the end of the workshop's list."""
    if workshop.state == Workshop.State.ENDED:
        raise Conflict("This workshop has ended.")
    cleaned = poll_options_clean(kind=kind, options=options)
    text = _question(question)
    last = Poll.objects.filter(workshop=workshop).order_by("-order").first()
    with transaction.atomic():
        poll = Poll.objects.create(
            workshop=workshop,
            order=(last.order + 1) if last else 1,
            kind=kind,
            question=text,
            options=cleaned,
        )
        _audit(workshop, actor, "workshops.poll.created", poll, kind=kind)
    return poll


def poll_update(
    *, poll: Poll, kind: str, question: str, options: Sequence[str], actor: Any = None
) -> Poll:
    """Edit a poll nobody has answered yet (answers to another question would mislead)."""
    if poll.state != Poll.State.DRAFT or poll.votes.exists():
        raise Conflict("Only a draft poll without answers can be edited.")
    poll.options = poll_options_clean(kind=kind, options=options)
    poll.question = _question(question)
    poll.kind = kind
    with transaction.atomic():
        poll.save(update_fields=["options", "question", "kind"])
        _audit(poll.workshop, actor, "workshops.poll.updated", poll, kind=kind)
    return poll


# What each action does: allowed from-states and the resulting state.
# A revealed poll may be re-opened or closed again only while it has fewer than k votes: its
# distribution was never shown (participants saw "fewer than k"), so more votes may come in.
# Once shown, a re-opened poll would tell who voted what by the difference of two reveals.
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "open": ((Poll.State.DRAFT, Poll.State.CLOSED, Poll.State.REVEALED), Poll.State.OPEN),
    "close": ((Poll.State.OPEN, Poll.State.REVEALED), Poll.State.CLOSED),
    "reveal": ((Poll.State.CLOSED, Poll.State.OPEN), Poll.State.REVEALED),
}


def poll_set_state(*, poll: Poll, action: str, actor: Any = None) -> Poll:
    """Open, close or reveal. One poll is open at a time: opening one closes the others;
    revealing an open poll closes it first (results of a moving count would tell who voted)."""
    if action not in TRANSITIONS:
        raise InvalidInput("Unknown action.")
    allowed, target = TRANSITIONS[action]
    if poll.workshop.state != Workshop.State.LIVE:
        raise Conflict("Polls can be opened, closed and revealed only while the workshop is live.")
    now = timezone.now()
    with transaction.atomic():
        current = Poll.objects.select_for_update().get(pk=poll.pk)
        done = {"open": "opened", "close": "closed", "reveal": "revealed"}[action]
        if current.state not in allowed:
            raise Conflict(f"A {current.get_state_display().lower()} poll cannot be {done}.")
        k = poll.workshop.k
        if current.state == Poll.State.REVEALED and current.votes.count() >= k:
            raise Conflict(
                f"A revealed poll with at least {k} votes cannot be {done} again: a second "
                "reveal would show what the newest votes were."
            )
        fields: dict[str, Any] = {"state": target}
        if target == Poll.State.OPEN:
            Poll.objects.filter(workshop_id=poll.workshop_id, state=Poll.State.OPEN).exclude(
                pk=poll.pk
            ).update(state=Poll.State.CLOSED, closed_at=now)
            fields["opened_at"] = now
        elif target == Poll.State.CLOSED:
            fields["closed_at"] = now
        else:
            fields["revealed_at"] = now
            if current.closed_at is None:
                fields["closed_at"] = now
        Poll.objects.filter(pk=poll.pk).update(**fields)
        verb = {"open": "opened", "close": "closed", "reveal": "revealed"}[action]
        _audit(poll.workshop, actor, f"workshops.poll.{verb}", current, **{"from": current.state})
    poll.refresh_from_db()
    return poll


def participant_join(*, workshop: Workshop, participant_id: str | None) -> Participant:
    """The device's participant in this workshop: the one its cookie names, else a new one."""
    if workshop.state != Workshop.State.LIVE:
        raise Gone("This workshop has ended.")
    if participant_id:
        try:
            return Participant.objects.get(pk=uuid.UUID(participant_id), workshop=workshop)
        except (ValueError, Participant.DoesNotExist):
            pass  # a cookie of another workshop or a deleted participant: join afresh
    return Participant.objects.create(workshop=workshop)


def vote_submit(*, poll_id: int, participant: Participant, raw: Mapping[str, Any]) -> Vote:
    """Store (or replace) the participant's answer to an open poll: exactly one row per pair.

    An update first; when there is nothing to update, an insert under the unique key; when
    that loses a race to a parallel request of the same device, the update again.
    """
    try:
        poll = Poll.objects.select_related("workshop").get(
            pk=poll_id, workshop_id=participant.workshop_id
        )
    except Poll.DoesNotExist as exc:
        raise NotFound("This question does not exist.") from exc
    if poll.workshop.state != Workshop.State.LIVE:
        raise Gone("This workshop has ended; answers are no longer taken.")
    if poll.state != Poll.State.OPEN:
        raise Conflict("This question is closed: your answer was not recorded.")
    answer = answer_clean(poll=poll, raw=raw)
    for _ in range(VOTE_ATTEMPTS):
        with transaction.atomic():
            if not Poll.objects.filter(pk=poll.pk, state=Poll.State.OPEN).exists():
                raise Conflict("This question closed just now: your answer was not recorded.")
            now = timezone.now()
            if Vote.objects.filter(poll=poll, participant=participant).update(
                answer=answer, updated_at=now
            ):
                return Vote.objects.get(poll=poll, participant=participant)
            try:
                with transaction.atomic():
                    return Vote.objects.create(poll=poll, participant=participant, answer=answer)
            except IntegrityError:
                continue  # a parallel vote of this device got in first: update it instead
    raise Conflict("Your answer could not be stored; please send it again.")
