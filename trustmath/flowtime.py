"""Time, period, status and event helpers shared by the execution maths (flow, handoffs).

Timestamps are handled as int64 nanoseconds since the epoch in UTC (``NAT`` = missing), days
as int64 day numbers since 1970-01-01 in the org's time zone. Periods are identified by the
day number of their first day, exactly as :func:`orgs.periods.period_start` defines them:
months start on the 1st, weeks on Monday, fortnights every 14 days from Monday 2024-01-01.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

NS_PER_DAY = 86_400 * 10**9
NAT = np.iinfo(np.int64).min
BIG = np.iinfo(np.int64).max
STATUS_CATEGORIES = ("todo", "in_progress", "blocked", "done")
TODO, IN_PROGRESS, BLOCKED, DONE, UNKNOWN = 0, 1, 2, 3, -1
_CAT_CODE = {name: code for code, name in enumerate(STATUS_CATEGORIES)}
PERIOD_KINDS = ("week", "fortnight", "month")
FIELDS = ("status", "assignee", "team", "followup")
F_STATUS, F_ASSIGNEE, F_TEAM, F_FOLLOWUP = 0, 1, 2, 3
_EPOCH = dt.date(1970, 1, 1)
_FORTNIGHT_EPOCH_DAY = (dt.date(2024, 1, 1) - _EPOCH).days  # a Monday, as in orgs/periods.py

ITEM_COLUMNS = ("item_id", "team", "created_at", "started_at", "done_at", "due_at", "canceled_at")
EVENT_COLUMNS = ("item_id", "field", "from_value", "to_value", "at")

# Words that suggest a status category, used only to pre-fill the mapping a user confirms.
_HINTS = (
    ("blocked", ("block", "on hold", "hold", "waiting", "impeded", "stuck")),
    ("done", ("done", "closed", "resolved", "complete", "shipped", "released", "merged")),
    ("in_progress", ("progress", "review", "doing", "started", "testing", "qa", "develop")),
)


class ExecutionInputError(ValueError):
    """Input the execution maths refuses; the message names what is wrong."""


def to_ns(values: Iterable[object] | pd.Series) -> np.ndarray:
    """Timestamps (aware, naive = UTC, strings or NaT) as int64 ns since the epoch, NAT missing."""
    s = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if not isinstance(s.dtype, pd.DatetimeTZDtype) and not pd.api.types.is_datetime64_dtype(s):
        s = pd.to_datetime(s, utc=True)
    idx = pd.DatetimeIndex(s)
    if idx.tz is None:
        idx = idx.tz_localize("UTC")
    return np.asarray(idx.as_unit("ns").asi8, dtype=np.int64)


def local_days(ns: np.ndarray, tz: str) -> np.ndarray:
    """Day number (since 1970-01-01) of each UTC instant on the wall calendar of `tz`."""
    ns = np.asarray(ns, dtype=np.int64)
    missing = ns == NAT
    idx = pd.DatetimeIndex(np.where(missing, 0, ns).view("M8[ns]")).tz_localize("UTC")
    wall = np.asarray(idx.tz_convert(tz).tz_localize(None).asi8, dtype=np.int64)
    return np.where(missing, NAT, np.floor_divide(wall, NS_PER_DAY))


def period_start_days(days: np.ndarray, period: str) -> np.ndarray:
    """Day number of the first day of the reporting period containing each day (NAT kept)."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NAT
    safe = np.where(missing, 0, days)
    if period == "month":
        start = safe.view("M8[D]").astype("M8[M]").astype("M8[D]").view(np.int64)
    elif period == "week":
        start = safe - np.mod(safe + 3, 7)  # 1970-01-01 was a Thursday (Monday = 0)
    elif period == "fortnight":
        start = _FORTNIGHT_EPOCH_DAY + np.floor_divide(safe - _FORTNIGHT_EPOCH_DAY, 14) * 14
    else:
        raise ExecutionInputError(f"unknown reporting period {period!r}; use {PERIOD_KINDS}")
    return np.where(missing, NAT, start)


def next_period_days(start: np.ndarray, period: str) -> np.ndarray:
    """Day number of the first day of the period after the one starting at each `start`."""
    start = np.asarray(start, dtype=np.int64)
    if period == "month":
        return (start.view("M8[D]").astype("M8[M]") + 1).astype("M8[D]").view(np.int64)
    if period == "week":
        return start + 7
    if period == "fortnight":
        return start + 14
    raise ExecutionInputError(f"unknown reporting period {period!r}; use {PERIOD_KINDS}")


def local_midnight_ns(days: np.ndarray, tz: str) -> np.ndarray:
    """UTC ns of the start (local midnight) of each day number in `tz`."""
    days = np.asarray(days, dtype=np.int64)
    naive = pd.DatetimeIndex((days * NS_PER_DAY).view("M8[ns]"))
    aware = naive.tz_localize(
        tz, ambiguous=np.zeros(len(days), dtype=bool), nonexistent="shift_forward"
    )
    return np.asarray(aware.tz_convert("UTC").asi8, dtype=np.int64)


def days_to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers as an object array of ``datetime.date`` (None where missing)."""
    days = np.asarray(days, dtype=np.int64)
    missing = days == NAT
    out = pd.DatetimeIndex(np.where(missing, 0, days).view("M8[D]").astype("M8[ns]")).date
    out = np.asarray(out, dtype=object)
    out[missing] = None
    return out


def period_starts(ts: pd.Series, *, tz: str, period: str) -> pd.Series:
    """Period start (a ``datetime.date``, None for NaT) of each timestamp on the `tz` calendar.

    Agrees with ``orgs.periods.period_start(local_date, period)`` for "week", "fortnight"
    (anchored at Monday 2024-01-01) and "month"; vectorised.
    """
    days = period_start_days(local_days(to_ns(ts), tz), period)
    index = ts.index if isinstance(ts, pd.Series) else None
    return pd.Series(days_to_dates(days), index=index, dtype=object)


def _normalise(name: object) -> str:
    return str(name).strip().casefold()


def status_codes(values: pd.Series, status_map: Mapping[str, str]) -> np.ndarray:
    """Category code (TODO…DONE) of each raw status via the org's map; UNKNOWN when unmapped.

    Matching ignores case and surrounding spaces. Loops over distinct status names only.
    """
    bad = {k: v for k, v in status_map.items() if v not in _CAT_CODE}
    if bad:
        raise ExecutionInputError(
            f"status map has categories outside {STATUS_CATEGORIES}: {dict(list(bad.items())[:20])}"
        )
    lookup = {_normalise(k): _CAT_CODE[v] for k, v in status_map.items()}
    codes, uniques = pd.factorize(pd.Series(values, dtype=object))
    per_unique = np.array([lookup.get(_normalise(u), UNKNOWN) for u in uniques], dtype=np.int8)
    if per_unique.size == 0:
        return np.full(len(codes), UNKNOWN, dtype=np.int8)
    return np.where(codes >= 0, per_unique[np.maximum(codes, 0)], UNKNOWN).astype(np.int8)


def event_categories(p: Prepared, status_map: Mapping[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Status category (TODO…DONE, UNKNOWN) of each event's from and to value."""
    per_value = np.r_[status_codes(pd.Series(p.values, dtype=object), status_map), UNKNOWN]
    return per_value[p.ev_from].astype(np.int8), per_value[p.ev_to].astype(np.int8)


def suggest_status_map(statuses: Iterable[object]) -> dict[str, str]:
    """A first guess of each status's category from its words, for the user to confirm."""
    out: dict[str, str] = {}
    for raw in statuses:
        name = _normalise(raw)
        category = "todo"
        for cat, words in _HINTS:
            if any(w in name for w in words):
                category = cat
                break
        out[str(raw)] = category
    return out


@dataclass(frozen=True)
class Prepared:
    """Items and their events as arrays, events sorted by (item, time, file order)."""

    n: int
    team: np.ndarray  # object array of the items' team labels
    team_code: np.ndarray  # int64, -1 = no team
    created: np.ndarray
    started: np.ndarray
    done: np.ndarray
    due: np.ndarray
    canceled: np.ndarray
    ev_ix: np.ndarray  # item position of each event
    ev_field: np.ndarray  # F_* code
    ev_at: np.ndarray
    ev_rank: np.ndarray  # dense-ish rank of ev_at (same order as time), for composite keys
    ev_from: np.ndarray  # code into `values`, -1 = missing
    ev_to: np.ndarray
    values: np.ndarray  # distinct raw from/to values (object)
    value_norm: np.ndarray  # per distinct value: code of its case- and space-free form
    has_events: np.ndarray  # bool per item


def _require(frame: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ExecutionInputError(f"{what} lacks columns {missing}.")


def _keys(frame: pd.DataFrame, by_source: bool) -> list[pd.Series]:
    return [frame["source"], frame["item_id"]] if by_source else [frame["item_id"]]


def _event_item_positions(items: pd.DataFrame, events: pd.DataFrame) -> np.ndarray:
    """Position in `items` of each event's item (-1 unknown); keyed by (source, item_id)
    when both frames carry a source, else by item_id. One factorize over both frames (ids
    hashed once) instead of an index lookup per event."""
    by_source = "source" in items.columns and "source" in events.columns
    n = len(items)
    key = np.zeros(n + len(events), dtype=np.int64)
    for a, b in zip(_keys(items, by_source), _keys(events, by_source), strict=True):
        # Object arrays hash about twice as fast as pandas' python-backed "str" dtype.
        both = np.concatenate([a.to_numpy(dtype=object), b.to_numpy(dtype=object)])
        codes, uniques = pd.factorize(both)
        key = key * (len(uniques) + 1) + (np.asarray(codes, dtype=np.int64) + 1)
    if by_source:
        key_codes, key_uniques = pd.factorize(key)
    else:
        key_codes, key_uniques = key - 1, np.arange(int(key.max(initial=0)))
    item_codes = np.asarray(key_codes[:n], dtype=np.int64)
    if (item_codes < 0).any() or items["item_id"].isna().any():
        raise ExecutionInputError("work items without an id.")
    counts = np.bincount(item_codes, minlength=len(key_uniques))
    if (counts > 1).any():
        dup = np.flatnonzero(counts[item_codes] > 1)
        ids = pd.unique(items["item_id"].to_numpy(dtype=object)[dup])[:20].tolist()
        raise ExecutionInputError(f"work items repeat ids: {ids}")
    pos_of_code = np.full(len(key_uniques) + 1, -1, dtype=np.int64)
    pos_of_code[item_codes] = np.arange(n)
    return pos_of_code[np.asarray(key_codes[n:], dtype=np.int64)]


def prepare(items: pd.DataFrame, events: pd.DataFrame | None, as_of_ns: int) -> Prepared:
    """Validate the canonical frames and turn them into arrays. Events of unknown items, with
    no time, or after `as_of` are left out (the readers report unknown items)."""
    _require(items, ITEM_COLUMNS, "items")
    if events is None:
        events = pd.DataFrame({c: pd.Series(dtype=object) for c in EVENT_COLUMNS})
    _require(events, EVENT_COLUMNS, "events")
    team_code, _ = pd.factorize(items["team"])
    # Ids are only hashed to match events; without history an id is never looked up (the
    # readers report repeated rows).
    ix = _event_item_positions(items, events) if len(events) else np.zeros(0, dtype=np.int64)
    at = to_ns(events["at"])
    field_codes, field_uniques = pd.factorize(events["field"].to_numpy(dtype=object))
    lookup = {name: code for code, name in enumerate(FIELDS)}
    per_unique = np.array([lookup.get(_normalise(u), -1) for u in field_uniques] + [-1])
    field = per_unique[field_codes]  # factorize's -1 (NA) picks the trailing -1
    keep = np.flatnonzero((ix >= 0) & (at != NAT) & (at <= as_of_ns) & (field >= 0))
    # Sort by (item, time, file order): one stable argsort of item × time rank (a 3-key
    # lexsort is several times slower).
    _, at_rank = np.unique(at[keep], return_inverse=True)
    sorter = np.argsort(ix[keep] * (len(keep) + 1) + at_rank, kind="stable")
    order = keep[sorter]
    has_events = np.zeros(len(items), dtype=bool)
    has_events[ix[order]] = True
    # From/to values as codes into their distinct values: string work runs per distinct name.
    both = np.concatenate(
        [
            events["from_value"].to_numpy(dtype=object)[order],
            events["to_value"].to_numpy(dtype=object)[order],
        ]
    )
    codes, values = pd.factorize(both)
    values = np.asarray(values, dtype=object)
    value_norm, _ = pd.factorize(pd.Series([_normalise(v) for v in values], dtype=object))
    return Prepared(
        n=len(items),
        team=np.asarray(items["team"].to_numpy(dtype=object)),
        team_code=np.asarray(team_code, dtype=np.int64),
        created=to_ns(items["created_at"]),
        started=to_ns(items["started_at"]),
        done=to_ns(items["done_at"]),
        due=to_ns(items["due_at"]),
        canceled=to_ns(items["canceled_at"]),
        ev_ix=ix[order],
        ev_field=field[order],
        ev_at=at[order],
        ev_rank=np.asarray(at_rank, dtype=np.int64)[sorter],
        ev_from=np.asarray(codes[: order.size], dtype=np.int64),
        ev_to=np.asarray(codes[order.size :], dtype=np.int64),
        values=values,
        value_norm=np.asarray(value_norm, dtype=np.int64),
        has_events=has_events,
    )


def next_move(ix: np.ndarray, at: np.ndarray, rank: np.ndarray, query: np.ndarray) -> np.ndarray:
    """For rows `query` of (ix, at) sorted by item then time (`rank` orders `at`): the time
    of the item's next row strictly later than the queried row (NAT when there is none)."""
    if len(ix) == 0:
        return np.zeros(0, dtype=np.int64)
    key = ix * (int(rank.max()) + 2) + rank
    pos = np.searchsorted(key, key[query], side="right")
    ok = pos < len(key)
    pos_c = np.minimum(pos, len(key) - 1)
    ok &= ix[pos_c] == ix[query]
    return np.where(ok, at[pos_c], NAT)


@dataclass(frozen=True)
class Handoffs:
    """Handoff rows of the sorted events: event position, wait (ns, NAT when no move yet)."""

    pos: np.ndarray
    wait_ns: np.ndarray


def handoffs(p: Prepared) -> Handoffs:
    """A handoff = an assignee or team change from someone to someone else (a first
    assignment or an unassignment is none). Its wait runs to the next event on the item
    strictly later than the handoff, follow-ups (someone chasing) excepted."""
    people = (p.ev_field == F_ASSIGNEE) | (p.ev_field == F_TEAM)
    both = (p.ev_from >= 0) & (p.ev_to >= 0)
    norm = np.r_[p.value_norm, -1]  # code -1 (missing) picks the trailing -1
    changed = norm[p.ev_from] != norm[p.ev_to]
    pos = np.flatnonzero(people & both & changed)
    moves = np.flatnonzero(p.ev_field != F_FOLLOWUP)
    # Positions of the handoffs within the follow-up-free rows (handoffs are never follow-ups).
    within = np.searchsorted(moves, pos)
    nxt = next_move(p.ev_ix[moves], p.ev_at[moves], p.ev_rank[moves], within)
    wait = np.where(nxt == NAT, NAT, nxt - p.ev_at[pos])
    return Handoffs(pos=pos, wait_ns=wait)
