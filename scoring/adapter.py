"""Django adapter: load one org's answers, rubric and team tree into DataFrames and run the engine.

Answers are read with ONE raw SQL query per rubric version straight into int64 NumPy
columns — never model instances, UUID or date objects per row, and no sort on random ids
(`answer_columns`); the engine so takes its integer fast paths, the production path. The
engine runs once per rubric version used by the org's rounds (a round is scored against the
rubric it asked), over consecutive reporting periods so "previous period" in a trend always
means the calendar period before.

Only **closed** rounds are scored: results are released at a round's close, never while
answers still arrive (docs/privacy.md, "Open rounds show participation only"), so reading
before and after one more answer cannot give that answer back.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection

from orgs.models import Organization
from orgs.periods import next_period, previous_period
from surveys.models import Answer, Dimension, Item, PulseRound, Response, RoundStatus
from trustmath.engine import ORG_ID, ScoringResult, score


@dataclass(frozen=True)
class RubricScores:
    """The engine's results for one rubric version of one org."""

    rubric_id: int
    result: ScoringResult


def consecutive_periods(first: dt.date, last: dt.date, kind: str) -> list[dt.date]:
    """Every period start from `first` to `last` inclusive, oldest first."""
    out = [first]
    while out[-1] < last:
        out.append(next_period(out[-1], kind))
    return out


def engine_parent_of(org: Organization) -> dict[int, int]:
    """team id → parent id in the engine's shape: top-level teams → ORG_ID (org.team_tree())."""
    return {tid: (parent or ORG_ID) for tid, parent in org.team_tree().parent_of.items()}


# Periods travel through the engine as day numbers (days since 1970-01-01): integer columns
# take the engine's fast paths (comparisons and lookups on int64, not on date objects).
EPOCH = dt.date(1970, 1, 1)
# Rows are read from the cursor in chunks: memory stays bounded by the arrays, never by a
# list of millions of row tuples.
FETCH_ROWS = 65_536
SKIP = -1  # a NULL value (skip) in the query; NaN in the frame
ANSWER_COLUMNS = ("response_id", "team_id", "period", "item_id", "value")


def period_day(period: dt.date) -> int:
    """A period start as a day number (the adapter's period column)."""
    return (period - EPOCH).days


def day_period(day: int) -> dt.date:
    """A day number back to its period start."""
    return EPOCH + dt.timedelta(days=int(day))


def _answers_sql(n_rounds: int) -> str:
    """One query over every round: answers joined to their response, ids as integers.

    The responses of the rounds are numbered in scan order (`row_number() OVER ()`, no sort:
    the random UUIDs are never sorted or sent to Python), and the period becomes a day number
    in SQL, once per response rather than once per answer.
    """
    vendor = connection.vendor
    if vendor == "postgresql":
        day = "(r.period - DATE '1970-01-01')"
    elif vendor == "sqlite":
        day = "CAST(julianday(r.period) - 2440587.5 AS INTEGER)"
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
        raise NotImplementedError(f"answer_columns has no SQL for {vendor}")
    response, answer = Response._meta.db_table, Answer._meta.db_table
    marks = ", ".join(["%s"] * n_rounds)
    return (
        f"WITH rr AS (SELECT r.id, row_number() OVER () AS rk, r.team_id, {day} AS day "
        f"FROM {response} r WHERE r.round_id IN ({marks})) "
        f"SELECT rr.rk, rr.team_id, rr.day, a.item_id, COALESCE(a.value, {SKIP}) "
        f"FROM rr JOIN {answer} a ON a.response_id = rr.id"
    )


def answer_columns(*, round_ids: Iterable[int]) -> pd.DataFrame:
    """Answers of the given rounds in long form: ONE query, integer columns, no row objects.

    Columns: response_id (a dense integer per response, stable within this frame only),
    team_id, period (day number, `period_day`), item_id (int64) and value (float64, NaN =
    skip). Rows are not sorted; the engine groups answers by response itself.
    """
    ids = [int(r) for r in round_ids]
    # One list of chunk arrays per column, each concatenated on its own and its chunks
    # dropped before the next: at 1M responses (8M rows) a single (rows × 5) block, its
    # concatenation and the DataFrame's copy of it were three 320 MB copies at once.
    parts: list[list[np.ndarray]] = [[] for _ in ANSWER_COLUMNS]
    if ids:
        with connection.cursor() as cur:
            cur.execute(_answers_sql(len(ids)), ids)
            while rows := cur.fetchmany(FETCH_ROWS):
                flat = np.fromiter(
                    itertools.chain.from_iterable(rows), dtype=np.int64, count=5 * len(rows)
                ).reshape(-1, 5)
                for j, part in enumerate(parts):
                    part.append(flat[:, j].copy())  # contiguous, and frees the chunk
    columns: dict[str, np.ndarray] = {}
    for name, part in zip(ANSWER_COLUMNS, parts, strict=True):
        columns[name] = np.concatenate(part) if part else np.empty(0, dtype=np.int64)
        part.clear()
    value = columns["value"].astype(np.float64)
    value[columns["value"] == SKIP] = np.nan
    columns["value"] = value
    # copy=False: the frame keeps these arrays (one block each) instead of consolidating
    # the four integer columns into a new 2-D block.
    return pd.DataFrame(columns, copy=False)


def answers_frame(*, round_ids: Iterable[int]) -> pd.DataFrame:
    """`answer_columns` with the period as a date (for readers that show periods, not scores)."""
    frame = answer_columns(round_ids=round_ids)
    return _dated(frame)


def rubric_frames(*, rubric_ids: Iterable[int]) -> dict[int, tuple[pd.DataFrame, pd.DataFrame]]:
    """rubric id → (items, dimensions) frames in the engine's shape (two queries in all)."""
    ids = list(rubric_ids)
    items = pd.DataFrame(
        list(
            Item.objects.filter(rubric_id__in=ids).values_list(
                "rubric_id", "id", "dimension__key", "reverse_keyed"
            )
        ),
        columns=["rubric_id", "item_id", "dimension", "reverse_keyed"],
    )
    dims = pd.DataFrame(
        list(
            Dimension.objects.filter(rubric_id__in=ids)
            .order_by("rubric_id", "position", "id")
            .values_list("rubric_id", "key", "weight", "bands")
        ),
        columns=["rubric_id", "dimension", "weight", "bands"],
    )
    out = {}
    for rid in ids:
        it = items[items["rubric_id"] == rid].drop(columns="rubric_id").reset_index(drop=True)
        dm = dims[dims["rubric_id"] == rid].drop(columns="rubric_id").reset_index(drop=True)
        out[rid] = (it, dm)
    return out


def org_scores(
    *, org: Organization, periods: Iterable[dt.date] | None = None
) -> list[RubricScores]:
    """Score `periods` of `org` (all periods with rounds by default), one result per rubric.

    Closed rounds only: an open round's answers are never part of a result. The period
    before each requested one is loaded too, so trends are right.
    """
    rounds = PulseRound.objects.filter(organization_id=org.id, status=RoundStatus.CLOSED)
    wanted = sorted(set(periods)) if periods is not None else None
    if wanted is not None:
        needed = set(wanted) | {previous_period(p, org.reporting_period) for p in wanted}
        rounds = rounds.filter(period__in=needed)
    round_rows = list(rounds.order_by("period", "id").values_list("id", "rubric_id", "period"))
    if not round_rows:
        return []
    parent_of = engine_parent_of(org)
    by_rubric: dict[int, list[tuple[int, dt.date]]] = {}
    for rid, rubric_id, period in round_rows:
        by_rubric.setdefault(rubric_id, []).append((rid, period))
    frames = rubric_frames(rubric_ids=by_rubric)
    out = []
    for rubric_id, rounds_of in by_rubric.items():  # loop over rubric versions (usually one)
        answers = answer_columns(round_ids=[rid for rid, _ in rounds_of])
        if answers.empty:
            continue
        all_periods = consecutive_periods(
            min(p for _, p in rounds_of), max(p for _, p in rounds_of), org.reporting_period
        )
        items, dims = frames[rubric_id]
        raw = score(answers, items, dims, parent_of, [period_day(p) for p in all_periods])
        result = ScoringResult(_dated(raw.dimensions), _dated(raw.trust))
        if wanted is not None:
            keep = set(wanted)
            result = ScoringResult(
                result.dimensions[result.dimensions["period"].isin(keep)].reset_index(drop=True),
                result.trust[result.trust["period"].isin(keep)].reset_index(drop=True),
            )
        out.append(RubricScores(rubric_id=rubric_id, result=result))
    return out


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    """The engine's day-number periods back to period start dates (one per distinct day)."""
    days = frame["period"].to_numpy()
    distinct, codes = np.unique(days.astype(np.int64), return_inverse=True)
    dates = np.empty(len(distinct), dtype=object)
    dates[:] = [day_period(d) for d in distinct]
    frame["period"] = dates[codes.reshape(-1)]
    return frame
