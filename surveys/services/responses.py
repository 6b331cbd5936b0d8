"""Submitting a survey: validate, mark the token used, store an anonymous response — atomically.

Anonymity by design (docs/privacy.md): the Response row gets a random UUID, the team of
the invitation's snapshot, the round's period, the day (not time) of submission and the
person's filter attributes — nothing that names the person, the token or the invitation.
Exactly one response per token: inside one transaction, a conditional
UPDATE invitation SET used = true WHERE id = ? AND used = false must change one row before
the response is inserted. On PostgreSQL the row lock serialises concurrent submitters (the
loser's UPDATE re-checks used and changes 0 rows); on SQLite the IMMEDIATE transaction mode
(trustos/envconfig.py) serialises the whole transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core.links import link_hash
from surveys.links import PULSE_LINK
from surveys.models import (
    Answer,
    ClosedRoundLink,
    Invitation,
    Item,
    PulseRound,
    Response,
    RoundStatus,
)
from surveys.services.errors import (
    InvalidSubmission,
    RoundClosed,
    RoundNotOpen,
    TokenUnknown,
    TokenUsed,
)

COMMENT_MAX = 2000
# Attribute keys that would identify a person are never copied onto a response, even if an
# HR import put them into Person.attributes (the attributes exist for filters like location).
IDENTIFYING_KEYS = frozenset(
    {"id", "name", "email", "external_id", "employee_id", "user", "username", "phone", "manager"}
)


def response_attributes(attributes: Any) -> dict[str, Any]:
    """The person's filter attributes safe to keep on an anonymous response."""
    if not isinstance(attributes, dict):
        return {}
    return {
        k: v
        for k, v in attributes.items()
        if str(k).lower() not in IDENTIFYING_KEYS
        and not str(k).lower().endswith(("_id", "_email", "_name"))
        and isinstance(v, str | int | float | bool)
    }


def invitation_for_token(*, token: str) -> Invitation:
    """The invitation of a link token, or TokenUnknown / TokenUsed / RoundClosed / RoundNotOpen."""
    inv = PULSE_LINK.find(
        token, Invitation.objects.select_related("round", "round__organization", "person")
    )
    if inv is None:
        if ClosedRoundLink.objects.filter(token_hash=link_hash(token)).exists():
            # The round closed and its invitations were reduced to counts (services/counts.py).
            raise RoundClosed("This survey round has closed.", {"token": "round closed"})
        raise TokenUnknown("This survey link is not valid.", {"token": "unknown token"})
    if inv.used:
        raise TokenUsed(
            "This link has already been used: the survey was answered.", {"token": "already used"}
        )
    round_check_open(round=inv.round)
    return inv


def round_check_open(*, round: PulseRound) -> None:
    if round.status == RoundStatus.CLOSED or round.closes_at <= timezone.now():
        raise RoundClosed("This survey round has closed.", {"token": "round closed"})
    if round.status != RoundStatus.OPEN:
        raise RoundNotOpen("This survey round is not open yet.", {"token": "round not open"})


def round_items(*, round: PulseRound) -> list[Item]:
    return [
        ri.item
        for ri in round.round_items.select_related("item", "item__dimension").order_by("position")
    ]


def _validate(
    *, round: PulseRound, items: list[Item], answers: Any, comment: Any
) -> dict[int, int | None]:
    """Map item id -> value (None = skip) or raise InvalidSubmission naming each problem."""
    errors: dict[str, str] = {}
    if not isinstance(answers, dict):
        raise InvalidSubmission(
            "answers must be an object of item key to 1-5 or null.", {"answers": "not an object"}
        )
    if not isinstance(comment, str):
        errors["comment"] = "comment must be text."
    elif len(comment) > COMMENT_MAX:
        errors["comment"] = f"comment is {len(comment)} characters; the limit is {COMMENT_MAX}."
    by_key = {it.key: it for it in items}
    unknown = [k for k in answers if k not in by_key]
    if unknown:
        in_rubric = set(
            Item.objects.filter(rubric_id=round.rubric_id, key__in=unknown).values_list(
                "key", flat=True
            )
        )
        for k in unknown:
            errors[f"answers.{k}"] = (
                f"item {k!r} is not asked in this round."
                if k in in_rubric
                else f"unknown item {k!r}."
            )
    values: dict[int, int | None] = {}
    for key, value in answers.items():
        if key not in by_key:
            continue
        if value is None:
            values[by_key[key].pk] = None
        elif isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            errors[f"answers.{key}"] = (
                f"{key}: value must be a whole number 1-5 or null (skip), got {value!r}."
            )
        else:
            values[by_key[key].pk] = value
    if not errors and not any(v is not None for v in values.values()):
        errors["answers"] = "answer at least one question (skip the ones you prefer not to answer)."
    if errors:
        raise InvalidSubmission("The answers were not saved: " + " ".join(errors.values()), errors)
    # Items not mentioned count as skipped, so every response has one row per asked item.
    return {it.pk: values.get(it.pk) for it in items}


def response_submit(*, token: str, answers: Any, comment: Any = "") -> Response:
    """Store one anonymous response for the token's round; the token is spent in the same step."""
    inv = invitation_for_token(token=token)
    rnd = inv.round
    items = round_items(round=rnd)
    values = _validate(round=rnd, items=items, answers=answers, comment=comment)
    team_id = inv.team_id or inv.person.team_id
    if team_id is None:
        raise InvalidSubmission("You are not in a team any more; this answer cannot be counted.")
    with transaction.atomic():
        # Re-checked inside the transaction: the round may have closed since the lookup.
        if not PulseRound.objects.filter(
            pk=rnd.pk, status=RoundStatus.OPEN, closes_at__gt=timezone.now()
        ).exists():
            raise RoundClosed("This survey round has closed.", {"token": "round closed"})
        if not PULSE_LINK.spend(pk=inv.pk):
            raise TokenUsed(
                "This link has already been used: the survey was answered.",
                {"token": "already used"},
            )
        response = Response.objects.create(
            organization_id=rnd.organization_id,
            round=rnd,
            team_id=team_id,
            period=rnd.period,
            submitted_on=timezone.now().astimezone(rnd.organization.tz).date(),
            attributes=response_attributes(inv.person.attributes),
            comment=comment.strip(),
        )
        Answer.objects.bulk_create(
            [Answer(response=response, item_id=item_id, value=v) for item_id, v in values.items()]
        )
    return response
