"""Flow metrics per team × period, derived from work items and their status/assignee history.

In: the canonical **items** and **events** frames (``docs/scoring.md`` "Execution metrics"),
the org's status map (raw status → todo / in_progress / blocked / done), its time zone and
reporting period, and ``as_of`` (history after it is ignored). Out: a long frame
``team, period (datetime.date), metric, value, n`` (n = the items behind the figure).

A task belongs to the team of its ``team`` column (never to several) and to the period in
which it was **finished** (``done_at`` on the org's calendar); a canceled item
(``canceled_at`` set) is never "done". Work-item age and WIP are measured at each period's
end. Days are elapsed time / 86,400 s.

| code | value per team × period | n |
|---|---|---|
| throughput | items done | items done |
| on_time_pct | 100 × items done on or before their due **day** (org tz) / done items with a due date | done with a due date |
| lead_time_days | median of done_at − created_at | done with created_at |
| cycle_time_days | median of done_at − start; start = first event moving the item **into an in-progress status**, else ``started_at`` (an item finished before it started is left out) | done with a start |
| wip_age_days | median, over items in progress at the period's end (start ≤ end < done/cancel), of end − start; end = the next period's first local midnight, or ``as_of`` for the current period | items in progress (the WIP) |
| blocked_pct | 100 × Σ time in a blocked status / Σ (done_at − start), over done items with status history | those items |
| flow_efficiency_pct | 100 × Σ time in an in-progress status / Σ (done_at − start) — active / (active + blocked + waiting); waiting = any other status (to do, unmapped, done before a reopen) | those items |
| reopened_pct | 100 × done items with a status change from a done status to a not-done one / done items with history | done items with history |
| handoffs_per_task | mean handoffs (assignee or team changed from someone to someone else) per done item with history | done items with history |
| handoff_wait_days | median, over handoffs of the done items, of the time from the handoff to the item's next event strictly after it (the receiver's next move; follow-ups are not moves); handoffs with no move yet are left out | items with a measured wait |
| followups_per_task | mean follow-up events (chases) per done item with history | done items with history |

Status time: each status event opens an interval in its ``to_value``'s category until the
item's next status event; before the first event the item is in the first event's
``from_value``. Intervals are clipped to [start, done_at], so they add up to the cycle time.
Everything is vectorised (factorize, bincount, searchsorted, groupby); no loop per row.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from trustmath.flowtime import (
    BIG,
    BLOCKED,
    DONE,
    F_FOLLOWUP,
    F_STATUS,
    IN_PROGRESS,
    NAT,
    NS_PER_DAY,
    STATUS_CATEGORIES,
    ExecutionInputError,
    Prepared,
    days_to_dates,
    event_categories,
    handoffs,
    local_days,
    local_midnight_ns,
    next_period_days,
    period_start_days,
    period_starts,
    prepare,
    status_codes,
    suggest_status_map,
    to_ns,
)

__all__ = [
    "METRIC_CODES",
    "STATUS_CATEGORIES",
    "ExecutionInputError",
    "flow_metrics",
    "period_starts",
    "status_codes",
    "suggest_status_map",
]

METRIC_CODES = (
    "throughput",
    "on_time_pct",
    "lead_time_days",
    "cycle_time_days",
    "wip_age_days",
    "blocked_pct",
    "flow_efficiency_pct",
    "reopened_pct",
    "handoffs_per_task",
    "handoff_wait_days",
    "followups_per_task",
)
OUT_COLUMNS = ["team", "period", "metric", "value", "n"]


def cycle_starts(p: Prepared, status_cat_to: np.ndarray) -> np.ndarray:
    """Per item: time of the first event into an in-progress status, else ``started_at``."""
    first = np.full(p.n, NAT, dtype=np.int64)
    rows = np.flatnonzero((p.ev_field == F_STATUS) & (status_cat_to == IN_PROGRESS))
    if rows.size:
        ix = p.ev_ix[rows]
        lead = np.r_[True, ix[1:] != ix[:-1]]  # sorted by item then time: first row per item
        first[ix[lead]] = p.ev_at[rows[lead]]
    return np.where(first != NAT, first, p.started)


def status_times(
    p: Prepared, cat_from: np.ndarray, cat_to: np.ndarray, start: np.ndarray, end: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per item: days in an in-progress, a blocked and any other status within [start, end]."""
    rows = np.flatnonzero(p.ev_field == F_STATUS)
    ix, at = p.ev_ix[rows], p.ev_at[rows]
    first = np.r_[True, ix[1:] != ix[:-1]] if rows.size else np.zeros(0, dtype=bool)
    last = np.r_[ix[1:] != ix[:-1], True] if rows.size else np.zeros(0, dtype=bool)
    hi = np.where(last, BIG, np.r_[at[1:], BIG] if rows.size else at)
    # One interval per event (its to-status) plus one before each item's first event.
    iv_ix = np.r_[ix, ix[first]]
    iv_lo = np.r_[at, np.full(int(first.sum()), NAT)]
    iv_hi = np.r_[hi, at[first]]
    iv_cat = np.r_[cat_to[rows], cat_from[rows][first]]
    lo = np.maximum(iv_lo, start[iv_ix])
    up = np.minimum(iv_hi, end[iv_ix])
    days = np.clip(up - lo, 0, None) / NS_PER_DAY
    ok = (start[iv_ix] != NAT) & (end[iv_ix] != NAT)
    days = np.where(ok, days, 0.0)
    active = np.bincount(iv_ix, weights=days * (iv_cat == IN_PROGRESS), minlength=p.n)
    blocked = np.bincount(iv_ix, weights=days * (iv_cat == BLOCKED), minlength=p.n)
    total = np.bincount(iv_ix, weights=days, minlength=p.n)
    return active, blocked, total - active - blocked


def _long(cells: pd.DataFrame, pairs: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
    """Grouped wide columns (value column, n column per metric) → the long output rows."""
    parts = []
    for metric, (value_col, n_col) in pairs.items():
        part = cells[["team", "period", value_col, n_col]].set_axis(
            ["team", "period", "value", "n"], axis=1
        )
        part = part.loc[part["n"] > 0]
        parts.append(part.assign(metric=metric))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUT_COLUMNS})
    return pd.concat(parts, ignore_index=True)


def _period_grid(period_days: np.ndarray, period: str, last: int | None = None) -> np.ndarray:
    """Every period start (day numbers) from the earliest in `period_days` to the latest (or
    `last`); loops over periods (a few dozen), not rows."""
    if period_days.size == 0:
        return np.zeros(0, dtype=np.int64)
    end = int(period_days.max()) if last is None else last
    grid = [int(period_days.min())]
    while grid[-1] < end:
        grid.append(int(next_period_days(np.array(grid[-1:]), period)[0]))
    return np.array(grid, dtype=np.int64)


def _wip_ages(p: Prepared, start: np.ndarray, tz: str, period: str, as_of_ns: int) -> pd.DataFrame:
    """Age of every item in progress at each period end: (team, period day, age days)."""
    end = np.minimum(
        np.where(p.done == NAT, BIG, p.done), np.where(p.canceled == NAT, BIG, p.canceled)
    )
    cand = np.flatnonzero((start != NAT) & (start <= as_of_ns) & (p.team_code >= 0) & (end > start))
    if cand.size == 0:
        return pd.DataFrame({"team": [], "period": [], "age": []})
    first_day = period_start_days(local_days(start[cand].min(keepdims=True), tz), period)
    last_day = int(period_start_days(local_days(np.array([as_of_ns]), tz), period)[0])
    probe = _period_grid(first_day, period, last=last_day)
    bounds = np.minimum(local_midnight_ns(next_period_days(probe, period), tz), as_of_ns)
    bounds, keep = np.unique(bounds, return_index=True)
    probe = probe[keep]
    lo = np.searchsorted(bounds, start[cand], side="left")
    hi = np.searchsorted(bounds, end[cand], side="left")
    counts = np.clip(hi - lo, 0, None)
    rep = np.repeat(cand, counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    b = np.repeat(lo, counts) + offsets
    return pd.DataFrame(
        {
            "team": p.team_code[rep],
            "period": probe[b],
            "age": (bounds[b] - start[rep]) / NS_PER_DAY,
        }
    )


def flow_metrics(
    items: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    status_map: Mapping[str, str],
    tz: str,
    period: str,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """Flow metrics per team × period, long: team, period (date), metric, value, n.

    Formulas: the module docstring. Raises :class:`ExecutionInputError` on missing columns,
    repeated item ids, an unknown period kind or a status map outside the four categories.
    """
    as_of_ns = int(to_ns([as_of])[0])
    if as_of_ns == NAT:
        raise ExecutionInputError("as_of is missing.")
    p = prepare(items, events, as_of_ns)
    cat_from, cat_to = event_categories(p, status_map)
    start = cycle_starts(p, cat_to)
    done_ok = (p.done != NAT) & (p.done <= as_of_ns) & (p.canceled == NAT) & (p.team_code >= 0)
    d = np.flatnonzero(done_ok)
    done_day = local_days(p.done[d], tz)
    per_period = period_start_days(done_day, period)

    def days_between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        ok = (a != NAT) & (b != NAT) & (b >= a)
        return np.where(ok, (b - a) / NS_PER_DAY, np.nan)

    due_day = local_days(p.due[d], tz)
    on_time = np.where(p.due[d] != NAT, (done_day <= due_day) * 100.0, np.nan)
    hist = p.has_events[d]
    active, blocked, waiting = status_times(
        p, cat_from, cat_to, np.where(done_ok, start, NAT), np.where(done_ok, p.done, NAT)
    )
    cycle_total = active + blocked + waiting
    st = p.ev_field == F_STATUS
    reopen_rows = st & (cat_from == DONE) & (cat_to != DONE) & (p.ev_to >= 0)
    reopened = np.bincount(p.ev_ix[reopen_rows], minlength=p.n)[d] > 0
    ho = handoffs(p)
    n_handoffs = np.bincount(p.ev_ix[ho.pos], minlength=p.n)[d]
    n_followups = np.bincount(p.ev_ix[p.ev_field == F_FOLLOWUP], minlength=p.n)[d]
    timed = hist & (cycle_total[d] > 0)
    # Per team × period sums and counts with one bincount each over dense cell codes
    # (team code × period index); medians with one groupby on that single int key.
    grid = _period_grid(per_period, period)
    n_p = max(len(grid), 1)
    cell = p.team_code[d] * n_p + np.searchsorted(grid, per_period)
    size = (int(p.team_code.max(initial=-1)) + 1) * n_p

    def total(w: np.ndarray) -> np.ndarray:
        return np.bincount(cell, weights=np.asarray(w, dtype=float), minlength=size)

    lead = days_between(p.created[d], p.done[d])
    cycle = days_between(start[d], p.done[d])
    ot_ok = ~np.isnan(on_time)
    throughput = np.bincount(cell, minlength=size)
    on_time_n = total(ot_ok)
    timed_n = total(timed)
    t_active = total(np.where(timed, active[d], 0.0))
    t_blocked = total(np.where(timed, blocked[d], 0.0))
    t_total = total(np.where(timed, cycle_total[d], 0.0))
    hist_n = total(hist)
    medians = (
        pd.DataFrame({"cell": cell, "lead": lead, "cycle": cycle})
        .groupby("cell", sort=False)[["lead", "cycle"]]
        .agg(["median", "count"])
        .reindex(np.arange(size))
    )
    used = np.flatnonzero(throughput > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        cells = pd.DataFrame(
            {
                "team": used // n_p,
                "period": grid[used % n_p] if len(grid) else np.zeros(0, dtype=np.int64),
                "throughput": throughput[used].astype(float),
                "on_time": (total(np.where(ot_ok, on_time, 0.0)) / on_time_n)[used],
                "on_time_n": on_time_n[used],
                "lead": medians[("lead", "median")].to_numpy()[used],
                "lead_n": medians[("lead", "count")].fillna(0).to_numpy()[used],
                "cycle": medians[("cycle", "median")].to_numpy()[used],
                "cycle_n": medians[("cycle", "count")].fillna(0).to_numpy()[used],
                "blocked": t_blocked[used],
                "active": t_active[used],
                "total": t_total[used],
                "timed_n": timed_n[used],
                "reopened": (100.0 * total(hist & reopened) / hist_n)[used],
                "hist_n": hist_n[used],
                "handoffs": (total(np.where(hist, n_handoffs, 0)) / hist_n)[used],
                "followups": (total(np.where(hist, n_followups, 0)) / hist_n)[used],
            }
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        cells["blocked_pct"] = 100.0 * cells["blocked"] / cells["total"]
        cells["flow_eff"] = 100.0 * cells["active"] / cells["total"]
    out = _long(
        cells,
        {
            "throughput": ("throughput", "throughput"),
            "on_time_pct": ("on_time", "on_time_n"),
            "lead_time_days": ("lead", "lead_n"),
            "cycle_time_days": ("cycle", "cycle_n"),
            "blocked_pct": ("blocked_pct", "timed_n"),
            "flow_efficiency_pct": ("flow_eff", "timed_n"),
            "reopened_pct": ("reopened", "hist_n"),
            "handoffs_per_task": ("handoffs", "hist_n"),
            "followups_per_task": ("followups", "hist_n"),
        },
    )
    extra = [out]
    # Handoff wait: each handoff of a done item, in that item's team and finishing period.
    item_row = np.full(p.n, -1, dtype=np.int64)
    item_row[d] = np.arange(d.size)
    h_item = p.ev_ix[ho.pos]
    h_ok = (item_row[h_item] >= 0) & (ho.wait_ns != NAT)
    if h_ok.any():
        rows = item_row[h_item[h_ok]]
        waits = pd.DataFrame(
            {
                "team": p.team_code[d][rows],
                "period": per_period[rows],
                "wait": ho.wait_ns[h_ok] / NS_PER_DAY,
                "item": h_item[h_ok],
            }
        )
        wg = waits.groupby(["team", "period"], sort=True)
        w = wg.agg(value=("wait", "median"), n=("item", "nunique")).reset_index()
        extra.append(w.assign(metric="handoff_wait_days"))
    ages = _wip_ages(p, start, tz, period, as_of_ns)
    if len(ages):
        a = ages.groupby(["team", "period"], sort=True)["age"].agg(["median", "count"])
        a = a.reset_index().rename(columns={"median": "value", "count": "n"})
        extra.append(a.assign(metric="wip_age_days"))
    non_empty = [e for e in extra if len(e)]
    if not non_empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in OUT_COLUMNS})
    out = pd.concat(non_empty, ignore_index=True)
    order = {code: i for i, code in enumerate(METRIC_CODES)}
    out = out.assign(_m=out["metric"].map(order)).sort_values(
        ["team", "period", "_m"], kind="stable"
    )
    _, team_uniques = pd.factorize(items["team"])
    out["team"] = np.asarray(team_uniques, dtype=object)[out["team"].to_numpy(dtype=np.int64)]
    out["period"] = days_to_dates(out["period"].to_numpy(dtype=np.int64))
    out["value"] = out["value"].astype(float)
    out["n"] = out["n"].astype(np.int64)
    return out[OUT_COLUMNS].reset_index(drop=True)
