"""Writes of the scoring app: recompute and store score snapshots for an org.

Writes never wait for maths (issue 15): `snapshot_recompute` reads the answers, runs the
engine, builds the snapshot rows and loads the release's member sets OUTSIDE any transaction,
then swaps them in with one short write transaction. On the embedded SQLite default a write
transaction takes the database's single write lock up front (IMMEDIATE), so a survey answer
submitted meanwhile waits only for that short swap, never for the computation.

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

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from core.values import none_if_missing
from orgs.models import Organization
from orgs.periods import next_period
from scoring.adapter import RubricScores, org_scores
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.models_release import ReleaseTrigger, ResultRelease
from scoring.release_members import release_members_labelled
from scoring.releases import results_release_publish
from surveys.models import PulseRound
from trustmath.engine import ORG_ID


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
    their rows. That transaction also publishes a new release of the org's results
    (`scoring.releases`, same lock): reads serve only releases, so nothing recomputed is seen
    before it passed the release ledger.
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
    trust_rows, dim_rows = _snapshot_rows(org_id=org.id, results=results, now=now)
    # The release's member sets cover every period that will have snapshots after the swap.
    kept = set(
        TrustIndexSnapshot.objects.filter(organization_id=org.id)
        .exclude(period__in=wanted)
        .values_list("period", flat=True)
    )
    member_periods = kept | {r.period for r in trust_rows}
    members = release_members_labelled(org=org, periods=sorted(member_periods))
    trust_insert, dim_insert = _prepared_insert(trust_rows), _prepared_insert(dim_rows)
    # -- one short write: swap the rows in and publish --------------------------------
    with transaction.atomic():
        org = Organization.objects.select_for_update(no_key=True).get(pk=org_id)
        TrustIndexSnapshot.objects.filter(organization_id=org.id, period__in=wanted).delete()
        DimensionSnapshot.objects.filter(organization_id=org.id, period__in=wanted).delete()
        with connection.cursor() as cur:  # values converted before the transaction
            for sql, params in (trust_insert, dim_insert):
                if params:
                    cur.executemany(sql, params)
        results_release_publish(
            org=org,
            trigger=trigger,
            round_id=round_id,
            members=members,
            member_periods=member_periods,
        )
    return RecomputeSummary(
        org_id=org.id, periods=wanted, trust_rows=len(trust_rows), dimension_rows=len(dim_rows)
    )


def _prepared_insert(objs: Sequence[Model]) -> tuple[str, list[tuple[Any, ...]]]:
    """One INSERT statement and its rows of database values for unsaved model instances.

    Each value is converted exactly as bulk_create would (`get_db_prep_save`), but before
    the write transaction: inside it only the statement runs (bulk_create would convert
    tens of thousands of rows × 30 fields while holding SQLite's write lock).
    """
    if not objs:
        return "", []
    meta = type(objs[0])._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    params = [
        tuple(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
        for obj in objs
    ]
    return sql, params


def _snapshot_rows(
    *, org_id: int, results: list[RubricScores], now: dt.datetime
) -> tuple[list[TrustIndexSnapshot], list[DimensionSnapshot]]:
    """The snapshot rows of the engine's results (unsaved): built before the write."""
    trust_rows: list[TrustIndexSnapshot] = []
    dim_rows: list[DimensionSnapshot] = []
    for rs in results:
        for r in rs.result.trust.itertuples(index=False):  # result cells, not answers
            team_id = int(r.team_id)
            trust_rows.append(
                TrustIndexSnapshot(
                    organization_id=org_id,
                    team_id=None if team_id == ORG_ID else team_id,
                    team_key=team_id,
                    period=r.period,
                    rubric_id=rs.rubric_id,
                    n=int(r.n),
                    n_own=int(r.n_own),
                    score=float(r.score),
                    dimensions=int(r.dimensions),
                    prev_score=none_if_missing(r.prev_score),
                    delta=none_if_missing(r.delta),
                    p_value=none_if_missing(r.p_value),
                    significant=bool(r.significant),
                    has_trend=bool(r.has_trend),
                    comparable=bool(r.comparable),
                    p_adjusted=none_if_missing(r.p_adjusted),
                    band=str(none_if_missing(r.band) or ""),
                    computed_at=now,
                )
            )
        for r in rs.result.dimensions.itertuples(index=False):
            team_id = int(r.team_id)
            dim_rows.append(
                DimensionSnapshot(
                    organization_id=org_id,
                    team_id=None if team_id == ORG_ID else team_id,
                    team_key=team_id,
                    period=r.period,
                    rubric_id=rs.rubric_id,
                    dimension_key=r.dimension,
                    n=int(r.n),
                    n_own=int(r.n_own),
                    score=float(r.score),
                    sd=none_if_missing(r.sd),
                    ci_low=none_if_missing(r.ci_low),
                    ci_high=none_if_missing(r.ci_high),
                    has_ci=bool(r.has_ci),
                    answers=int(r.answers),
                    favourable=int(r.favourable),
                    favourable_pct=float(r.favourable_pct),
                    favourable_low=float(r.favourable_low),
                    favourable_high=float(r.favourable_high),
                    band=str(r.band),
                    prev_score=none_if_missing(r.prev_score),
                    delta=none_if_missing(r.delta),
                    p_value=none_if_missing(r.p_value),
                    significant=bool(r.significant),
                    has_trend=bool(r.has_trend),
                    comparable=bool(r.comparable),
                    p_adjusted=none_if_missing(r.p_adjusted),
                    shared_items=int(r.shared_items),
                    favourable_n_eff=none_if_missing(r.favourable_n_eff),
                    computed_at=now,
                )
            )
    return trust_rows, dim_rows


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
