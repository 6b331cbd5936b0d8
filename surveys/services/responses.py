"""Submitting a survey: validate, spend the token, buffer the answers; flush them in shuffled batches.

Anonymity by design (docs/privacy.md), also against someone who reads the database:
- Submit: one transaction marks the invitation used (a conditional
  UPDATE invitation SET used = true WHERE id = ? AND used = false must change one row) and
  appends the answers to the buffer (PendingResponse: random id, round, team, period,
  attributes, answers, comment; no person, token or invitation). Exactly one answer per
  token: on PostgreSQL the row lock serialises concurrent submitters (the loser's UPDATE
  re-checks used and changes 0 rows); on SQLite the IMMEDIATE transaction mode
  (trustos/envconfig.py) serialises the whole transaction.
- Flush (`responses_flush`): another transaction, which touches no invitation, moves buffered
  rows into Response/Answer in random order under fresh random ids and deletes them from the
  buffer. A group of buffered rows that agree on everything a Response shows of its author
  (round, team, attributes) is written only once it holds at least k rows, or when the round
  has closed. So a transaction id, a row position or an insert time of a Response points at
  a batch of at least k people (or at the round's last, closing batch), never at one claim.
  The Response's day is the day of the flush, not of the answer.
- Attributes (location, tenure band, ...) are copied only as a combination that at least k
  invitees of the same team and round share (`response_attributes_shared`).
"""

from __future__ import annotations

import functools
import json
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.utils import timezone

from core.tasks import task_queue_on_commit
from orgs.models import Organization
from surveys.models import (
    Answer,
    Invitation,
    Item,
    PendingResponse,
    PulseRound,
    Response,
    RoundStatus,
)
from surveys.selectors_forms import (
    round_form_cached,
    round_form_for_keys,
    round_pool_cached,
)
from surveys.services.claims import Claim, claim_for_token, spend_while_open
from surveys.services.claims import invitation_for_token as invitation_for_token
from surveys.services.claims import round_check_open as round_check_open
from surveys.services.errors import (
    InvalidSubmission,
    RoundClosed,
    TokenUsed,
)
from surveys.services.writer import survey_writer_turn

COMMENT_MAX = 2000
FLUSH_COALESCE_S = 1.0
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


def round_items(*, round: PulseRound) -> list[Item]:
    """The round items: what everyone answers in a round of before per-respondent forms, the
    round's sample form since (each respondent answers their own: `respondent_items`)."""
    return [
        ri.item
        for ri in round.round_items.select_related("item", "item__dimension").order_by("position")
    ]


def respondent_items(*, round: PulseRound, form: Any, answers: Any = None) -> list[Item]:
    """The statements of the respondent's form: `form` as handed out (surveys.services.forms).

    Without a form number (an API client of before per-respondent forms), the first form of
    the cycle holding every answered statement; InvalidSubmission when none does. A round
    made before per-respondent forms asks everyone all its items.
    """
    pool = round_pool_cached(round=round)  # one read per round and process, not per submit
    if round.questions is None:
        return pool
    if form is not None and form != "":
        try:
            index = int(form)
        except (TypeError, ValueError):
            index = -1
        if isinstance(form, bool) or index < 0:
            raise InvalidSubmission(
                "form must be the form number the questions came with.",
                {"form": "not a form number"},
            )
        return round_form_cached(round=round, form_index=index)
    # Unknown keys are left to the validation, which names them.
    known = {it.key for it in pool}
    keys = [str(k) for k in answers if str(k) in known] if isinstance(answers, dict) else []
    found = round_form_for_keys(round=round, keys=keys, pool=pool)
    if found is None:
        raise InvalidSubmission(
            "These statements are not asked together in this round; send the form number "
            "the questions came with.",
            {"form": "required for these statements"},
        )
    return round_form_cached(round=round, form_index=found)


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
                (
                    f"item {k!r} is not asked in this round."
                    if round.questions is None
                    else f"item {k!r} is not on this form of the round."
                )
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


def response_attributes_shared(
    *, mine: dict[str, Any], peers: Sequence[dict[str, Any]], k: int
) -> dict[str, Any]:
    """The part of `mine` that at least k of `peers` (the invitees of the same team and round,
    `mine` among them) share as a whole combination.

    Keys are taken in name order; a group of invitees is split by the next key only when
    every part of the split keeps at least k invitees (a missing value is a part of its
    own), otherwise the whole group goes without that key. Each possible result is so
    produced by one group of at least k invitees, and no two groups produce the same result:
    a response's attributes never narrow its author down to fewer than k invitees, also
    when two attributes that are each common are rare together.
    """
    if len(peers) < k:
        return {}
    keys = sorted({key for p in peers for key in p} | set(mine))
    group: list[dict[str, Any]] = list(peers)
    kept: dict[str, Any] = {}
    for key in keys:
        parts: dict[Hashable, int] = defaultdict(int)
        for p in group:
            parts[_hashable(p.get(key))] += 1
        if min(parts.values()) < k:
            continue
        value = mine.get(key)
        if _hashable(value) not in parts:  # not one of these invitees: keep nothing more
            break
        group = [p for p in group if _hashable(p.get(key)) == _hashable(value)]
        if value is not None:
            kept[key] = value
    return kept


def _hashable(value: Any) -> Hashable:
    return json.dumps(value, sort_keys=True)


def _attributes_for(*, claim: Claim, team_id: int) -> dict[str, Any]:
    """The attributes to keep for the claim's person: shared by >= k invitees of its team/round."""
    mine = response_attributes(claim.attributes)
    if not mine:  # nothing of theirs could be kept, whoever the peers are: skip the read
        return {}
    peers = [
        response_attributes(attrs)
        for attrs in Invitation.objects.filter(round_id=claim.round.pk, team_id=team_id)
        .order_by()
        .values_list("person__attributes", flat=True)
    ]
    return response_attributes_shared(
        mine=mine,
        peers=peers,
        k=claim.round.organization.k,
    )


@functools.cache
def _pending_insert_sql(vendor: str) -> str:
    table = connection.ops.quote_name(PendingResponse._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(f.column) for f in _PENDING_FIELDS)
    return f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(_PENDING_FIELDS))})"


_PENDING_FIELDS = tuple(PendingResponse._meta.concrete_fields)


def _pending_params(pending: PendingResponse) -> list[Any]:
    """The INSERT's values, each through its field's own conversion (the row `save` writes),
    prepared before the (serialised) writer turn; against the connection, not its proxy."""
    conn = connections[DEFAULT_DB_ALIAS]
    return [f.get_db_prep_save(getattr(pending, f.attname), conn) for f in _PENDING_FIELDS]


def _pending_insert(pending: PendingResponse, params: list[Any]) -> None:
    """`pending.save(force_insert=True)` as one prepared INSERT (ORM compilation was ~1/6 of a
    submit); PendingResponse has no save signals."""
    conn = connections[DEFAULT_DB_ALIAS]
    with conn.cursor() as cur:
        cur.execute(_pending_insert_sql(conn.vendor), params)
    pending._state.adding = False
    pending._state.db = conn.alias


def response_submit(
    *, token: str, answers: Any, comment: Any = "", form: Any = None
) -> PendingResponse:
    """Spend the token and buffer its anonymous answers; they reach Response at the next flush.

    `form`: the rotation form number the questions were shown with (`respondent_items`);
    the answers must belong to that form, and its unanswered statements count as skips.
    """
    claim = claim_for_token(token=token)
    rnd = claim.round
    items = respondent_items(round=rnd, form=form, answers=answers)
    values = _validate(round=rnd, items=items, answers=answers, comment=comment)
    # The snapshot team decides the attribute peers; a person without one counts nowhere.
    team_id = claim.team_id
    if team_id is None:
        raise InvalidSubmission("You are not in a team any more; this answer cannot be counted.")
    attributes = _attributes_for(claim=claim, team_id=team_id)
    pending = PendingResponse(
        organization_id=rnd.organization_id,
        round=rnd,
        team_id=team_id,
        period=rnd.period,
        attributes=attributes,
        answers={str(item_id): v for item_id, v in values.items()},
        comment=comment.strip(),
    )
    params = _pending_params(pending)
    deadline = time.monotonic() + LOCKED_WAIT_S
    with survey_writer_turn():
        while True:
            committed: list[bool] = []
            try:
                with transaction.atomic():
                    transaction.on_commit(functools.partial(committed.append, True))
                    _spend_and_buffer(claim=claim, pending=pending, params=params)
                return pending
            except OperationalError as exc:
                if committed or not _locked_retry(exc, deadline):
                    raise


# How long a submit keeps trying while another writer holds SQLite's lock longer than the
# busy timeout: a recompute's swap and publish at 1M responses held it 5-10 s on a loaded
# 2-core box (BENCHMARKS.md), and one answer of 474 failed with "database is locked".
LOCKED_WAIT_S = 30.0


def _locked_retry(exc: OperationalError, deadline: float) -> bool:
    """Whether to try the submit's transaction again: SQLite said "database is locked" (its
    busy timeout ran out waiting for another writer), the transaction rolled back before
    committing (so nothing of it happened: the token is unspent), it was the outermost
    transaction, and the deadline has not passed. Exactly once is unchanged: a retry runs
    the same conditional spend, which a committed earlier try would make fail."""
    return (
        connection.vendor == "sqlite"
        and not connection.in_atomic_block
        and "locked" in str(exc)
        and time.monotonic() < deadline
    )


def _spend_and_buffer(*, claim: Claim, pending: PendingResponse, params: list[Any]) -> None:
    """Inside the submit's transaction: spend the token while the round is open, buffer."""
    rnd = claim.round
    if not spend_while_open(inv=claim):
        # Refused: say why (a read on this rare path only).
        if not PulseRound.objects.filter(
            pk=rnd.pk, status=RoundStatus.OPEN, closes_at__gt=timezone.now()
        ).exists():
            raise RoundClosed("This survey round has closed.", {"token": "round closed"})
        raise TokenUsed(
            "This link has already been used: the survey was answered.",
            {"token": "already used"},
        )
    pending._state.adding = True
    _pending_insert(pending, params)
    # In its own transaction, after this one commits: the flush must not share a
    # transaction (and so a transaction id) with the claim above. Coalesced: a flush
    # writes every group of the round that reached k, so one publish per round and
    # second serves all answers of that second (the minute tick flushes any straggler).
    task_queue_on_commit("surveys.flush_responses", rnd.pk, coalesce=FLUSH_COALESCE_S)


def _group_key(row: PendingResponse) -> tuple[int, int, str]:
    """Everything a Response shows that could point at its author, besides the answers."""
    return (row.round_id, row.team_id, json.dumps(row.attributes, sort_keys=True))


def responses_flush(
    *,
    round_id: int | None = None,
    force: bool = False,
    now: Any = None,
    rng: random.Random | None = None,
) -> list[Response]:
    """Move buffered answers into Response/Answer in a shuffled batch; returns the new rows.

    A group (round, team, attributes) is written when it holds at least the org's k rows, or
    its round is closed (or past its closing time), or `force` (tests, operators). Rows are
    written in random order (`rng`, default: the system's), under new random ids and with
    the flush day, in one transaction that reads no invitation and writes none. Idempotent
    and safe to run concurrently: the buffer rows are locked (PostgreSQL) or the whole
    transaction is serialised (SQLite), and each is deleted in the transaction that moved it.
    """
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    with transaction.atomic():
        qs = PendingResponse.objects.select_for_update(of=("self",)).order_by()
        if round_id is not None:
            qs = qs.filter(round_id=round_id)
        rows = list(qs)
        if not rows:
            return []
        rounds = PulseRound.objects.in_bulk({r.round_id for r in rows})
        orgs = Organization.objects.in_bulk({r.organization_id for r in rows})
        groups: dict[tuple[int, int, str], list[PendingResponse]] = defaultdict(list)
        for row in rows:
            groups[_group_key(row)].append(row)
        batch: list[PendingResponse] = []
        for (rid, _, _), members in groups.items():
            rnd = rounds[rid]
            done = rnd.status == RoundStatus.CLOSED or rnd.closes_at <= now
            if force or done or len(members) >= orgs[rnd.organization_id].k:
                batch.extend(members)
        if not batch:
            return []
        rng.shuffle(batch)
        created = _write(batch, orgs=orgs, now=now)
        PendingResponse.objects.filter(pk__in=[r.pk for r in batch]).delete()
    return created


def _write(
    batch: list[PendingResponse], *, orgs: dict[int, Organization], now: Any
) -> list[Response]:
    responses: list[Response] = []
    answers: list[Answer] = []
    for row in batch:
        resp = Response(
            id=uuid.uuid4(),  # never the buffer row's id: nothing of the buffer survives
            organization_id=row.organization_id,
            round_id=row.round_id,
            team_id=row.team_id,
            period=row.period,
            submitted_on=now.astimezone(orgs[row.organization_id].tz).date(),
            attributes=row.attributes,
            comment=row.comment,
        )
        responses.append(resp)
        answers.extend(
            Answer(response=resp, item_id=int(item_id), value=v)
            for item_id, v in row.answers.items()
        )
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    return responses
