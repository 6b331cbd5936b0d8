"""The response-id sets behind a release's cells, read in bulk: one row per response, no ORM.

A response is behind its team's cell and every ancestor's (and the org's), for the trust
index and for each dimension it answered at least one item of (docs/privacy.md, "The
release ledger"). The database returns one row per response — its id, team, period (day
number), rubric and a bit mask of the measures it answered, computed by a correlated
aggregate over its own answers — so no answer row, no UUID object per answer and no
DISTINCT over answers reaches Python; the expansion to (cell, id) pairs is vectorised.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

from orgs.models import Organization
from scoring.disclosure import TRUST_MEASURE
from surveys.models import Answer, Item, PulseRound, Response, RoundStatus
from trustmath.ledger import ID, ROUND, SET

CELL = ["period", "rubric_id", "team_id", "measure"]
ID_DTYPE = "S16"  # the ledger's id type (orgs.ledger.ID_DTYPE): a response UUID's 16 bytes
FETCH_ROWS = 65_536  # rows per cursor fetch: memory bounded by the arrays, not row tuples
MASK_BITS = 62  # measures per query: bits 0-61 of a signed 64-bit mask
OTHER_BIT = 1 << MASK_BITS  # an answer of a measure outside the query's bits
EPOCH = dt.date(1970, 1, 1)
# hex digit (ASCII) → its value; UUIDs are stored as 32 hex digits by Django on SQLite.
_NIBBLE = np.zeros(256, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789abcdef"):
    _NIBBLE[_c] = _i
for _i, _c in enumerate(b"ABCDEF"):
    _NIBBLE[_c] = 10 + _i


def _members_sql(*, n_periods: int, item_bit: dict[int, int]) -> str:
    """One row per response of the org's closed rounds in the periods: id, team, period as
    a day number, rubric, the bit mask of the measures it answered (NULL: none) and its
    round (the ledger counts a difference in people: at most one response per round)."""
    vendor = connection.vendor
    if vendor == "postgresql":
        day, rid = "(r.period - DATE '1970-01-01')", "uuid_send(r.id)"
        agg_open, agg_close = "bit_or(", ")"
    elif vendor == "sqlite":
        day, rid = "CAST(julianday(r.period) - 2440587.5 AS INTEGER)", "r.id"
        agg_open, agg_close = "SUM(DISTINCT ", ")"  # distinct one-bit values summed = their OR
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
        raise NotImplementedError(f"release_members has no SQL for {vendor}")
    # Item ids and bits are integers read from the database, written as literals so the
    # CASE keeps one integer type on both vendors; it runs per answer inside the database.
    case = " ".join(f"WHEN {int(i)} THEN {int(b)}" for i, b in item_bit.items())
    response, answer = Response._meta.db_table, Answer._meta.db_table
    rnd = PulseRound._meta.db_table
    marks = ", ".join(["%s"] * n_periods)
    return (
        f"SELECT {rid}, r.team_id, {day}, p.rubric_id, "
        f"(SELECT {agg_open}CASE a.item_id {case} END{agg_close} FROM {answer} a "
        f"WHERE a.response_id = r.id AND a.value IS NOT NULL), r.round_id "
        f"FROM {response} r JOIN {rnd} p ON p.id = r.round_id "
        f"WHERE p.organization_id = %s AND p.status = %s AND r.period IN ({marks})"
    )


def _id_bytes(values: tuple[object, ...]) -> np.ndarray:
    """Response ids as the ledger's 16 bytes, vectorised: PostgreSQL sends the bytes
    (`uuid_send`), SQLite the 32 hex digits Django stores."""
    if not values:
        return np.empty(0, dtype=ID_DTYPE)
    first = values[0]
    if isinstance(first, bytes | bytearray | memoryview):
        return np.array([bytes(v) for v in values], dtype=ID_DTYPE)  # type: ignore[call-overload]
    text = np.array(values, dtype="S36")
    if len(str(first)) == 36:  # a dashed UUID text
        text = np.char.replace(text, b"-", b"")
    digits = _NIBBLE[np.frombuffer(text.astype("S32").tobytes(), dtype=np.uint8)].reshape(-1, 32)
    pairs = (digits[:, 0::2] << 4) | digits[:, 1::2]
    return np.ascontiguousarray(pairs).view(ID_DTYPE).reshape(-1)


def _responses(
    org: Organization, periods: list[dt.date], item_bit: dict[int, int]
) -> tuple[np.ndarray, np.ndarray]:
    """(ids as S16, int64 block of team, day, rubric, mask, round) of the responses."""
    ids: list[np.ndarray] = []
    blocks: list[np.ndarray] = []
    sql = _members_sql(n_periods=len(periods), item_bit=item_bit)
    params: list[Any] = [org.pk, str(RoundStatus.CLOSED), *periods]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(FETCH_ROWS):
            ids.append(_id_bytes(tuple(r[0] for r in rows)))
            flat = np.fromiter(
                itertools.chain.from_iterable((r[1], r[2], r[3], r[4] or 0, r[5]) for r in rows),
                dtype=np.int64,
                count=5 * len(rows),
            )
            blocks.append(flat.reshape(-1, 5))
    if not blocks:
        return np.empty(0, dtype=ID_DTYPE), np.empty((0, 5), dtype=np.int64)
    return np.concatenate(ids), np.concatenate(blocks)


def _units(org: Organization) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tree as ragged arrays: sorted team ids, and per team the start and count of its
    units (itself, its ancestors, the org = 0) in the flat unit array."""
    tree = org.team_tree()
    teams = np.array(sorted(tree.parent_of), dtype=np.int64)
    lists = [[int(t), *tree.ancestors(int(t)), 0] for t in teams]  # per team, not response
    counts = np.array([len(u) for u in lists], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    flat = np.array([u for us in lists for u in us], dtype=np.int64)
    return teams, starts, counts, flat


def _empty(labelled: bool) -> pd.DataFrame:
    return pd.DataFrame(columns=[*CELL, ID, ROUND, *([SET] if labelled else [])])


def _narrow(values: np.ndarray) -> np.ndarray:
    """Database ids as int32 when they fit (they do, short of two billion rows), else int64."""
    if len(values) and (values.min() < -(2**31) or values.max() >= 2**31):
        return values.astype(np.int64)
    return values.astype(np.int32)


def _members(*, org: Organization, periods: list[dt.date], labelled: bool) -> pd.DataFrame:
    rubrics = list(
        PulseRound.objects.filter(
            organization_id=org.pk, status=RoundStatus.CLOSED, period__in=periods
        )
        .values_list("rubric_id", flat=True)
        .distinct()
    )
    item_key = dict(Item.objects.filter(rubric_id__in=rubrics).values_list("id", "dimension__key"))
    keys = sorted(set(item_key.values()))
    if not periods or not keys:
        return _empty(labelled)
    tree = _units(org)
    names = [TRUST_MEASURE, *keys]
    parts: list[pd.DataFrame] = []
    for lo in range(0, len(keys), MASK_BITS):  # one query per 62 measures: usually one
        chunk = keys[lo : lo + MASK_BITS]
        bit = {key: 1 << j for j, key in enumerate(chunk)}
        # The first query also marks answers of the other measures (OTHER_BIT), so its
        # mask says whether the response answered anything: the trust index's members.
        item_bit = {i: bit.get(k, OTHER_BIT if lo == 0 else 0) for i, k in item_key.items()}
        ids, block = _responses(org, periods, {i: b for i, b in item_bit.items() if b})
        mask = block[:, 3]
        sel = [(lo + 1 + j, (mask >> j) & 1 == 1) for j in range(len(chunk))]
        if lo == 0:
            sel.insert(0, (0, mask != 0))
        resp = np.concatenate([np.flatnonzero(s) for _, s in sel])
        meas = np.repeat(
            np.array([m for m, _ in sel], dtype=np.int32), [int(s.sum()) for _, s in sel]
        )
        del mask, sel
        part = _expand(ids, block, resp, meas, tree, names, labelled)
        if len(part):
            parts.append(part)
        del ids, block, resp, meas
    if not parts:
        return _empty(labelled)
    if len(parts) == 1:
        return parts[0]
    # More than 62 measures: one frame per query, their categories unioned.
    out = pd.concat(parts, ignore_index=True)
    for col in ("period", "measure", *([SET] if labelled else [])):
        if out[col].dtype != "category":
            out[col] = out[col].astype("category")
    return out


def _expand(
    ids: np.ndarray,
    block: np.ndarray,
    resp: np.ndarray,
    meas: np.ndarray,
    tree: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    names: list[str],
    labelled: bool,
) -> pd.DataFrame:
    """Each (response, measure) pair to every unit of its team: one row per (cell, id).

    Filled level by level of the tree (the team itself, its parent, ..., the org) straight
    into preallocated narrow columns: at 1M responses there are ~17M rows, and the earlier
    ragged `repeat` with int64 temporaries per row and a final concatenation peaked at
    4 GB. Teams no longer in the tree have no rows."""
    teams, starts, counts, flat = tree
    team = block[resp, 0]
    pos = np.minimum(np.searchsorted(teams, team), max(len(teams) - 1, 0))
    known = (teams[pos] == team) if len(teams) else np.zeros(len(team), dtype=bool)
    rep = np.where(known, counts[pos] if len(teams) else 0, 0)
    del team, known
    total = int(rep.sum())
    # Per response (small): period code, rubric, round; per unit of the tree: its code.
    days, day_code_r = np.unique(block[:, 1], return_inverse=True)
    day_code_r = day_code_r.reshape(-1).astype(np.int16 if len(days) < 2**15 else np.int64)
    rubrics, rubric_code_r = np.unique(block[:, 2], return_inverse=True)
    rubric_code_r = rubric_code_r.reshape(-1)
    units = np.unique(np.concatenate([flat, [0]]))
    unit_code_flat = np.searchsorted(units, flat)
    period_of = np.array([EPOCH + dt.timedelta(days=int(d)) for d in days], dtype=object)
    n_m, n_u, n_r = len(names), len(units), len(rubrics)
    id_col = np.empty(total, dtype=ids.dtype)
    day_code = np.empty(total, dtype=day_code_r.dtype)
    rubric = np.empty(total, dtype=_narrow(rubrics).dtype)
    unit = np.empty(total, dtype=_narrow(units).dtype)
    m_code = np.empty(total, dtype=np.int8 if n_m < 128 else np.int64)
    rnd = np.empty(total, dtype=_narrow(block[:, 4]).dtype)
    key = np.empty(total, dtype=np.int64) if labelled else None
    at = 0
    for level in range(int(rep.max()) if total else 0):
        pairs = np.flatnonzero(rep > level)  # pairs whose team has a unit at this level
        r_of = resp[pairs]
        flat_at = starts[pos[pairs]] + level
        end = at + len(pairs)
        id_col[at:end] = ids[r_of]
        day_code[at:end] = day_code_r[r_of]
        rubric[at:end] = block[r_of, 2]
        unit[at:end] = flat[flat_at]
        m_code[at:end] = meas[pairs]
        rnd[at:end] = block[r_of, 4]
        if key is not None:
            key[at:end] = (
                (day_code_r[r_of].astype(np.int64) * n_r + rubric_code_r[r_of]) * n_u
                + unit_code_flat[flat_at]
            ) * n_m + meas[pairs]
        at = end
        del pairs, r_of, flat_at
    out = pd.DataFrame(
        {
            "period": pd.Categorical.from_codes(day_code, categories=period_of),
            "rubric_id": rubric,
            "team_id": unit,
            "measure": pd.Categorical.from_codes(m_code, categories=names),
            ID: id_col,
            ROUND: rnd,
        },
        copy=False,
    )
    if key is not None:
        out[SET] = _cell_labels(key, (len(days), n_r, n_u, n_m), period_of, rubrics, units, names)
    return out


def _cell_labels(
    key: np.ndarray,
    shape: tuple[int, int, int, int],
    period_of: np.ndarray,
    rubrics: np.ndarray,
    units: np.ndarray,
    names: list[str],
) -> pd.Categorical:
    """The ledger's set label per row ("period|rubric|team|measure", as
    `scoring.releases._labels` writes it for a snapshot cell), built once per distinct cell.

    `key` numbers the cell densely from its (period, rubric, unit, measure) codes; the cells
    present are found with a presence table when the key space is small (always, short of
    millions of teams), no sort of the rows."""
    n_d, n_r, n_u, n_m = shape
    space = n_d * n_r * n_u * n_m
    if space <= 50_000_000:
        present = np.zeros(space, dtype=bool)
        present[key] = True
        cells = np.flatnonzero(present)
        code_of = np.cumsum(present, dtype=np.int64) - 1
        del present
        inverse = code_of[key].astype(np.int32 if len(cells) < 2**31 else np.int64)
        del code_of
    else:
        cells, inverse = np.unique(key, return_inverse=True)
        inverse = inverse.reshape(-1)
    m, rest = cells % n_m, cells // n_m
    u, rest = rest % n_u, rest // n_u
    r, d = rest % n_r, rest // n_r
    text = [
        f"{period_of[di]}|{rubrics[ri]}|{units[ui]}|{names[mi]}"
        for di, ri, ui, mi in zip(d, r, u, m, strict=True)  # distinct cells, not rows
    ]
    return pd.Categorical.from_codes(inverse, categories=text)


def release_members(*, org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """The anonymous response ids behind every cell: columns period, rubric_id, team_id,
    measure, id (16 bytes), round."""
    return _members(org=org, periods=periods, labelled=False)


def release_members_labelled(*, org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """`release_members` with each row's set label (column SET): what publishing checks.

    Loaded by a recompute before its write transaction (scoring.services), so the answer
    read and labelling never hold the write lock."""
    return _members(org=org, periods=periods, labelled=True)
