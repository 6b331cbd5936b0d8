"""Team answers to "did this happen?" leave their buffer in shuffled batches of at least k.

`followup_answer` (services_followup.py) spends the link and buffers the answer in one
transaction; `followup_answers_flush` moves buffered answers into FollowUpAnswer in another,
which touches no link, so a transaction id or a row position of a FollowUpAnswer points at a
batch, never at one claim (docs/privacy.md, "Against a database reader"). The grouping and the
shuffle are core's (core/batches.py), as for decision and handoff check-ins.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Hashable

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.batches import batch_ready
from workshops.models_commitments import FollowUpAnswer, FollowUpLink, PendingFollowUpAnswer

# A "did this happen?" link can be answered for this many days after it was sent.
ANSWER_DAYS = 21


def _key(row: PendingFollowUpAnswer) -> Hashable:
    """Everything a FollowUpAnswer shows that could point at its author, besides the answer."""
    return (row.commitment_id, row.answered_on)


def followup_window_open(*, commitment_id: int, now: dt.datetime) -> bool:
    """Can another team answer still arrive for this commitment? An unused team link sent
    (or created, if not sent yet) less than ANSWER_DAYS ago keeps the window open."""
    since = now - dt.timedelta(days=ANSWER_DAYS)
    return (
        FollowUpLink.objects.filter(commitment_id=commitment_id, used=False, is_owner=False)
        .filter(Q(sent_at__gt=since) | Q(sent_at__isnull=True, created_at__gt=since))
        .exists()
    )


def followup_answers_flush(
    *,
    commitment_id: int | None = None,
    org_id: int | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    rng: random.Random | None = None,
) -> int:
    """Write the buffered groups (commitment, day) that hold the org's k answers, or whose
    commitment's answer window closed, or all if `force`; returns rows written.

    The windows are looked up before the writing transaction, which reads and deletes only
    buffer rows and inserts answers under new random ids in random order.
    """
    now = now or timezone.now()
    scope = PendingFollowUpAnswer.objects.order_by()
    if commitment_id is not None:
        scope = scope.filter(commitment_id=commitment_id)
    if org_id is not None:
        scope = scope.filter(organization_id=org_id)
    closed = {
        c
        for c in scope.values_list("commitment_id", flat=True).distinct()
        if not followup_window_open(commitment_id=c, now=now)
    }
    with transaction.atomic():
        rows = list(scope.select_for_update(of=("self",)).select_related("organization"))
        batch = batch_ready(
            rows,
            key=_key,
            k=lambda r: r.organization.k,
            release=lambda key: key[0] in closed,  # type: ignore[index]
            force=force,
            rng=rng,
        )
        if not batch:
            return 0
        FollowUpAnswer.objects.bulk_create(
            [
                FollowUpAnswer(
                    id=uuid.uuid4(),  # never the buffer row's id
                    organization_id=r.organization_id,
                    commitment_id=r.commitment_id,
                    answer=r.answer,
                    answered_on=r.answered_on,
                )
                for r in batch
            ]
        )
        PendingFollowUpAnswer.objects.filter(pk__in=[r.pk for r in batch]).delete()
    return len(batch)
