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
    teams, starts, counts, flat = _units(org)
    names = [TRUST_MEASURE, *keys]
    cols: list[tuple[np.ndarray, ...]] = []
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
        meas = np.repeat([m for m, _ in sel], [int(s.sum()) for _, s in sel])
        cols.append(_expand(ids, block, resp, meas, (teams, starts, counts, flat)))
    id_col, day, rubric, unit, m_code, rnd = (np.concatenate(c) for c in zip(*cols, strict=True))
    if len(id_col) == 0:
        return _empty(labelled)
    days, day_code = np.unique(day, return_inverse=True)
    period_of = np.array([EPOCH + dt.timedelta(days=int(d)) for d in days], dtype=object)
    day_code = day_code.reshape(-1)
    out = pd.DataFrame(
        {
            "period": pd.Categorical.from_codes(day_code, categories=period_of),
            "rubric_id": rubric,
            "team_id": unit,
            "measure": pd.Categorical.from_codes(m_code, categories=names),
            ID: id_col,
            ROUND: rnd,
        }
    )
    if labelled:
        out[SET] = _cell_labels(day_code, rubric, unit, m_code, period_of, names)
    return out


def _expand(
    ids: np.ndarray,
    block: np.ndarray,
    resp: np.ndarray,
    meas: np.ndarray,
    tree: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> tuple[np.ndarray, ...]:
    """Each (response, measure) pair to every unit of its team (ragged, vectorised):
    (id, day, rubric, unit, measure code, round) per row. Teams no longer in the tree have
    none."""
    teams, starts, counts, flat = tree
    team = block[resp, 0]
    pos = np.minimum(np.searchsorted(teams, team), max(len(teams) - 1, 0))
    known = (teams[pos] == team) if len(teams) else np.zeros(len(team), dtype=bool)
    rep = np.where(known, counts[pos] if len(teams) else 0, 0)
    total = int(rep.sum())
    row = np.repeat(np.arange(len(resp)), rep)
    within = np.arange(total) - np.repeat(np.cumsum(rep) - rep, rep)
    unit = flat[starts[pos[row]] + within] if total else np.empty(0, dtype=np.int64)
    r_of = resp[row]
    return (
        ids[r_of],
        block[r_of, 1],
        block[r_of, 2],
        unit,
        meas[row].astype(np.int64),
        block[r_of, 4],
    )


def _cell_labels(
    day_code: np.ndarray,
    rubric: np.ndarray,
    unit: np.ndarray,
    m_code: np.ndarray,
    period_of: np.ndarray,
    names: list[str],
) -> pd.Categorical:
    """The ledger's set label per row ("period|rubric|team|measure", as
    `scoring.releases._labels` writes it for a snapshot cell), built once per distinct cell."""
    rubrics, r_code = np.unique(rubric, return_inverse=True)
    units, u_code = np.unique(unit, return_inverse=True)
    key = ((day_code * len(rubrics) + r_code) * len(units) + u_code) * len(names) + m_code
    cells, inverse = np.unique(key, return_inverse=True)
    m, rest = cells % len(names), cells // len(names)
    u, rest = rest % len(units), rest // len(units)
    r, d = rest % len(rubrics), rest // len(rubrics)
    text = [
        f"{period_of[di]}|{rubrics[ri]}|{units[ui]}|{names[mi]}"
        for di, ri, ui, mi in zip(d, r, u, m, strict=True)  # distinct cells, not rows
    ]
    return pd.Categorical.from_codes(inverse.reshape(-1), categories=text)


def release_members(*, org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """The anonymous response ids behind every cell: columns period, rubric_id, team_id,
    measure, id (16 bytes), round."""
    return _members(org=org, periods=periods, labelled=False)


def release_members_labelled(*, org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """`release_members` with each row's set label (column SET): what publishing checks.

    Loaded by a recompute before its write transaction (scoring.services), so the answer
    read and labelling never hold the write lock."""
    return _members(org=org, periods=periods, labelled=True)
