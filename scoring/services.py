"""Writes of the scoring app: recompute and store score snapshots for an org.

Writes never wait for maths (issue 15): `snapshot_recompute` reads the answers, runs the
engine, builds the snapshot rows and loads the release's member sets OUTSIDE any transaction,
then swaps them in with one short write transaction; the release is decided, settled against
the ledger and built outside any transaction too, and stored by a second short write. On the
embedded SQLite default a write transaction takes the database's single write lock up front
(IMMEDIATE), so a survey answer submitted meanwhile waits only for those short writes, never
for the computation or the disclosure decision.

Concurrency: the write transaction first locks the Organization row
(`select_for_update(no_key=True)`). Two recomputes of the same org therefore swap one after
the other (without the lock both could delete and then both insert, hitting the unique
constraints, and both publish against the same ledger); recomputes of different orgs never
wait for each other. The lock is FOR NO KEY UPDATE, not FOR UPDATE: every insert referencing
the org (an audit entry of a team rename) takes FOR KEY SHARE on it, which FOR UPDATE blocks;
while the rename held its team row and the recompute's snapshot inserts waited on that team,
PostgreSQL saw a deadlock. Survey submissions do not take that lock. Answers are read in a
single statement (a consistent view), and a response committed after that read is picked up
by the next recompute, which every round close and answer change queues. The result is a
pure function of the answers, so running it twice is harmless.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from orgs.models import Organization
from orgs.periods import next_period
from scoring.adapter import org_scores
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.models_release import ReleaseTrigger, ResultRelease
from scoring.release_members import release_members_labelled
from scoring.releases import results_release_commit, results_release_prepare
from scoring.snapshot_rows import snapshot_frames, snapshot_insert
from surveys.models import PulseRound
from surveys.services.writer import survey_writer_turn

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _short_write() -> Iterator[None]:
    """One write transaction, in the survey writers' turn on SQLite (turn first, as submits
    do). Nested in a caller's transaction, which may already hold SQLite's write lock, the
    turn is not taken: a submit holding the turn while waiting for that lock would wait for
    us while we waited for it."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with survey_writer_turn(), transaction.atomic():
        yield


@dataclass(frozen=True)
class RecomputeSummary:
    """What a recompute wrote."""

    org_id: int
    periods: list[dt.date]
    trust_rows: int
    dimension_rows: int


def snapshot_recompute(
    *,
    org_id: int,
    periods: Iterable[dt.date] | None = None,
    trigger: str = ReleaseTrigger.RECOMPUTE,
    round_id: int | None = None,
) -> RecomputeSummary:
    """Recompute the snapshots of `org_id` for `periods` (default: every period with rounds).

    Computes outside any transaction, then replaces all snapshot rows of the recomputed
    (org, period) set inside one short transaction: periods that no longer have answers lose
    their rows. The org's next release (`scoring.releases`) is then decided and built
    outside any transaction and stored in a second short one (same lock), which decides
    again inside if another writer changed what it read. Reads serve only releases, so
    nothing recomputed is seen before it passed the release ledger; snapshots are read by
    publishing only. Both writes take the survey writers' turn on SQLite, so answers
    waiting behind them are handed the lock at once.
    """
    now = timezone.now()
    # -- maths, outside any transaction: reads only -----------------------------------
    org = Organization.objects.get(pk=org_id)
    wanted = None if periods is None else sorted(set(periods))
    results = org_scores(org=org, periods=wanted)
    if wanted is None:
        wanted = sorted(
            set(PulseRound.objects.filter(organization_id=org.id).values_list("period", flat=True))
        )
    trust, dims = snapshot_frames(org_id=org.id, results=results, now=now)
    # The release's member sets cover every period that will have snapshots after the swap.
    kept = set(
        TrustIndexSnapshot.objects.filter(organization_id=org.id)
        .exclude(period__in=wanted)
        .values_list("period", flat=True)
    )
    member_periods = kept | (set(trust["period"]) if not trust.empty else set())
    members = release_members_labelled(org=org, periods=sorted(member_periods))
    trust_insert = snapshot_insert(TrustIndexSnapshot, trust)
    dim_insert = snapshot_insert(DimensionSnapshot, dims)
    # -- one short write: swap the snapshot rows in -------------------------------------
    t0 = time.perf_counter()
    with _short_write():
        org = Organization.objects.select_for_update(no_key=True).get(pk=org_id)
        TrustIndexSnapshot.objects.filter(organization_id=org.id, period__in=wanted).delete()
        DimensionSnapshot.objects.filter(organization_id=org.id, period__in=wanted).delete()
        with connection.cursor() as cur:  # values converted before the transaction
            for sql, params in (trust_insert, dim_insert):
                if params:
                    cur.executemany(sql, params)
    t1 = time.perf_counter()
    # -- the release, decided and built outside any transaction -------------------------
    prepared = results_release_prepare(
        org_id=org_id, members=members, member_periods=member_periods
    )
    t2 = time.perf_counter()
    # -- one short write: store it (or decide again there if anything it read moved) ----
    with _short_write():
        org = Organization.objects.select_for_update(no_key=True).get(pk=org_id)
        _, held = results_release_commit(
            org=org,
            prepared=prepared,
            trigger=trigger,
            round_id=round_id,
            members=members,
            member_periods=member_periods,
        )
    t3 = time.perf_counter()
    logger.info(
        "recompute org %s: swap write %.3f s, release prepare %.3f s, release write %.3f s%s",
        org_id,
        t1 - t0,
        t2 - t1,
        t3 - t2,
        "" if held else " (prepared release went stale: decided again in the write)",
    )
    return RecomputeSummary(
        org_id=org.id, periods=wanted, trust_rows=len(trust), dimension_rows=len(dims)
    )


def snapshot_recompute_round(*, round_id: int) -> RecomputeSummary | None:
    """Recompute the period of a round and the next one (whose trend compares against it).

    The release it publishes says why: the round's close, or late answers added to it
    (a release of the org was already published after the round closed).
    """
    row = (
        PulseRound.objects.filter(pk=round_id)
        .values_list("organization_id", "period", "organization__reporting_period", "closed_at")
        .first()
    )
    if row is None:
        return None
    org_id, period, kind, closed_at = row
    late = (
        closed_at is not None
        and ResultRelease.objects.filter(
            organization_id=org_id, round_id=round_id, released_at__gte=closed_at
        ).exists()
    )
    return snapshot_recompute(
        org_id=org_id,
        periods=[period, next_period(period, kind)],
        trigger=ReleaseTrigger.LATE_ANSWERS if late else ReleaseTrigger.ROUND_CLOSE,
        round_id=round_id,
    )


def snapshot_recompute_all(
    *, org_ids: Iterable[int], progress: Callable[[int, int, RecomputeSummary], None] | None = None
) -> list[RecomputeSummary]:
    """Recompute several orgs, one transaction each, reporting progress after each."""
    ids = list(org_ids)
    out = []
    for i, org_id in enumerate(ids, start=1):  # loop over orgs
        summary = snapshot_recompute(org_id=org_id)
        out.append(summary)
        if progress is not None:
            progress(i, len(ids), summary)
    return out
