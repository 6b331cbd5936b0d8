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
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.reasons import reason_text
from orgs.models import Organization
from orgs.models_ledger import FrozenTree, LedgerSource, ReleasedSet
from orgs.tree import TeamTree
from trustmath.ledger import ID, ROUND, SET, ledger_refusals, set_fingerprints
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_LEDGER

ID_DTYPE = "S16"
ROUND_DTYPE = "<i8"
# Round keys: a pulse round's id; a check-in window -(decision id · 1000 + offset days);
# rounds nobody named count down from here (never equal to a real key).
UNKNOWN_ROUND = -(2**62)
MEASURE = "measure"  # optional column of a members frame; "" = any measure
ANY_MEASURE = ""


def ledger_ids(values: Iterable[uuid.UUID | bytes | str]) -> np.ndarray:
    """Response ids (UUIDs, their 16 bytes or hex) as the ledger's 16-byte array."""
    out = []
    for v in values:  # ids of one release, converted once
        if isinstance(v, uuid.UUID):
            out.append(v.bytes)
        elif isinstance(v, bytes | bytearray | memoryview):
            out.append(bytes(v))
        else:
            out.append(uuid.UUID(str(v)).bytes)
    return np.array(out, dtype=ID_DTYPE)


def _released_qs(org: Organization, measure: str | None) -> Any:
    qs = ReleasedSet.objects.filter(organization_id=org.pk)
    if measure:
        qs = qs.filter(measure__in=[measure, ANY_MEASURE])
    return qs


def ledger_released(
    *,
    org: Organization,
    measure: str | None = None,
    size_range: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The sets released in the org as a long (set, id) frame (``set`` = ReleasedSet id).

    ``measure``: only sets of that measure and of ad-hoc cells of any measure ("");
    None or "" = every set. ``size_range`` (inclusive) narrows to sets that can be close
    at all (see :func:`ledger_check`). The rounds of each set: :func:`ledger_released_rounds`.
    """
    return _released(org=org, measure=measure, size_range=size_range)[0]


def ledger_released_rounds(*, org: Organization, measure: str | None = None) -> pd.DataFrame:
    """The (set, round) frame of the sets released in the org (sets without rounds: none)."""
    return _released(org=org, measure=measure, size_range=None)[1]


def _released(
    *, org: Organization, measure: str | None, size_range: tuple[int, int] | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    qs = _released_qs(org, measure)
    if size_range is not None:
        qs = qs.filter(size__gte=max(0, size_range[0]), size__lte=size_range[1])
    rows = list(qs.values_list("pk", "size", "ids", "rounds", "id_rounds"))
    empty_rounds = pd.DataFrame({SET: pd.Series(dtype=np.int64), ROUND: pd.Series(dtype=np.int64)})
    if not rows:
        return (
            pd.DataFrame(
                {
                    SET: pd.Series(dtype=np.int64),
                    ID: pd.Series(dtype=object),
                    ROUND: pd.Series(dtype=np.float64),
                }
            ),
            empty_rounds,
        )
    pks, sizes, blobs, round_blobs, id_round_blobs = zip(*rows, strict=True)
    ids = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=ID_DTYPE)
    pk_arr = np.array(pks, dtype=np.int64)
    # Each id's round, NaN where the set was recorded without them.
    id_rounds = np.concatenate(
        [
            np.frombuffer(bytes(b), dtype=ROUND_DTYPE).astype(np.float64)
            if b and len(bytes(b)) == 8 * n
            else np.full(n, np.nan)
            for b, n in zip(id_round_blobs, sizes, strict=True)
        ]
    )
    members = pd.DataFrame(
        {SET: np.repeat(pk_arr, np.array(sizes, dtype=np.int64)), ID: ids, ROUND: id_rounds}
    )
    round_arrays = [np.frombuffer(bytes(b or b""), dtype=ROUND_DTYPE) for b in round_blobs]
    rounds = pd.DataFrame(
        {
            SET: np.repeat(pk_arr, [len(a) for a in round_arrays]),
            ROUND: np.concatenate(round_arrays) if round_arrays else np.zeros(0, dtype=np.int64),
        }
    )
    return members, rounds


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
    ``round``): ``refused``, ``distance``, ``people``, ``known``, ``size`` (see
    :func:`trustmath.ledger.ledger_refusals`), against every set of the same measure
    released in the org before, by anyone, of any source (a set with measure "" against
    every set). ``rounds`` (set, round): the rounds that fed each new set, when members
    carry no ``round`` column; a set with no rounds known counts as one round.
    One check per measure, so the work grows with the ids, not the cells."""
    new = _members(members)
    new_rounds = _rounds(members, rounds)
    k = org.k
    if new.empty:
        return ledger_refusals(new, new, k=k)
    out = []
    for measure, part in new.groupby(MEASURE, sort=False):  # a handful of measures
        sizes = part.groupby(SET).size()
        part_rounds = (
            new_rounds[new_rounds[SET].isin(sizes.index)] if new_rounds is not None else None
        )
        # Sizes k·r or more apart are at least k people apart (r ≤ both sets' rounds).
        r_new = (
            int(part_rounds.groupby(SET).size().max())
            if part_rounds is not None and not part_rounds.empty
            else 1
        )
        r_old = _released_qs(org, str(measure)).aggregate(m=Max("round_count"))["m"] or 1
        reach = k * (r_new + int(r_old)) - 1
        released, released_rounds = _released(
            org=org,
            measure=str(measure),
            size_range=(int(sizes.min()) - reach, int(sizes.max()) + reach),
        )
        out.append(
            ledger_refusals(
                part, released, k=k, new_rounds=part_rounds, released_rounds=released_rounds
            )
        )
    return pd.concat(out, ignore_index=True)


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
    new = _members(members)
    new_rounds = _rounds(members, rounds)
    rounds_of: dict[object, np.ndarray] = {}
    if new_rounds is not None and not new_rounds.empty:
        rounds_of = {
            label: np.sort(np.unique(np.asarray(grp.to_numpy(), dtype=ROUND_DTYPE)))
            for label, grp in new_rounds.groupby(SET, sort=False)[ROUND]
        }  # one entry per set
    if new.empty:
        return 0
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
        return 0
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
    ReleasedSet.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    return len(rows)


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
