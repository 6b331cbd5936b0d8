"""The release ledger rule: a released set of responses must not differ from an earlier one by 1 … k − 1.

Every shown aggregate is a sum over the anonymous responses behind it. Two releases whose
response sets A and B differ by a few responses give those responses' aggregate by
subtraction: a second round of the same period adding three people (A ⊂ B), a team moved
under another and back (the parent's set grows by the moved team, then shrinks), a late
answer flushed into a closed round (B = A + 1), two overlapping filters. The rule: a new
set is refused when some earlier released set (of any cell, of anyone in the organisation)
lies at a symmetric-difference distance ``0 < |A Δ B| < k``. A set identical to an earlier
one (distance 0) reveals nothing new and is allowed.

Pure and set-based: sets are long frames of (label, id) pairs; the intersections of every
new set with every earlier one come from one sparse product (only pairs that share an id
are ever formed), so the cost grows with the ids, not with cells × earlier sets.
Two disjoint sets are ``|A| + |B|`` apart; that is below k only when both are tiny, which
is checked against the smallest earlier set.

Ids are opaque (the 16 bytes of a response UUID in the Django layer); they never name a
person. The distance counts responses: a person who answered two rounds of one period is
two responses of a cell (docs/privacy.md, "The release ledger").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

SET = "set"  # label column of a set (a cell key, or an earlier set's id)
ID = "id"  # member column: an anonymous response id

# Fixed keys: a fingerprint must be the same in every process and release.
_KEY_A = "trustos-ledger-a"
_KEY_B = "trustos-ledger-b"


def set_fingerprints(members: pd.DataFrame) -> pd.DataFrame:
    """One row per set label: ``size`` and a ``fingerprint`` (32 hex) of its member ids.

    The fingerprint is the pair of 64-bit sums of two keyed hashes of the members (order
    free, vectorised); two different sets share one with probability about 2⁻¹²⁸.
    """
    m = members[[SET, ID]].drop_duplicates()
    if m.empty:
        return pd.DataFrame({SET: [], "size": [], "fingerprint": []})
    ids = pd.Series(m[ID].to_numpy(), dtype=object)
    h1 = pd.util.hash_pandas_object(ids, index=False, hash_key=_KEY_A[:16]).to_numpy()
    h2 = pd.util.hash_pandas_object(ids, index=False, hash_key=_KEY_B[:16]).to_numpy()
    frame = pd.DataFrame({SET: m[SET].to_numpy(), "h1": h1, "h2": h2})
    # uint64 sums wrap around modulo 2**64, which is what a fingerprint wants.
    g = frame.groupby(SET, sort=False).agg(size=("h1", "size"), h1=("h1", "sum"), h2=("h2", "sum"))
    fp = np.char.add(
        np.char.zfill(np.char.mod("%x", g["h1"].to_numpy(dtype=np.uint64).astype(object)), 16),
        np.char.zfill(np.char.mod("%x", g["h2"].to_numpy(dtype=np.uint64).astype(object)), 16),
    )
    return pd.DataFrame({SET: g.index.to_numpy(), "size": g["size"].to_numpy(), "fingerprint": fp})


def ledger_refusals(new: pd.DataFrame, released: pd.DataFrame, *, k: int) -> pd.DataFrame:
    """Which new sets differ from an earlier released set by 1 … k − 1 ids.

    ``new`` and ``released``: long frames with columns ``set`` (a label) and ``id``. Returns
    one row per label of ``new``: ``size``, ``refused`` (bool), ``distance`` (the smallest
    non-zero distance to an earlier set, or -1 when none is under k) and ``known`` (an
    identical set was released before). Empty new sets are never refused (nothing is shown).
    """
    new = new[[SET, ID]].drop_duplicates()
    released = released[[SET, ID]].drop_duplicates()
    labels, new_codes = pd.factorize(new[SET], sort=False)
    sizes = np.bincount(labels, minlength=len(new_codes)).astype(np.int64)
    out = pd.DataFrame(
        {
            SET: new_codes,
            "size": sizes,
            "refused": np.zeros(len(new_codes), dtype=bool),
            "distance": np.full(len(new_codes), -1, dtype=np.int64),
            "known": np.zeros(len(new_codes), dtype=bool),
        }
    )
    if new.empty or released.empty:
        return out
    old_labels, old_codes = pd.factorize(released[SET], sort=False)
    old_sizes = np.bincount(old_labels, minlength=len(old_codes)).astype(np.int64)
    ids, uniques = pd.factorize(
        pd.concat([new[ID], released[ID]], ignore_index=True).astype(object), sort=False
    )
    n_ids = len(uniques)
    a = sparse.csr_matrix(
        (np.ones(len(new), dtype=np.int64), (labels, ids[: len(new)])),
        shape=(len(new_codes), n_ids),
    )
    b = sparse.csr_matrix(
        (np.ones(len(released), dtype=np.int64), (old_labels, ids[len(new) :])),
        shape=(len(old_codes), n_ids),
    )
    inter = (a @ b.T).tocoo()  # only pairs that share at least one id
    dist = sizes[inter.row] + old_sizes[inter.col] - 2 * inter.data
    known = np.zeros(len(new_codes), dtype=bool)
    known[inter.row[dist == 0]] = True
    close = (dist > 0) & (dist < k)
    best = np.full(len(new_codes), np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(best, inter.row[close], dist[close])
    # Disjoint pairs are |A| + |B| apart: only the smallest earlier set can make that < k.
    disjoint = sizes + int(old_sizes.min())
    best = np.where((disjoint < k) & (sizes > 0), np.minimum(best, disjoint), best)
    too_close = (best < k) & ~known & (sizes > 0)
    out["refused"] = too_close
    out["distance"] = np.where(too_close, best, -1)
    out["known"] = known
    return out
