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
person. k counts people, and a person answers at most once per round (a pulse round, a
check-in window), so a difference of d responses between two sets fed by r distinct rounds
(the union of both sets' rounds) may be as few as ceil(d / r) people: that lower bound is
what is tested against k, with no need to link a response to anyone. Two people who
answered three rounds differ by six responses but by at least ceil(6 / 3) = 2 people
(docs/privacy.md, "The release ledger"). Sets given without rounds count as one round.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

SET = "set"  # label column of a set (a cell key, or an earlier set's id)
ID = "id"  # member column: an anonymous response id
ROUND = "round"  # column of a rounds frame: an opaque key of a round that fed the set

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


def _round_matrix(
    rounds: pd.DataFrame | None, codes: pd.Index, keys: pd.Index
) -> sparse.csr_matrix | None:
    """Sets × round keys incidence (rows in ``codes`` order, columns in ``keys`` order)."""
    if rounds is None or rounds.empty:
        return None
    r = rounds[[SET, ROUND]].drop_duplicates()
    rows = codes.get_indexer(r[SET])
    cols = keys.get_indexer(r[ROUND].astype(np.int64))
    ok = (rows >= 0) & (cols >= 0)
    return sparse.csr_matrix(
        (np.ones(int(ok.sum()), dtype=np.int64), (rows[ok], cols[ok])),
        shape=(len(codes), len(keys)),
    )


def ledger_refusals(
    new: pd.DataFrame,
    released: pd.DataFrame,
    *,
    k: int,
    new_rounds: pd.DataFrame | None = None,
    released_rounds: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which new sets differ from an earlier released set by 1 … k − 1 *people* (a lower bound).

    ``new`` and ``released``: long frames with columns ``set`` (a label) and ``id``.
    ``new_rounds`` / ``released_rounds``: optional (set, round) frames, the rounds that fed
    each set; a set without any counts as one round. For two sets sharing an id, d = |A Δ B|
    responses come from r = |rounds(A) ∪ rounds(B)| rounds, so at least ceil(d / r) people.
    When both frames also carry each id's ``round`` (NaN = unknown), the responses of the
    difference that fall in one round are that many different people, so the largest such
    part is a lower bound too; the larger bound is used. Refused when it is 1 … k − 1. Returns one row per label of ``new``: ``size``,
    ``refused`` (bool), ``distance`` (the smallest non-zero response distance among the
    pairs that made it refused, or -1), ``people`` (that pair's people lower bound, or -1)
    and ``known`` (an identical set was released before). Empty new sets are never refused.

    Disjoint sets (no id in common) isolate nobody by subtraction: each one's own people
    test covers it; they are refused only when both are so small that together they hold
    fewer than k responses (checked against the smallest earlier set).
    """
    new = new[[SET, ID, *([ROUND] if ROUND in new.columns else [])]].drop_duplicates([SET, ID])
    released = released[[SET, ID, *([ROUND] if ROUND in released.columns else [])]].drop_duplicates(
        [SET, ID]
    )
    labels, new_codes = pd.factorize(new[SET], sort=False)
    sizes = np.bincount(labels, minlength=len(new_codes)).astype(np.int64)
    out = pd.DataFrame(
        {
            SET: new_codes,
            "size": sizes,
            "refused": np.zeros(len(new_codes), dtype=bool),
            "distance": np.full(len(new_codes), -1, dtype=np.int64),
            "people": np.full(len(new_codes), -1, dtype=np.int64),
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
    rounds = _pair_rounds(
        new_rounds, released_rounds, pd.Index(new_codes), pd.Index(old_codes), inter.row, inter.col
    )
    people = -(-dist // rounds)  # ceil(d / r): the fewest people d responses can be
    if ROUND in new.columns and ROUND in released.columns:
        # Within one round each response is another person: the largest per-round part of
        # the difference is a (usually much) tighter lower bound than ceil(d / r).
        people = np.maximum(
            people,
            _per_round_difference(new, released, labels, old_labels, inter.row, inter.col),
        )
    known = np.zeros(len(new_codes), dtype=bool)
    known[inter.row[dist == 0]] = True
    close = (dist > 0) & (people < k)
    big = np.iinfo(np.int64).max
    best = np.full(len(new_codes), big, dtype=np.int64)
    np.minimum.at(best, inter.row[close], people[close])
    best_d = np.full(len(new_codes), big, dtype=np.int64)
    np.minimum.at(best_d, inter.row[close], dist[close])
    id_round = _id_rounds(new, released, ids, n_ids)
    g_people, g_dist = _through_growth(
        a, b, sizes, old_sizes, inter.row, inter.col, dist, id_round, k
    )
    best, best_d = np.minimum(best, g_people), np.minimum(best_d, g_dist)
    # Disjoint pairs are |A| + |B| apart: only the smallest earlier set can make that < k.
    disjoint = sizes + int(old_sizes.min())
    tiny = (disjoint < k) & (sizes > 0)
    best = np.where(tiny, np.minimum(best, disjoint), best)
    best_d = np.where(tiny, np.minimum(best_d, disjoint), best_d)
    too_close = (best < k) & ~known & (sizes > 0)
    out["refused"] = too_close
    out["distance"] = np.where(too_close, best_d, -1)
    out["people"] = np.where(too_close, best, -1)
    out["known"] = known
    return out


def _id_rounds(
    new: pd.DataFrame, released: pd.DataFrame, ids: np.ndarray, n_ids: int
) -> np.ndarray:
    """Each id code's round (int64; -1 when unknown: all unknown ids count as one round,
    the same assumption as sets given without rounds)."""
    out = np.full(n_ids, -1, dtype=np.int64)
    for frame, codes in ((released, ids[len(new) :]), (new, ids[: len(new)])):
        if ROUND in frame.columns:
            r = pd.to_numeric(frame[ROUND], errors="coerce").to_numpy(dtype=float)
            ok = ~np.isnan(r)
            out[codes[ok]] = r[ok].astype(np.int64)
    return out


def _through_growth(
    a: sparse.csr_matrix,
    b: sparse.csr_matrix,
    sizes: np.ndarray,
    old_sizes: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    dist: np.ndarray,
    id_round: np.ndarray,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Three-set differencing through a nested pair (docs/privacy.md, "The release ledger").

    Once a new set N is shown beside an earlier R nested in it (R ⊊ N: a later round's
    newcomers; N ⊊ R: a team moved away), the group G = N − R (or R − N) is known by
    subtraction. A new set M within 1 … k − 1 people of G then gives the rest away: a team
    hidden at 1 person that grows to 6 in a second round is shown, and (team) − (parent now
    − parent before) is that one person. So does an earlier set E within 1 … k − 1 of G: a
    team hidden only to protect a sibling, shown later, is subtracted from the old parent
    and the old sibling. Earlier sets still released unchanged are left out:
    N minus a current cell is the tree rule's parent-minus-children. Returns, per new set,
    the smallest people bound and its response distance (a big number where none)."""
    big = np.iinfo(np.int64).max
    best = np.full(a.shape[0], big, dtype=np.int64)
    best_d = np.full(a.shape[0], big, dtype=np.int64)
    current = np.zeros(b.shape[0], dtype=bool)
    current[cols[dist == 0]] = True
    both = (sizes[rows] + old_sizes[cols] - dist) // 2
    grow = (both == old_sizes[cols]) & (sizes[rows] > old_sizes[cols])
    shrink = (both == sizes[rows]) & (old_sizes[cols] > sizes[rows])
    pick = (grow | shrink) & ~current[cols]
    if not pick.any():
        return best, best_d
    pr, pc = rows[pick], cols[pick]
    sign = np.where(grow[pick], 1, -1).astype(np.int64)
    g = sparse.csr_matrix((a[pr] - b[pc]).multiply(sign[:, None]))  # nested: 0/1 rows
    g.eliminate_zeros()
    g_sizes = np.asarray(g.sum(axis=1)).ravel().astype(np.int64)
    n_rounds = max(1, len(np.unique(id_round)))
    # Against a new set M: M − G gives the rest of M away, so M is refused. Against an
    # earlier released set E: E − G (or G − E) needs N, so N, which makes G known, is refused.
    for other, other_sizes, own in ((a, sizes, pr), (b, old_sizes, pc)):
        shared = (g @ other.T).tocoo()  # derived group × set, only where they share an id
        keep = shared.col != own[shared.row]  # N − G is R itself, released already
        gi, x = shared.row[keep], shared.col[keep]
        d2 = g_sizes[gi] + other_sizes[x] - 2 * shared.data[keep].astype(np.int64)
        cand = (d2 > 0) & (d2 < k * n_rounds)  # beyond that, at least k people apart
        gi, x, d2 = gi[cand], x[cand], d2[cand]
        if not len(gi):
            continue
        diff = abs(g[gi] - other[x]).tocoo()  # the responses isolated, per candidate
        # Within one round each response is another person: the largest per-round part
        # of the difference is a lower bound on its people.
        per = pd.DataFrame({"c": diff.row, "r": id_round[diff.col]}).groupby(["c", "r"]).size()
        people = per.groupby(level="c").max().reindex(np.arange(len(gi)), fill_value=0)
        people_v = people.to_numpy(dtype=np.int64)
        close = (people_v > 0) & (people_v < k)
        target = x if other is a else pr[gi]
        np.minimum.at(best, target[close], people_v[close])
        np.minimum.at(best_d, target[close], d2[close])
    return best, best_d


def _per_round_difference(
    new: pd.DataFrame,
    released: pd.DataFrame,
    labels: np.ndarray,
    old_labels: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """max over rounds r of |(A Δ B) ∩ r| for each (new row, old col) pair; ids whose round
    is unknown (``ROUND`` missing) are left out of it (they still count in ceil(d / r))."""
    pairs = pd.DataFrame({"a": rows, "b": cols, "pair": np.arange(len(rows))})
    if pairs.empty:
        return np.zeros(0, dtype=np.int64)
    a = pd.DataFrame({"a": labels, ID: new[ID].to_numpy(), ROUND: new[ROUND].to_numpy()})
    b = pd.DataFrame(
        {"b": old_labels, ID: released[ID].to_numpy(), ROUND: released[ROUND].to_numpy()}
    )
    a, b = a[a[ROUND].notna()], b[b[ROUND].notna()]
    size_a = a.groupby(["a", ROUND]).size().rename("na").reset_index()
    size_b = b.groupby(["b", ROUND]).size().rename("nb").reset_index()
    # Shared ids per (pair, round): only pairs the sparse product found, joined on the id.
    shared = (
        a.merge(b, on=[ID, ROUND])
        .merge(pairs, on=["a", "b"])
        .groupby(["pair", ROUND])
        .size()
        .rename("both")
        .reset_index()
    )
    per_a = pairs.merge(size_a, on="a")
    per_b = pairs.merge(size_b, on="b")
    per = per_a.merge(per_b, on=["pair", "a", "b", ROUND], how="outer").merge(
        shared, on=["pair", ROUND], how="left"
    )
    d = per["na"].fillna(0) + per["nb"].fillna(0) - 2 * per["both"].fillna(0)
    best = d.groupby(per["pair"]).max()
    out = np.zeros(len(rows), dtype=np.int64)
    out[best.index.to_numpy(dtype=np.int64)] = best.to_numpy(dtype=np.int64)
    return out


def _pair_rounds(
    new_rounds: pd.DataFrame | None,
    released_rounds: pd.DataFrame | None,
    new_codes: pd.Index,
    old_codes: pd.Index,
    rows: np.ndarray,
    cols: np.ndarray,
) -> np.ndarray:
    """|rounds(A) ∪ rounds(B)| for each (new row, old col) pair, at least 1."""
    frames = [f for f in (new_rounds, released_rounds) if f is not None and not f.empty]
    if not frames:
        return np.ones(len(rows), dtype=np.int64)
    keys = pd.Index(
        pd.unique(pd.concat([f[ROUND].astype(np.int64) for f in frames], ignore_index=True))
    )
    ra = _round_matrix(new_rounds, new_codes, keys)
    rb = _round_matrix(released_rounds, old_codes, keys)
    count_a = np.asarray(ra.sum(axis=1)).ravel()[rows] if ra is not None else np.zeros(len(rows))
    count_b = np.asarray(rb.sum(axis=1)).ravel()[cols] if rb is not None else np.zeros(len(rows))
    shared = np.zeros(len(rows), dtype=np.int64)
    if ra is not None and rb is not None and len(rows):
        both = (ra @ rb.T).tocsr()
        shared = np.asarray(both[rows, cols]).ravel()
    union = (count_a + count_b - shared).astype(np.int64)
    return np.maximum(union, 1)


# --- The atom rule (docs/privacy.md, "Releases and the release ledger") -------------------

LABEL = "label"  # column of ledger_atom_refusals' answer: a candidate set's label
_ATOM_SEED = 0x7472757374  # fixed: refusals must be the same on every run


def _label_keys(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two random 64-bit keys per set label: a signature is the sum over the labels holding
    an id, so two ids share one exactly when the same sets hold them (up to ~2⁻¹²⁸)."""
    rng = np.random.default_rng(_ATOM_SEED)
    hi = np.iinfo(np.uint64).max
    return (
        rng.integers(1, hi, size=n, dtype=np.uint64, endpoint=True),
        rng.integers(1, hi, size=n, dtype=np.uint64, endpoint=True),
    )


def _signatures(
    id_codes: np.ndarray, starts: np.ndarray, k1: np.ndarray, k2: np.ndarray, on: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per id (rows sorted by id; ``starts`` = each id's first row): the two signature sums
    over the rows switched ``on`` and whether any row is on (the id is covered)."""
    zero = np.uint64(0)
    s1 = np.add.reduceat(np.where(on, k1, zero), starts) if len(starts) else k1[:0]
    s2 = np.add.reduceat(np.where(on, k2, zero), starts) if len(starts) else k2[:0]
    covered = np.add.reduceat(on.astype(np.int64), starts) > 0 if len(starts) else on[:0]
    return s1, s2, covered


def _atoms(s1: np.ndarray, s2: np.ndarray) -> np.ndarray:
    """Atom code per id: ids with the same signature pair share one."""
    if not len(s1):
        return np.zeros(0, dtype=np.int64)
    frame = pd.DataFrame({"a": s1, "b": s2})
    return frame.groupby(["a", "b"], sort=False).ngroup().to_numpy(dtype=np.int64)


def _atom_people(
    atom: np.ndarray, id_round: np.ndarray, keep: np.ndarray, unknown_rounds: int
) -> tuple[np.ndarray, np.ndarray]:
    """(responses, people lower bound) per atom code over the ids in ``keep``.

    A person answers a round once, so the responses of one round are that many people, and
    n responses from R possible rounds (the distinct known ones, plus ``unknown_rounds`` when
    some ids' round is unknown) are at least ceil(n / R) people; the larger bound is used."""
    n_atoms = int(atom.max()) + 1 if len(atom) else 0
    a = atom[keep]
    r = id_round[keep]
    n = np.bincount(a, minlength=n_atoms).astype(np.int64)
    known = ~np.isnan(r)
    unknown = np.bincount(a[~known], minlength=n_atoms) > 0
    per = pd.DataFrame({"a": a[known], "r": r[known]}).groupby(["a", "r"]).size()
    top = np.zeros(n_atoms, dtype=np.int64)
    distinct = np.zeros(n_atoms, dtype=np.int64)
    if len(per):
        grouped = per.groupby(level="a")
        idx = grouped.max().index.to_numpy(dtype=np.int64)
        top[idx] = grouped.max().to_numpy(dtype=np.int64)
        distinct[idx] = grouped.size().to_numpy(dtype=np.int64)
    rounds = np.maximum(distinct + np.where(unknown, max(1, unknown_rounds), 0), 1)
    return n, np.maximum(top, -(-n // rounds))


def ledger_atom_refusals(
    released: pd.DataFrame,
    candidates: pd.DataFrame,
    *,
    k: int,
    unknown_rounds: int = 1,
    priority: pd.Series | None = None,
) -> pd.DataFrame:
    """Which candidate sets to refuse so that no combination of released sums isolates < k people.

    ``released``: every set released before (of one measure), ``candidates``: the sets about
    to be shown; long frames (``set``, ``id``, optional ``round``: each id's round, NaN =
    unknown). Ids covered by at least one set fall into *atoms*: ids held by exactly the
    same sets. Every sum or difference of released sums is constant on atoms, so when each
    atom holds at least k people, any nonzero combination covers a whole atom: no
    combination of any number of cells isolates fewer than k. Ids held by no set are out of
    the span and do not count. An atom's people are bounded from below by its rounds (see
    `_atom_people`; ``unknown_rounds``: how many rounds an id of unknown round may come
    from), never linked; an atom that is a whole set counts as k people, since every set
    given here (released or candidate) must have passed its own k test on people before it
    is offered. Identical sets make no new atom, so showing a cell again is free.

    While some atom is small, one candidate per small atom is refused per pass: the first by
    ``priority`` (a number per candidate label, lowest refused first; default its size, so
    the most specific cell goes first) among the candidates holding it, or, when only
    earlier sets hold it (a candidate carved it out of a released atom), among those
    touching that released atom. A released atom already small (data from before this
    rule) cannot be undone: every candidate touching it is refused. Returns one row per
    candidate label: ``set``, ``size``, ``refused``, ``people`` (the people bound of the
    small atom that refused it, else -1), ``distance`` (that atom's responses, else -1) and
    ``known`` (an identical set was released before).
    """
    cand = _long(candidates)
    labels, cand_codes = pd.factorize(cand[SET], sort=False)
    n_c = len(cand_codes)
    sizes = np.bincount(labels, minlength=n_c).astype(np.int64)
    out = pd.DataFrame(
        {
            SET: cand_codes,
            "size": sizes,
            "refused": np.zeros(n_c, dtype=bool),
            "people": np.full(n_c, -1, dtype=np.int64),
            "distance": np.full(n_c, -1, dtype=np.int64),
            "known": np.zeros(n_c, dtype=bool),
        }
    )
    if cand.empty:
        return out
    rel = _long(released)
    # Only earlier sets sharing an id with a candidate change an atom the candidates touch;
    # every other set is kept on those sets' ids only (it still splits them), not in full.
    cand_ids = pd.unique(cand[ID].to_numpy())
    touching = pd.unique(rel.loc[rel[ID].isin(cand_ids), SET].to_numpy())
    near_ids = pd.unique(rel.loc[rel[SET].isin(touching), ID].to_numpy())
    full_size = rel.groupby(SET, sort=False).size()  # before keeping only the near ids
    rel = rel[rel[ID].isin(pd.unique(np.concatenate([near_ids, cand_ids])))]
    if len(touching):
        prints = set_fingerprints(rel[rel[SET].isin(touching)])
        mine = set_fingerprints(cand)
        out["known"] = (
            mine.set_index(SET)["fingerprint"]
            .isin(set(prints["fingerprint"]))
            .reindex(cand_codes)
            .to_numpy(dtype=bool)
        )
    old_labels, old_codes = pd.factorize(rel[SET], sort=False)
    n_r = len(old_codes)
    rows = pd.DataFrame(
        {
            "id": pd.concat([rel[ID], cand[ID]], ignore_index=True).astype(object),
            "set": np.concatenate([old_labels, labels + n_r]).astype(np.int64),
            "round": np.concatenate(
                [rel[ROUND].to_numpy(dtype=float), cand[ROUND].to_numpy(dtype=float)]
            ),
        }
    )
    id_codes, _ = pd.factorize(rows["id"], sort=False)
    order = np.argsort(id_codes, kind="stable")
    id_sorted = id_codes[order]
    set_sorted = rows["set"].to_numpy()[order]
    starts = np.flatnonzero(np.r_[True, id_sorted[1:] != id_sorted[:-1]])
    n_ids = len(starts)
    row_id = np.cumsum(np.r_[False, id_sorted[1:] != id_sorted[:-1]])  # id index per row
    rounds_sorted = rows["round"].to_numpy()[order]
    # Each id's round: the first one known among its rows (an id has one round).
    id_round = (
        pd.Series(rounds_sorted).groupby(row_id).first().to_numpy(dtype=float)
        if n_ids
        else np.zeros(0)
    )
    k1, k2 = _label_keys(n_r + n_c)
    # Each set's whole size: an atom that is a whole set is as many people as that set,
    # which passed its own k test (on people) to be shown at all.
    true_size = np.r_[full_size.reindex(old_codes).to_numpy(dtype=np.int64), sizes].astype(
        np.int64
    )[set_sorted]
    key1, key2 = k1[set_sorted], k2[set_sorted]
    is_cand = set_sorted >= n_r
    cand_of_row = np.where(is_cand, set_sorted - n_r, -1)
    # Released atoms (earlier sets only), and which are small already (before this rule).
    r1, r2, r_cov = _signatures(id_sorted, starts, key1, key2, ~is_cand)
    ratom = np.where(r_cov, _atoms(r1, r2), -1)
    ratom_n, ratom_people = _atom_people(np.maximum(ratom, 0), id_round, r_cov, unknown_rounds)
    ratom_people = _whole_sets(
        ratom_people, ratom_n, np.maximum(ratom, 0), r_cov, starts, true_size, ~is_cand, k
    )
    old_small_atom = (ratom_people < k) & (ratom_n > 0)
    old_small_id = r_cov & old_small_atom[np.maximum(ratom, 0)]
    prio = (
        sizes.astype(float)
        if priority is None
        else pd.Series(priority).reindex(cand_codes).fillna(np.inf).to_numpy(dtype=float)
    )
    refused = np.zeros(n_c, dtype=bool)
    why_people = np.full(n_c, -1, dtype=np.int64)
    why_n = np.full(n_c, -1, dtype=np.int64)
    # Candidates touching an atom that earlier releases already left small are refused.
    hit = is_cand & old_small_id[row_id]
    if hit.any():
        c = cand_of_row[hit]
        refused[c] = True
        np.maximum.at(why_people, c, ratom_people[ratom[row_id[hit]]])
        np.maximum.at(why_n, c, ratom_n[ratom[row_id[hit]]])
    for _ in range(n_c + 1):  # each pass refuses at least one candidate
        on = ~is_cand | ~refused[np.maximum(cand_of_row, 0)]
        s1, s2, cov = _signatures(id_sorted, starts, key1, key2, on)
        atom = _atoms(s1, s2)
        a_n, a_people = _atom_people(atom, id_round, cov, unknown_rounds)
        a_people = _whole_sets(a_people, a_n, atom, cov, starts, true_size, on, k)
        small = (a_people < k) & (a_n > 0)
        bad_id = cov & small[atom] & ~old_small_id
        if not bad_id.any():
            break
        pick = _pick(atom, cov, bad_id, row_id, on & is_cand, cand_of_row, ratom, prio, n_c)
        if not len(pick):  # nothing left to refuse (cannot happen: see docstring)
            break
        a_of = pick[:, 1]
        c = pick[:, 0]
        refused[c] = True
        why_people[c] = a_people[a_of]
        why_n[c] = a_n[a_of]
    out["refused"] = refused
    out["people"] = np.where(refused, why_people, -1)
    out["distance"] = np.where(refused, why_n, -1)
    return out


def _whole_sets(
    people: np.ndarray,
    n: np.ndarray,
    atom: np.ndarray,
    cov: np.ndarray,
    starts: np.ndarray,
    true_size: np.ndarray,
    on: np.ndarray,
    k: int,
) -> np.ndarray:
    """Raise to k the people of each atom that is a whole shown set: every set holding an
    atom contains it, so the atom is the smallest of them exactly when their sizes agree,
    and every set given here was shown only after its own people count passed k."""
    big = np.iinfo(np.int64).max
    smallest = np.minimum.reduceat(np.where(on, true_size, big), starts) if len(starts) else n
    per_atom = np.full(len(n), big, dtype=np.int64)
    np.minimum.at(per_atom, atom[cov], smallest[cov])
    return np.where((per_atom == n) & (n > 0), np.maximum(people, k), people)


def _pick(
    atom: np.ndarray,
    cov: np.ndarray,
    bad_id: np.ndarray,
    row_id: np.ndarray,
    cand_on: np.ndarray,
    cand_of_row: np.ndarray,
    ratom: np.ndarray,
    prio: np.ndarray,
    n_c: int,
) -> np.ndarray:
    """(candidate, atom) pairs to refuse this pass, for every small atom A.

    Refusing candidates merges atoms: A merges with an atom B of the same released atom
    (the same earlier sets hold both) once every candidate holding exactly one of them is
    refused, and leaves the span (or falls back into its released atom) once every
    candidate holding it is. Of those options the one refusing the fewest candidates is
    taken (then the lowest priority sum), so a sub-team a few people away from its shown
    parent goes rather than the parent and the org both."""
    n_atoms = int(atom.max()) + 1
    ids = np.flatnonzero(cov)
    a2r = np.full(n_atoms, -2, dtype=np.int64)
    a2r[atom[ids]] = ratom[ids]  # -1: ids no earlier set holds (one released atom)
    present = np.flatnonzero(a2r > -2)
    rows = np.flatnonzero(cand_on)
    inc = pd.DataFrame({"a": atom[row_id[rows]], "c": cand_of_row[rows]}).drop_duplicates()
    a_idx, c_idx = inc["a"].to_numpy(), inc["c"].to_numpy()
    m = sparse.csr_matrix((np.ones(len(inc)), (a_idx, c_idx)), shape=(n_atoms, n_c))
    w = sparse.csr_matrix((prio[c_idx], (a_idx, c_idx)), shape=(n_atoms, n_c))
    n_of = np.asarray(m.sum(axis=1)).ravel()
    w_of = np.asarray(w.sum(axis=1)).ravel()
    small = np.unique(atom[bad_id])
    pairs = (
        pd.DataFrame({"A": small, "r": a2r[small]})
        .merge(pd.DataFrame({"B": present, "r": a2r[present]}), on="r")
        .query("A != B")
    )
    aa, bb = pairs["A"].to_numpy(), pairs["B"].to_numpy()
    both_n = np.asarray(m[aa].multiply(m[bb]).sum(axis=1)).ravel() if len(aa) else np.zeros(0)
    both_w = np.asarray(m[aa].multiply(w[bb]).sum(axis=1)).ravel() if len(aa) else np.zeros(0)
    options = pd.DataFrame(
        {
            "A": np.r_[aa, small],
            "B": np.r_[bb, np.full(len(small), -1)],  # -1: refuse every candidate holding A
            "n": np.r_[n_of[aa] + n_of[bb] - 2 * both_n, n_of[small]],
            "w": np.r_[w_of[aa] + w_of[bb] - 2 * both_w, w_of[small]],
        }
    )
    options = options[options["n"] > 0].sort_values(["A", "n", "w", "B"], kind="stable")
    best = options.drop_duplicates("A")
    if best.empty:
        return np.zeros((0, 2), dtype=np.int64)
    a_best, b_best = best["A"].to_numpy(), best["B"].to_numpy()
    other = m[np.maximum(b_best, 0)].multiply((b_best >= 0)[:, None].astype(float))
    diff = abs(m[a_best] - sparse.csr_matrix(other)).tocoo()
    out = np.column_stack([diff.col[diff.data > 0], a_best[diff.row[diff.data > 0]]])
    return out.astype(np.int64)


def _first(pairs: pd.DataFrame, prio: np.ndarray) -> pd.DataFrame:
    """Per atom ``a``, the candidate ``c`` with the lowest priority (then the lowest code)."""
    if pairs.empty:
        return pd.DataFrame({"a": [], "c": []}, dtype=np.int64)
    p = pairs.assign(p=prio[pairs["c"].to_numpy()]).sort_values(["a", "p", "c"])
    return p.drop_duplicates("a")[["a", "c"]]


def _long(frame: pd.DataFrame) -> pd.DataFrame:
    """(set, id, round) with each (set, id) once; ``round`` NaN where not given."""
    cols = [SET, ID, *([ROUND] if ROUND in frame.columns else [])]
    out = frame[cols].drop_duplicates([SET, ID])
    if ROUND not in out.columns:
        out = out.assign(**{ROUND: np.nan})
    out = out.assign(**{ROUND: pd.to_numeric(out[ROUND], errors="coerce").astype(float)})
    return out.reset_index(drop=True)
