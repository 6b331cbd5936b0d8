"""Reading the release ledger: the sets released in an org, as long (set, id) frames.

The check and record live in `orgs.ledger`; this module only reads `ReleasedSet` rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from orgs.models import Organization
from orgs.models_ledger import ReleasedSet
from trustmath.ledger import ID, ROUND, SET

ID_DTYPE = "S16"
ROUND_DTYPE = "<i8"
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


def _released_all(org: Organization, measures: set[str]) -> tuple[pd.DataFrame, int]:
    """Every set released in the org of ``measures`` (and ad-hoc sets, measure ""), as a
    long (set, id, round, measure) frame, and the most rounds a set without per-id rounds
    was fed by (its ids' round is unknown; the people bound assumes that many rounds)."""
    qs = ReleasedSet.objects.filter(organization_id=org.pk)
    if ANY_MEASURE not in measures:
        qs = qs.filter(measure__in=[*measures, ANY_MEASURE])
    rows = list(qs.values_list("pk", "size", "ids", "id_rounds", "round_count", "measure"))
    if not rows:
        return (
            pd.DataFrame(
                {
                    SET: pd.Series(dtype=np.int64),
                    ID: pd.Series(dtype=object),
                    ROUND: pd.Series(dtype=np.float64),
                    MEASURE: pd.Series(dtype=object),
                }
            ),
            1,
        )
    pks, sizes, blobs, id_round_blobs, counts, measure = zip(*rows, strict=True)
    has = [bool(b) and len(bytes(b)) == 8 * n for b, n in zip(id_round_blobs, sizes, strict=True)]
    unknown = max([int(c) for c, h in zip(counts, has, strict=True) if not h] or [1])
    ids = np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=ID_DTYPE)
    id_rounds = np.concatenate(
        [
            np.frombuffer(bytes(b), dtype=ROUND_DTYPE).astype(np.float64)
            if h
            else np.full(n, np.nan)
            for b, n, h in zip(id_round_blobs, sizes, has, strict=True)
        ]
    )
    n = np.array(sizes, dtype=np.int64)
    members = pd.DataFrame(
        {
            SET: np.repeat(np.array(pks, dtype=np.int64), n),
            ID: ids,
            ROUND: id_rounds,
            MEASURE: np.repeat(np.array(measure, dtype=object), n),
        }
    )
    return members, max(1, unknown)


def ledger_released_ids(*, org: Organization, measure: str, label_prefix: str) -> np.ndarray:
    """Every id released so far in a set of ``measure`` whose cell label starts with
    ``label_prefix`` (a period's pulse cells: "2026-10-01|"), as sorted 16-byte ids: what a
    filter of that period may be computed from (an answer flushed after the last release is
    in no released set, and a filter over it would single it out)."""
    blobs = ReleasedSet.objects.filter(
        organization_id=org.pk, measure=measure, first_label__startswith=label_prefix
    ).values_list("ids", flat=True)
    if not blobs:
        return np.array([], dtype=ID_DTYPE)
    return np.unique(np.frombuffer(b"".join(bytes(b) for b in blobs), dtype=ID_DTYPE))
