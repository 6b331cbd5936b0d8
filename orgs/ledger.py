"""The release ledger's entry point: check cells against every set released in the org, record them.

Every release (pulse results at a round's close, decision check-in figures at a window's
close, an ad-hoc filtered cell of a dashboard) passes the response-id set behind each cell
it is about to show through :func:`ledger_check`; cells it refuses are then hidden as forced
suppressions by the caller's disclosure run (so complementary suppression still holds), and
the cells finally shown are written with :func:`ledger_record`. The rule itself is pure:
`trustmath.ledger`. Ids are anonymous response UUIDs, never people.

Callers hold the organization row lock (`select_for_update`) between check and record, so
two releases of one org never both pass against the same history.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from core.reasons import reason_text
from orgs.ledger_sets import (
    ANY_MEASURE,
    ID_DTYPE,
    MEASURE,
    ROUND_DTYPE,
    _released_all,
    _released_qs,
    ledger_ids,
    ledger_released_ids,
)
from orgs.models import Organization
from orgs.models_ledger import FrozenTree, LedgerSource, ReleasedSet
from orgs.tree import TeamTree
from trustmath.ledger import ID, ROUND, SET, ledger_atom_refusals, set_fingerprints
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_LEDGER

# Reading the ledger moved to orgs.ledger_sets; its names stay importable from here.
__all__ = [
    "ANY_MEASURE",
    "ID_DTYPE",
    "MEASURE",
    "ROUND_DTYPE",
    "ledger_ids",
    "ledger_released_ids",
]

# Round keys: a pulse round's id; a check-in window -(decision id · 1000 + offset days);
# rounds nobody named count down from here (never equal to a real key).
UNKNOWN_ROUND = -(2**62)


def _rounds(members: pd.DataFrame, rounds: pd.DataFrame | None) -> pd.DataFrame | None:
    """The (set, round) frame of new sets: given, or from a ``round`` column of members."""
    if rounds is not None:
        return rounds[[SET, ROUND]].drop_duplicates()
    if ROUND in members.columns:
        return members[[SET, ROUND]].dropna().drop_duplicates()
    return None


def _members(members: pd.DataFrame) -> pd.DataFrame:
    """The caller's (set, id, measure) frame with ids as 16-byte values, duplicates dropped."""
    ids = members[ID].to_numpy()
    if ids.dtype != np.dtype(ID_DTYPE):
        ids = ledger_ids(ids)
    measure = members[MEASURE].to_numpy() if MEASURE in members.columns else ANY_MEASURE
    # Each id's round when known (NaN otherwise): the ledger's per-round people bound.
    rounds = (
        pd.to_numeric(members[ROUND], errors="coerce").to_numpy(dtype=np.float64)
        if ROUND in members.columns
        else np.nan
    )
    return pd.DataFrame(
        {SET: members[SET].to_numpy(), ID: ids, MEASURE: measure, ROUND: rounds}
    ).drop_duplicates([SET, ID])


def ledger_check(
    *, org: Organization, members: pd.DataFrame, rounds: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per set label of ``members`` (columns ``set``, ``id``, optional ``measure`` and
    ``round``, each id's round): ``refused``, ``people``, ``distance``, ``known``, ``size``
    (see :func:`trustmath.ledger.ledger_atom_refusals`): the candidates to refuse so that,
    with every set of the same measure released in the org before (by anyone, any source,
    and the ad-hoc sets of measure ""), no atom holds fewer than k people. A candidate of
    measure "" (ad-hoc) is checked against each measure's sets in turn. ``rounds`` (set,
    round): the rounds that fed each new set; ids without a round of their own may come
    from as many rounds as the most any set had (a set with none known: one round).
    One check per measure, so the work grows with the ids, not the cells."""
    new = _members(members)
    new_rounds = _rounds(members, rounds)
    k = org.k
    if new.empty:
        return ledger_atom_refusals(new, new, k=k)
    measures = {str(m) for m in new[MEASURE].unique()}
    released, unknown = _released_all(org, measures)
    if new_rounds is not None and not new_rounds.empty:
        unknown = max(unknown, int(new_rounds.groupby(SET).size().max()))
    out = []
    for measure, part in new.groupby(MEASURE, sort=False):  # a handful of measures
        families = (
            [released[released[MEASURE].isin([measure, ANY_MEASURE])]]
            if measure != ANY_MEASURE
            else [
                released[released[MEASURE].isin([m, ANY_MEASURE])]
                for m in {*released[MEASURE].unique(), ANY_MEASURE}
            ]
        )
        verdicts = [
            ledger_atom_refusals(fam, part, k=k, unknown_rounds=unknown) for fam in families
        ]
        verdict = verdicts[0]
        for other in verdicts[1:]:  # ad-hoc: refused against any measure's sets
            worse = other["refused"].to_numpy() & ~verdict["refused"].to_numpy()
            verdict = verdict.where(~pd.Series(worse, index=verdict.index), other, axis=0)
        out.append(verdict)
    return pd.concat(out, ignore_index=True)


@dataclass(frozen=True)
class Settlement:
    """What a release may show once the ledger and the disclosure decision agree."""

    shown: frozenset[str]  # labels of the cells shown (and recorded)
    refused: frozenset[str]  # labels hidden by the ledger (reason ``ledger``)
    passes: int


@dataclass(frozen=True)
class PreparedSettlement:
    """A settlement decided against the ledger as it was read, and the ReleasedSet rows
    recording its shown sets, ready for :func:`ledger_settle_commit`."""

    settlement: Settlement
    rows: list[ReleasedSet]


def ledger_stamp(*, org: Organization) -> tuple[int, int]:
    """(count, max pk) of the org's ReleasedSet rows: it moves whenever a set is recorded
    (pks are never reused: AUTOINCREMENT on SQLite, a sequence on PostgreSQL)."""
    got = ReleasedSet.objects.filter(organization_id=org.pk).aggregate(n=Count("pk"), m=Max("pk"))
    return int(got["n"] or 0), int(got["m"] or 0)


def ledger_settle_prepare(
    *,
    org: Organization,
    members: pd.DataFrame,
    decide: Callable[[frozenset[str]], set[str]],
    source: str,
    rounds: pd.DataFrame | None = None,
    labels: Mapping[object, str] | None = None,
    max_passes: int = 8,
) -> PreparedSettlement:
    """The check → force → re-decide loop of :func:`ledger_settle` and the rows recording
    its shown sets, without writing. Prepared outside a transaction (a publisher keeping its
    write short), it holds only while the ledger is unchanged: the publisher takes
    :func:`ledger_stamp` before preparing, compares it again under the org row lock in its
    write transaction, and decides again there if it moved."""
    forced: set[str] = set()
    passes = 0
    while True:
        passes += 1
        shown = decide(frozenset(forced))
        cand = members[members[SET].isin(shown)]
        if cand.empty:
            break
        verdict = ledger_check(org=org, members=cand, rounds=rounds)
        refused = set(verdict.loc[verdict["refused"], SET]) - forced
        if not refused:
            break
        if passes >= max_passes:
            # No fixed point in time: show only what was released before, verbatim.
            forced |= set(verdict.loc[~verdict["known"], SET])
            shown = decide(frozenset(forced))
            break
        forced |= refused
    rows = _record_rows(
        org=org,
        members=members[members[SET].isin(shown)],
        source=source,
        labels=labels,
        rounds=rounds,
    )
    settled = Settlement(shown=frozenset(shown), refused=frozenset(forced), passes=passes)
    return PreparedSettlement(settlement=settled, rows=rows)


def ledger_settle_commit(*, prepared: PreparedSettlement) -> int:
    """Record a prepared settlement's sets. The caller is in its write transaction, holds
    the org row lock, and found :func:`ledger_stamp` where it was before preparing."""
    now = timezone.now()
    for row in prepared.rows:  # recorded now, not when prepared
        row.first_released_at = now
    ReleasedSet.objects.bulk_create(prepared.rows, ignore_conflicts=True, batch_size=500)
    return len(prepared.rows)


def ledger_settle(
    *,
    org: Organization,
    members: pd.DataFrame,
    decide: Callable[[frozenset[str]], set[str]],
    source: str,
    rounds: pd.DataFrame | None = None,
    labels: Mapping[object, str] | None = None,
    max_passes: int = 8,
) -> Settlement:
    """The one check → force → re-decide loop of every release (docs/privacy.md).

    ``members``: (set, id, measure, round) of every cell the release could show.
    ``decide(forced)``: the publisher's disclosure decision with the labels in ``forced``
    hidden as forced suppressions (so complementary suppression, derived figures and the
    trust index follow them); returns the labels it would show. The shown cells go through
    :func:`ledger_check` (the atom rule); refused labels join ``forced`` and the decision
    runs again, until nothing new is refused. ``decide`` is called last with the final
    ``forced`` set, so a publisher may keep its last result. If that does not settle within
    ``max_passes``, everything not identical to a released set is forced hidden. The shown
    sets are recorded (``source``), all under the org row lock: :func:`ledger_settle_prepare`
    then :func:`ledger_settle_commit` in one transaction.
    """
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        prepared = ledger_settle_prepare(
            org=org,
            members=members,
            decide=decide,
            source=source,
            rounds=rounds,
            labels=labels,
            max_passes=max_passes,
        )
        ledger_settle_commit(prepared=prepared)
    return prepared.settlement


def ledger_record(
    *,
    org: Organization,
    members: pd.DataFrame,
    source: str,
    labels: Mapping[object, str] | None = None,
    rounds: pd.DataFrame | None = None,
) -> int:
    """Store each set of ``members`` not yet in the ledger, with the rounds that fed it
    (``rounds`` or members' ``round`` column); returns how many were new."""
    rows = _record_rows(org=org, members=members, source=source, labels=labels, rounds=rounds)
    ReleasedSet.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


def _record_rows(
    *,
    org: Organization,
    members: pd.DataFrame,
    source: str,
    labels: Mapping[object, str] | None,
    rounds: pd.DataFrame | None,
) -> list[ReleasedSet]:
    """The ReleasedSet rows :func:`ledger_record` inserts: the sets not in the ledger yet."""
    new = _members(members)
    new_rounds = _rounds(members, rounds)
    rounds_of: dict[object, np.ndarray] = {}
    if new_rounds is not None and not new_rounds.empty:
        rounds_of = {
            label: np.sort(np.unique(np.asarray(grp.to_numpy(), dtype=ROUND_DTYPE)))
            for label, grp in new_rounds.groupby(SET, sort=False)[ROUND]
        }  # one entry per set
    if new.empty:
        return []
    prints = set_fingerprints(new).merge(
        new[[SET, MEASURE]].drop_duplicates(SET), on=SET, how="left"
    )
    known = set(
        ReleasedSet.objects.filter(
            organization_id=org.pk, fingerprint__in=prints["fingerprint"].unique().tolist()
        ).values_list("measure", "fingerprint")
    )
    pair = list(zip(prints[MEASURE], prints["fingerprint"], strict=True))
    todo = prints[[p not in known for p in pair]].drop_duplicates([MEASURE, "fingerprint"])
    if todo.empty:
        return []
    wanted = new[new[SET].isin(todo[SET])].sort_values([SET, ID])
    grouped = wanted.groupby(SET, sort=False)[[ID, ROUND]]
    now = timezone.now()
    fp_of = dict(zip(todo[SET], todo["fingerprint"], strict=True))
    measure_of = dict(zip(todo[SET], todo[MEASURE], strict=True))
    rows = [
        ReleasedSet(
            organization_id=org.pk,
            source=source,
            measure=str(measure_of[label])[:60],
            fingerprint=fp_of[label],
            size=len(ids),
            ids=np.asarray(ids[ID].to_numpy(), dtype=ID_DTYPE).tobytes(),
            id_rounds=(
                b""
                if ids[ROUND].isna().any()
                else ids[ROUND].to_numpy().astype(ROUND_DTYPE).tobytes()
            ),
            rounds=rounds_of.get(label, np.zeros(0, dtype=ROUND_DTYPE)).tobytes(),
            round_count=max(1, len(rounds_of.get(label, ()))),
            first_label=str((labels or {}).get(label, label))[:200],
            first_released_at=now,
        )
        for label, ids in grouped  # one row per new set, not per response
    ]
    return rows


def disclosure_check_adhoc(
    *,
    org: Organization,
    cell_key: str,
    response_ids: Iterable[uuid.UUID | bytes | str],
    measure: str = ANY_MEASURE,
    round_ids: Iterable[int] | None = None,
) -> tuple[bool, str]:
    """May an ad-hoc cell (say, results filtered by a person attribute) be shown?

    ``round_ids``: the pulse rounds the cell's responses come from (k counts people, and a
    difference of d responses over r rounds may be ceil(d / r) people). Without them the
    rounds are unknown and counted conservatively as many as the most any released set of
    the org had, none shared with it (more refusals, never fewer).

    Refused when it holds fewer than k responses, or when its response set differs from a
    set released earlier in the org (any cell, any viewer) by 1 … k − 1 responses. An
    allowed cell is recorded, so later cells are checked against it. Returns
    ``(allowed, reason in words)``. ``measure`` (a dimension key, the trust index, …)
    narrows the comparison to earlier sets of that figure; the default "" compares with
    every set released in the org (strictest). The caller must still test its people count against k
    (ids count responses) and the cell against its unfiltered cell
    (`trustmath.suppression.filter_allowed`).
    """
    ids = np.unique(ledger_ids(response_ids))
    k = org.k
    if ids.size < k:
        return False, reason_text(REASON_FEWER_THAN_K, k=k)
    members = pd.DataFrame({SET: cell_key, ID: ids, MEASURE: measure})
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        if round_ids is not None:
            keys = sorted({int(r) for r in round_ids}) or [UNKNOWN_ROUND]
        else:
            most = _released_qs(org, measure).aggregate(m=Max("round_count"))["m"] or 1
            keys = [UNKNOWN_ROUND - i for i in range(int(most))]
        rounds = pd.DataFrame({SET: cell_key, ROUND: np.array(keys, dtype=np.int64)})
        verdict = ledger_check(org=org, members=members, rounds=rounds)
        if bool(verdict["refused"].iloc[0]):
            return False, reason_text(REASON_LEDGER, k=k)
        ledger_record(org=org, members=members, source=LedgerSource.ADHOC, rounds=rounds)
    return True, ""


def disclosure_check_adhoc_sets(
    *,
    org: Organization,
    sets: Mapping[tuple[str, str], Iterable[uuid.UUID | bytes | str]],
    round_ids: Iterable[int],
) -> tuple[bool, str]:
    """May ad-hoc cells that are shown together (a filter and the rest of its team, each
    figure over the responses that answered it) be shown? ``sets``: (cell key, measure) →
    the response ids behind that figure, with the same measure names the releases use, so a
    figure is compared only with released sets of the same figure (a response that skipped
    a dimension is in neither the filter's nor the team's set of that dimension, and makes
    no group of its own). All are checked in one ledger check and recorded only if every
    one passes, so a refused filter leaves nothing behind. Returns ``(allowed, reason)``."""
    k = org.k
    frames = [
        pd.DataFrame({SET: f"{key}|{measure}", ID: np.unique(ledger_ids(ids)), MEASURE: measure})
        for (key, measure), ids in sets.items()
    ]
    frames = [f for f in frames if len(f)]
    if not frames:
        return False, reason_text(REASON_FEWER_THAN_K, k=k)
    members = pd.concat(frames, ignore_index=True)
    keys = sorted({int(r) for r in round_ids}) or [UNKNOWN_ROUND]
    labels = members[SET].unique()
    rounds = pd.DataFrame(
        {
            SET: np.repeat(labels, len(keys)),
            ROUND: np.tile(np.array(keys, dtype=np.int64), len(labels)),
        }
    )
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        verdict = ledger_check(org=org, members=members, rounds=rounds)
        if bool(verdict["refused"].any()):
            return False, reason_text(REASON_LEDGER, k=k)
        ledger_record(org=org, members=members, source=LedgerSource.ADHOC, rounds=rounds)
    return True, ""


def participation_scope(round_id: int) -> str:
    """The frozen-tree scope of a pulse round's participation."""
    return f"round:{int(round_id)}"


def tree_freeze(*, org: Organization, scope: str) -> None:
    """Keep the org's current team tree for ``scope`` unless one is kept already (idempotent)."""
    if FrozenTree.objects.filter(organization_id=org.pk, scope=scope).exists():
        return
    tree = org.team_tree_refresh()  # as the database has it now, not an instance's cache
    rows = [[t, p, tree.names.get(t, ""), t in tree.active] for t, p in tree.parent_of.items()]
    FrozenTree.objects.get_or_create(
        organization_id=org.pk,
        scope=scope,
        defaults={"teams": rows, "frozen_at": timezone.now()},
    )


def trees_frozen(*, org: Organization, scopes: Iterable[str]) -> dict[str, TeamTree]:
    """The trees kept for ``scopes`` (one query); a scope with none is absent. Names are the
    current ones where the team still exists (a rename reveals nothing)."""
    current = org.team_tree().names
    out: dict[str, TeamTree] = {}
    for scope, teams in FrozenTree.objects.filter(
        organization_id=org.pk, scope__in=list(scopes)
    ).values_list("scope", "teams"):
        out[scope] = TeamTree.from_rows(
            (int(t), None if p is None else int(p), current.get(int(t), str(name)), bool(a))
            for t, p, name, a in teams
        )
    return out
