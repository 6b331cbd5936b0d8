"""The coordination layer: handoffs between people and teams, their waits, and stalled items.

A **handoff** is an ``assignee`` or ``team`` event that changes the value from someone to
someone else (case and surrounding spaces ignored); a first assignment (from empty) or an
unassignment (to empty) is none. Its **wait** runs from the handoff to the item's next event
strictly after it, follow-ups excepted (a chase is not the receiver moving): the receiver's
next move. A handoff with no move yet has no wait (``waiting`` True).

- :func:`handoff_events` — one row per handoff: the teams and people on both sides. For an
  assignee handoff both teams are the item's team at that moment (the last team event at or
  before it, else the first team event's ``from_value``, else the item's ``team``); for a
  team handoff both people are the assignee at that moment (same rule with assignee events
  and the item's ``assignee``). Team values in events must use the same labels (or ids) as
  ``items.team``: the caller maps both.
- :func:`handoff_matrix` — per period of the handoff (org tz) and team → team: count,
  median wait (days, over handoffs with a move), ``reopen_share`` = share (0–1) of the
  handoffs after which the item was reopened (a status change from a done status to a
  not-done one later than the handoff), distinct items and distinct people involved.
- :func:`handoffs_per_person` — handoffs sent by each team per period / the team's size,
  with every team of ``team_sizes`` in every period (0 when it sent none), plus the Spearman
  correlation of size with handoffs per person in ``attrs`` (does coordination cost grow
  with size here?).
- :func:`waiting_items` — open items (not done, not canceled) in flight (started, or with
  any event) whose last move (non-follow-up event, else ``started_at``, else
  ``created_at``) is more than ``min_days`` before ``as_of``; oldest wait first.

Reopen detection and "in flight" use the org's status map; without one, categories are
guessed from the status names (:func:`trustmath.flowtime.suggest_status_map`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats

from trustmath.flowtime import (
    BIG,
    DONE,
    F_ASSIGNEE,
    F_FOLLOWUP,
    F_STATUS,
    F_TEAM,
    NAT,
    NS_PER_DAY,
    TODO,
    Prepared,
    days_to_dates,
    event_categories,
    handoffs,
    local_days,
    period_start_days,
    prepare,
    status_codes,
    suggest_status_map,
    to_ns,
)

HANDOFF_COLUMNS = [
    "item_id",
    "team",
    "field",
    "at",
    "from_team",
    "to_team",
    "from_person",
    "to_person",
    "wait_days",
    "waiting",
    "reopened_after",
]


def _as_of_ns(as_of: pd.Timestamp | None) -> int:
    return BIG - 1 if as_of is None else int(to_ns([as_of])[0])


def _status_map(p: Prepared, status_map: Mapping[str, str] | None) -> Mapping[str, str]:
    return status_map if status_map is not None else suggest_status_map(p.values.tolist())


def _state_at(
    p: Prepared, field: int, q_ix: np.ndarray, q_at: np.ndarray, default: np.ndarray
) -> np.ndarray:
    """Value of `field` on item q_ix at time q_at: the last such event at or before it, else
    the first such event's from_value, else `default` (per item)."""
    rows = np.flatnonzero(p.ev_field == field)
    values = np.r_[p.values, None].astype(object)  # code -1 (missing) picks the trailing None
    out = default[q_ix].astype(object)
    if rows.size == 0 or q_ix.size == 0:
        return out
    ix, at = p.ev_ix[rows], p.ev_at[rows]
    _, rank = np.unique(np.r_[at, q_at], return_inverse=True)
    width = int(rank.max()) + 2
    key = ix * width + rank[: rows.size]
    q_key = q_ix * width + rank[rows.size :]
    pos = np.searchsorted(key, q_key, side="right") - 1
    pos_c = np.maximum(pos, 0)
    before = (pos >= 0) & (ix[pos_c] == q_ix)
    first_pos = np.searchsorted(key, q_ix * width, side="left")
    first_c = np.minimum(first_pos, rows.size - 1)
    has_any = ix[first_c] == q_ix
    out = np.where(has_any, values[p.ev_from[rows[first_c]]], out)
    return np.where(before, values[p.ev_to[rows[pos_c]]], out)


def _frame(p: Prepared, items: pd.DataFrame, status_map: Mapping[str, str] | None) -> pd.DataFrame:
    ho = handoffs(p)
    pos = ho.pos
    ix, at = p.ev_ix[pos], p.ev_at[pos]
    values = np.r_[p.values, None].astype(object)
    frm, to = values[p.ev_from[pos]], values[p.ev_to[pos]]
    is_team = p.ev_field[pos] == F_TEAM
    assignee = (
        items["assignee"].to_numpy(dtype=object)
        if "assignee" in items.columns
        else np.full(p.n, None, dtype=object)
    )
    team_then = _state_at(p, F_TEAM, ix, at, p.team)
    person_then = _state_at(p, F_ASSIGNEE, ix, at, assignee)
    cat_from, cat_to = event_categories(p, _status_map(p, status_map))
    reopen = (p.ev_field == F_STATUS) & (cat_from == DONE) & (cat_to != DONE) & (p.ev_to >= 0)
    last_reopen = np.full(p.n, NAT, dtype=np.int64)
    np.maximum.at(last_reopen, p.ev_ix[reopen], p.ev_at[reopen])
    return pd.DataFrame(
        {
            "item_id": items["item_id"].to_numpy(dtype=object)[ix],
            "team": p.team[ix],
            "field": np.where(is_team, "team", "assignee"),
            "at": pd.to_datetime(at, utc=True),
            "from_team": np.where(is_team, frm, team_then),
            "to_team": np.where(is_team, to, team_then),
            "from_person": np.where(is_team, person_then, frm),
            "to_person": np.where(is_team, person_then, to),
            "wait_days": np.where(ho.wait_ns == NAT, np.nan, ho.wait_ns / NS_PER_DAY),
            "waiting": ho.wait_ns == NAT,
            "reopened_after": last_reopen[ix] > at,
        }
    )[HANDOFF_COLUMNS]


def handoff_events(
    items: pd.DataFrame,
    events: pd.DataFrame,
    *,
    as_of: pd.Timestamp | None = None,
    status_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per handoff (columns ``HANDOFF_COLUMNS``), in item then time order."""
    p = prepare(items, events, _as_of_ns(as_of))
    return _frame(p, items, status_map)


def handoff_matrix(
    items: pd.DataFrame,
    events: pd.DataFrame,
    *,
    tz: str,
    period: str,
    as_of: pd.Timestamp | None = None,
    status_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Team × team handoffs per period: period, from_team, to_team, count, median_wait_days,
    reopen_share, items, people."""
    h = handoff_events(items, events, as_of=as_of, status_map=status_map)
    cols = ["period", "from_team", "to_team", "count", "median_wait_days", "reopen_share"]
    if h.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, "items", "people"]})
    h["period"] = period_start_days(local_days(to_ns(h["at"]), tz), period)
    h["reopen"] = h["reopened_after"].astype(float)
    keys = ["period", "from_team", "to_team"]
    g = h.groupby(keys, sort=True, dropna=False)
    out = g.agg(
        count=("item_id", "size"),
        median_wait_days=("wait_days", "median"),
        reopen_share=("reopen", "mean"),
        items=("item_id", "nunique"),
    )
    people = pd.concat(
        [h[keys].assign(person=h["from_person"]), h[keys].assign(person=h["to_person"])]
    )
    out["people"] = people.groupby(keys, sort=True, dropna=False)["person"].nunique()
    out = out.reset_index()
    out["period"] = days_to_dates(out["period"].to_numpy(dtype=np.int64))
    return out[[*cols, "items", "people"]]


def handoffs_per_person(
    items: pd.DataFrame,
    events: pd.DataFrame,
    team_sizes: pd.Series,
    *,
    tz: str,
    period: str,
    as_of: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Handoffs sent per team and period against team size: team, period, handoffs,
    team_size, handoffs_per_person; ``attrs`` carry size_rho, size_p, size_n (Spearman of
    team size with handoffs per person over the team-periods; NaN below 5)."""
    h = handoff_events(items, events, as_of=as_of)
    h["period"] = period_start_days(local_days(to_ns(h["at"]), tz), period)
    sent = h.groupby(["from_team", "period"]).size().rename("handoffs")
    sizes = team_sizes[team_sizes > 0]
    periods = np.unique(h["period"].to_numpy(dtype=np.int64))
    grid = pd.MultiIndex.from_product([sizes.index, periods], names=["team", "period"])
    out = pd.DataFrame(index=grid).reset_index()
    out = out.merge(
        sent.reset_index().rename(columns={"from_team": "team"}), on=["team", "period"], how="left"
    )
    out["handoffs"] = out["handoffs"].fillna(0).astype(np.int64)
    out["team_size"] = sizes.reindex(out["team"]).to_numpy()
    out["handoffs_per_person"] = out["handoffs"] / out["team_size"]
    out["period"] = days_to_dates(out["period"].to_numpy(dtype=np.int64))
    rho, pval, n = np.nan, np.nan, len(out)
    if n >= 5 and out["team_size"].nunique() > 1 and out["handoffs_per_person"].nunique() > 1:
        res = stats.spearmanr(out["team_size"], out["handoffs_per_person"])
        rho, pval = float(res.statistic), float(res.pvalue)
    out.attrs.update(size_rho=rho, size_p=pval, size_n=n)
    return out


def waiting_items(
    items: pd.DataFrame,
    events: pd.DataFrame | None,
    *,
    as_of: pd.Timestamp,
    min_days: float,
    status_map: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Open items in flight whose last move is more than `min_days` old: item_id, team,
    title, waiting_since, age_days, item_age_days, last_move, assignee; oldest wait first."""
    as_of_ns = _as_of_ns(as_of)
    p = prepare(items, events, as_of_ns)
    moves = np.flatnonzero(p.ev_field != F_FOLLOWUP)
    last = np.full(p.n, NAT, dtype=np.int64)
    last_field = np.full(p.n, -1, dtype=np.int64)
    if moves.size:
        m_ix = moves[np.r_[p.ev_ix[moves][1:] != p.ev_ix[moves][:-1], True]]  # last per item
        last[p.ev_ix[m_ix]] = p.ev_at[m_ix]
        last_field[p.ev_ix[m_ix]] = p.ev_field[m_ix]
    ho = handoffs(p)
    last_handoff = np.full(p.n, NAT, dtype=np.int64)
    np.maximum.at(last_handoff, p.ev_ix[ho.pos], p.ev_at[ho.pos])
    since = np.where(last != NAT, last, np.where(p.started != NAT, p.started, p.created))
    kind = np.select(
        [
            (last != NAT) & (last_handoff == last),
            last_field == F_STATUS,
            last != NAT,
            p.started != NAT,
        ],
        ["handoff", "status", "assignee_or_team", "started"],
        default="created",
    )
    open_ = ((p.done == NAT) | (p.done > as_of_ns)) & (
        (p.canceled == NAT) | (p.canceled > as_of_ns)
    )
    in_flight = (p.started != NAT) | p.has_events
    if "status" in items.columns:
        cat = status_codes(items["status"], _status_map(p, status_map))
        in_flight &= (cat != TODO) | (kind == "handoff")
        open_ &= cat != DONE
    age = np.where(since != NAT, (as_of_ns - since) / NS_PER_DAY, np.nan)
    sel = np.flatnonzero(open_ & in_flight & (since != NAT) & (age > min_days))
    out = pd.DataFrame(
        {
            "item_id": items["item_id"].to_numpy(dtype=object)[sel],
            "team": p.team[sel],
            "title": items["title"].to_numpy(dtype=object)[sel]
            if "title" in items.columns
            else None,
            "waiting_since": pd.to_datetime(since[sel], utc=True),
            "age_days": age[sel],
            "item_age_days": np.where(
                p.created[sel] != NAT, (as_of_ns - p.created[sel]) / NS_PER_DAY, np.nan
            ),
            "last_move": kind[sel],
            "assignee": items["assignee"].to_numpy(dtype=object)[sel]
            if "assignee" in items.columns
            else None,
        }
    )
    return out.sort_values(["age_days", "item_id"], ascending=[False, True], ignore_index=True)
