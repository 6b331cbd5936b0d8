"""The submit path's reads and the token spend: one statement each, no ORM query compilation.

`claim_for_token` reads what a submit needs of a token's invitation with one raw SELECT (the
round comes from a short per-process cache, trusted only to say "open"); `spend_while_open`
spends the token with one conditional UPDATE. `invitation_for_token` is the ORM lookup the
survey page uses (and the submit path's refusal messages).
"""

from __future__ import annotations

import functools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from core.links import TOKEN_MAX, TOKEN_MIN, link_hash
from orgs.models import Organization, Person
from surveys.links import PULSE_LINK
from surveys.models import ClosedRoundLink, Invitation, PulseRound, RoundStatus
from surveys.services.errors import (
    RoundClosed,
    RoundNotOpen,
    SurveyError,
    TokenUnknown,
    TokenUsed,
)


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


@dataclass(frozen=True)
class Claim:
    """What a submit needs of a token's invitation: read with one statement, no model rows."""

    pk: int
    round: PulseRound
    team_id: int | None  # the invitation's snapshot team, else the person's current team
    attributes: dict[str, Any]


# Rounds by id for the submit path, each with its organization, kept ROUND_TTL_S and
# dropped when a round or organization is saved in this process. A cached round is trusted
# only to say "open": a refusal is confirmed on a fresh read, and the token is spent by a
# statement that re-checks in the database that the round is open (`spend_while_open`).
ROUND_TTL_S = 30.0
_rounds: dict[int, tuple[float, PulseRound]] = {}
_rounds_lock = threading.Lock()


def rounds_forget(**_: Any) -> None:
    """Drop every cached round (a round or an organization was saved or deleted)."""
    with _rounds_lock:
        _rounds.clear()


for _model in (PulseRound, Organization):
    for _signal in (post_save, post_delete):
        _signal.connect(rounds_forget, sender=_model, dispatch_uid=f"claims-{_model.__name__}")


def _round_fresh(round_id: int) -> PulseRound:
    rnd = PulseRound.objects.select_related("organization").get(pk=round_id)
    with _rounds_lock:
        if len(_rounds) > 1000:  # open rounds of a process: a handful
            _rounds.clear()
        _rounds[round_id] = (time.monotonic(), rnd)
    return rnd


def _round_open(round_id: int) -> PulseRound:
    """The round, checked open: cached; a refusal is confirmed on a fresh read."""
    with _rounds_lock:
        hit = _rounds.get(round_id)
    if hit is not None and time.monotonic() - hit[0] < ROUND_TTL_S:
        try:
            round_check_open(round=hit[1])
            return hit[1]
        except SurveyError:
            pass
    rnd = _round_fresh(round_id)
    round_check_open(round=rnd)
    return rnd


@functools.cache
def _claim_sql() -> str:
    inv, person = Invitation._meta.db_table, Person._meta.db_table
    return (
        f"SELECT i.id, i.round_id, i.team_id, i.used, p.team_id, p.attributes "
        f"FROM {inv} i JOIN {person} p ON p.id = i.person_id WHERE i.token_hash = %s"
    )


def claim_for_token(*, token: str) -> Claim:
    """`invitation_for_token` for the submit path: ONE statement, no query compilation.

    Raw SQL on purpose: compiling the ORM lookup (a 3-table select_related and `.first()`'s
    ORDER BY) was ~40 % of a submit's time. Same refusals, same order."""
    if not isinstance(token, str) or not TOKEN_MIN <= len(token) <= TOKEN_MAX:
        row = None
    else:
        with connection.cursor() as cur:
            cur.execute(_claim_sql(), [link_hash(token)])
            row = cur.fetchone()
    if row is None:
        invitation_for_token(token=token)  # raises the right refusal (unknown, closed)
        raise TokenUnknown("This survey link is not valid.", {"token": "unknown token"})
    pk, round_id, team_id, used, person_team_id, attributes = row
    if used:
        raise TokenUsed(
            "This link has already been used: the survey was answered.", {"token": "already used"}
        )
    attrs = json.loads(attributes) if isinstance(attributes, str | bytes) else attributes
    return Claim(
        pk=int(pk),
        round=_round_open(int(round_id)),
        team_id=team_id if team_id is not None else person_team_id,
        attributes=attrs or {},
    )


def spend_while_open(*, inv: Invitation | Claim) -> bool:
    """Mark the invitation used if it is unused AND its round still open: ONE statement.

    PULSE_LINK.spend's conditional UPDATE, plus the re-check that the round has not closed
    since the lookup as a correlated EXISTS on the round. Not a join or `id IN (SELECT …)`:
    there `used = false` would be read in the subquery's snapshot and not re-checked on the
    locked row by PostgreSQL, so two racing submitters could both spend one token; with the
    conditions on the updated row itself, PostgreSQL re-evaluates them on the row it locked.
    Raw SQL: the ORM's compilation of this statement was ~20 % of a submit.
    """
    with connection.cursor() as cur:
        cur.execute(
            _spend_sql(),
            [
                True,
                inv.pk,
                False,
                RoundStatus.OPEN.value,
                connection.ops.adapt_datetimefield_value(timezone.now()),
            ],
        )
        return bool(cur.rowcount == 1)


@functools.cache
def _spend_sql() -> str:
    inv, rnd = Invitation._meta.db_table, PulseRound._meta.db_table
    return (
        f"UPDATE {inv} SET used = %s WHERE {inv}.id = %s AND {inv}.used = %s AND EXISTS "
        f"(SELECT 1 FROM {rnd} r WHERE r.id = {inv}.round_id AND r.status = %s "
        f"AND r.closes_at > %s)"
    )
