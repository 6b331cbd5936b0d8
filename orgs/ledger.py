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

import numpy as np
import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.reasons import reason_text
from orgs.models import Organization
from orgs.models_ledger import LedgerSource, ReleasedSet
from trustmath.ledger import ID, SET, ledger_refusals, set_fingerprints
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_LEDGER

ID_DTYPE = "S16"
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


def ledger_released(
    *,
    org: Organization,
    measure: str | None = None,
    size_range: tuple[int, int] | None = None,
) -> pd.DataFrame:
    """The sets released in the org as a long (set, id) frame (``set`` = ReleasedSet id).

    ``measure``: only sets of that measure and of ad-hoc cells of any measure ("");
    None or "" = every set. ``size_range`` (inclusive) narrows to sets that can be close
    at all: two sets whose sizes differ by k or more are at least k apart.
    """
    qs = ReleasedSet.objects.filter(organization_id=org.pk)
    if measure:
        qs = qs.filter(measure__in=[measure, ANY_MEASURE])
    if size_range is not None:
        qs = qs.filter(size__gte=max(0, size_range[0]), size__lte=size_range[1])
    rows = list(qs.values_list("pk", "size", "ids"))
    if not rows:
        return pd.DataFrame({SET: pd.Series(dtype=np.int64), ID: pd.Series(dtype=object)})
    pks, sizes, blobs = zip(*rows, strict=True)
    ids = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=ID_DTYPE)
    return pd.DataFrame(
        {SET: np.repeat(np.array(pks, dtype=np.int64), np.array(sizes, dtype=np.int64)), ID: ids}
    )


def _members(members: pd.DataFrame) -> pd.DataFrame:
    """The caller's (set, id, measure) frame with ids as 16-byte values, duplicates dropped."""
    ids = members[ID].to_numpy()
    if ids.dtype != np.dtype(ID_DTYPE):
        ids = ledger_ids(ids)
    measure = members[MEASURE].to_numpy() if MEASURE in members.columns else ANY_MEASURE
    return pd.DataFrame({SET: members[SET].to_numpy(), ID: ids, MEASURE: measure}).drop_duplicates(
        [SET, ID]
    )


def ledger_check(*, org: Organization, members: pd.DataFrame) -> pd.DataFrame:
    """Per set label of ``members`` (columns ``set``, ``id``, optional ``measure``):
    ``refused``, ``distance``, ``known``, ``size`` (see
    :func:`trustmath.ledger.ledger_refusals`), against every set of the same measure
    released in the org before, by anyone, of any source (a set with measure "" against
    every set). One check per measure, so the work grows with the ids, not the cells."""
    new = _members(members)
    k = org.k
    if new.empty:
        return ledger_refusals(new, new, k=k)
    out = []
    for measure, part in new.groupby(MEASURE, sort=False):  # a handful of measures
        sizes = part.groupby(SET).size()
        released = ledger_released(
            org=org,
            measure=str(measure),
            size_range=(int(sizes.min()) - k + 1, int(sizes.max()) + k - 1),
        )
        out.append(ledger_refusals(part, released, k=k))
    return pd.concat(out, ignore_index=True)


def ledger_record(
    *,
    org: Organization,
    members: pd.DataFrame,
    source: str,
    labels: Mapping[object, str] | None = None,
) -> int:
    """Store each set of ``members`` not yet in the ledger; returns how many were new."""
    new = _members(members)
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
    grouped = wanted.groupby(SET, sort=False)[ID]
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
            ids=np.asarray(ids.to_numpy(), dtype=ID_DTYPE).tobytes(),
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
) -> tuple[bool, str]:
    """May an ad-hoc cell (say, results filtered by a person attribute) be shown?

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
        verdict = ledger_check(org=org, members=members)
        if bool(verdict["refused"].iloc[0]):
            return False, reason_text(REASON_LEDGER, k=k)
        ledger_record(org=org, members=members, source=LedgerSource.ADHOC)
    return True, ""
