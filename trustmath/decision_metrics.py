"""Decision check-in metrics (docs/scoring.md): pure pandas, no Django.

Input frame of check-in answers (one row per answer), columns:
    decision_id, decided_on (date), answered_on (date), period (date), team_id (0 if none),
    holding (1-5 or NaN = skipped), acted (yes | waiting_confirmation | unclear_owner |
    blocked | not_relevant), rediscussed (never | once | several)

Definitions (shares in %, each with a 95 % Wilson interval):
    n            answers
    stability    answers with holding >= 4 / answers with a holding value (stability_n)
    action       answers "yes" / answers to "acted" (action_n)
    wait         answers "waiting_confirmation" / action_n    (the permission trap)
    circling     answers "several" / answers to "rediscussed" (circling_n)
    lag          per decision: days from decided_on to the answered_on of its first "yes"
                 (within the group's answers), counted in the period of that first "yes";
                 a decision with no "yes" yet is *censored* at its latest check-in (days
                 to that check-in, counted in its period): it waited at least that long.
                 A group's lag_median_days is the Kaplan–Meier median over its decisions
                 (see `km_median`), lag_decisions the decisions with a "yes" and
                 lag_waiting those still waiting (censored). Dropping the waiting ones
                 would leave the slowest decisions out and flatter the median.
    reopen_count status changes to being_revisited or reversed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from trustmath.disclosure import disclosure_decide
from trustmath.stats import wilson_interval
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_NONE, ROOT_TEAM_ID

SHARES = ("stability", "action", "wait", "circling")
# Each share's own n: the answers to the question it is a share of (a skipped "still
# holding" does not count). Disclosure tests each share on its own n.
SHARE_N = {share: f"{share}_n" for share in SHARES}
ANSWER_COLUMNS = [
    "decision_id",
    "decided_on",
    "answered_on",
    "period",
    "team_id",
    "holding",
    "acted",
    "rediscussed",
]


def empty_answers() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in ANSWER_COLUMNS})


def _flags(answers: pd.DataFrame) -> pd.DataFrame:
    holding = pd.to_numeric(answers["holding"], errors="coerce")
    return answers.assign(
        _answered=holding.notna().astype(int),
        _acted_n=answers["acted"].notna().astype(int),
        _rediscussed_n=answers["rediscussed"].notna().astype(int),
        _holds=(holding >= 4).astype(int),
        _yes=(answers["acted"] == "yes").astype(int),
        _wait=(answers["acted"] == "waiting_confirmation").astype(int),
        _several=(answers["rediscussed"] == "several").astype(int),
        _one=1,
    )


def first_yes_lags(answers: pd.DataFrame, *, keys: Sequence[str]) -> pd.DataFrame:
    """Per (keys without period, decision): its lag in days, the period it counts in, event.

    event True: the first "yes" (lag to it, in its period). event False: no "yes" yet, so
    censored at the latest check-in (lag to that check-in, in that check-in's period).
    """
    base = [k for k in keys if k not in ("period", "decision_id")]
    cols = [*base, "decision_id", "period", "lag_days", "event"]
    if answers.empty:
        return pd.DataFrame(columns=cols)
    ordered = answers.sort_values("answered_on", kind="stable")
    ident = [*base, "decision_id"]
    yes = ordered.loc[ordered["acted"] == "yes"].drop_duplicates(subset=ident, keep="first")
    last = ordered.drop_duplicates(subset=ident, keep="last")
    # Decisions with a "yes" keep their first yes; the others their latest check-in.
    waiting = last.merge(yes[ident], on=ident, how="left", indicator=True)
    waiting = waiting.loc[waiting["_merge"] == "left_only"].drop(columns="_merge")
    rows = pd.concat([yes.assign(event=True), waiting.assign(event=False)], ignore_index=True)
    lag = pd.to_datetime(rows["answered_on"]) - pd.to_datetime(rows["decided_on"])
    return rows.assign(lag_days=lag.dt.days.astype(float), event=rows["event"].astype(bool))[cols]


def km_median(
    lags: pd.DataFrame, *, by: Sequence[str], time: str = "lag_days", event: str = "event"
) -> pd.DataFrame:
    """Kaplan–Meier median of `time` per group of `by`, with events and censored counts.

    Vectorised over groups. S(t) = Π_{event times u ≤ t} (1 − d_u / n_u), n_u = subjects
    with time ≥ u (a subject censored at u is still at risk at u). The median is the first
    event time with S ≤ 0.5; when S equals 0.5 exactly there (flat until the next event
    time) it is the midpoint of the two event times, as R's survfit does, so with no
    censoring it is the ordinary sample median. NaN when S never reaches 0.5 (more than
    half still waiting: the median is "not reached", not a number to show).
    Returns by + lag_median_days, lag_decisions (events), lag_waiting (censored).
    """
    by = list(by)
    out_cols = [*by, "lag_median_days", "lag_decisions", "lag_waiting"]
    if lags.empty:
        return pd.DataFrame(columns=out_cols)
    f = lags.assign(_d=lags[event].astype(int), _c=1)
    t = f.groupby([*by, time], sort=True)[["_d", "_c"]].sum().reset_index()
    grp = t.groupby(by, sort=False)
    total = grp["_c"].transform("sum")
    at_risk = total - (grp["_c"].cumsum() - t["_c"])
    with np.errstate(divide="ignore"):
        t["_s"] = np.exp(
            np.log1p(-t["_d"] / at_risk).groupby([t[k] for k in by], sort=False).cumsum()
        )
    ev = t.loc[t["_d"] > 0].copy()
    ev["_next"] = ev.groupby(by, sort=False)[time].shift(-1)
    tol = 1e-9
    hit = ev.loc[ev["_s"] <= 0.5 + tol].drop_duplicates(subset=by, keep="first")
    half = (hit["_s"] - 0.5).abs() <= tol
    hit = hit.assign(
        lag_median_days=np.where(
            half & hit["_next"].notna(), (hit[time] + hit["_next"]) / 2, hit[time]
        )
    )
    counts = (
        f.groupby(by, sort=True)[["_d", "_c"]]
        .sum()
        .reset_index()
        .rename(columns={"_d": "lag_decisions"})
    )
    counts["lag_waiting"] = counts["_c"] - counts["lag_decisions"]
    out = counts.merge(hit[[*by, "lag_median_days"]], on=by, how="left")
    return out[out_cols]


def aggregate(answers: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """The metrics of each group of answers (no suppression: callers apply it)."""
    by = list(by)
    out_cols = [
        *by,
        "n",
        *SHARE_N.values(),
        "stability_count",
        "action_count",
        "wait_count",
        "circling_count",
        *(f"{s}_{x}" for s in SHARES for x in ("pct", "lo", "hi")),
        "lag_median_days",
        "lag_decisions",
        "lag_waiting",
    ]
    if answers.empty:
        return pd.DataFrame(columns=out_cols)
    f = _flags(answers)
    g = (
        f.groupby(by, sort=True, dropna=False)[
            [
                "_one",
                "_answered",
                "_acted_n",
                "_rediscussed_n",
                "_holds",
                "_yes",
                "_wait",
                "_several",
            ]
        ]
        .sum()
        .rename(
            columns={
                "_one": "n",
                "_answered": "stability_n",
                "_acted_n": "action_n",
                "_rediscussed_n": "circling_n",
                "_holds": "stability_count",
                "_yes": "action_count",
                "_wait": "wait_count",
                "_several": "circling_count",
            }
        )
        .reset_index()
    )
    g["wait_n"] = g["action_n"]  # the same question ("have you acted?") as action
    for share, count, denom in (
        ("stability", "stability_count", "stability_n"),
        ("action", "action_count", "action_n"),
        ("wait", "wait_count", "wait_n"),
        ("circling", "circling_count", "circling_n"),
    ):
        g[f"{share}_pct"], g[f"{share}_lo"], g[f"{share}_hi"] = wilson_interval(g[count], g[denom])

    lag_g = km_median(first_yes_lags(answers, keys=by), by=by)
    if lag_g.empty:
        g["lag_median_days"] = np.nan
        g["lag_decisions"] = 0
        g["lag_waiting"] = 0
    else:
        g = g.merge(lag_g, on=by, how="left")
        g["lag_median_days"] = g["lag_median_days"].astype(float)
        for col in ("lag_decisions", "lag_waiting"):
            g[col] = g[col].fillna(0).astype(int)
    return g[out_cols]


def reopen_counts(status_changes: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """Reopenings (changes to being_revisited / reversed) per group of `by` columns."""
    by = list(by)
    if status_changes.empty:
        return pd.DataFrame(columns=[*by, "reopen_count"])
    mask = status_changes["to_status"].isin(["being_revisited", "reversed"])
    return (
        status_changes.loc[mask].groupby(by, sort=True).size().rename("reopen_count").reset_index()
    )


def per_decision_figures(
    answers: pd.DataFrame, status_changes: pd.DataFrame, *, decision_ids: Sequence[int]
) -> pd.DataFrame:
    """One row per decision with its unsuppressed figures (n = 0 for a decision without
    answers); disclosure decides afterwards (:func:`measure_cells`, :func:`apply_disclosure`)."""
    base = pd.DataFrame({"decision_id": pd.Series(list(decision_ids), dtype="int64")})
    agg = aggregate(answers, by=["decision_id"])
    if not agg.empty:
        agg["decision_id"] = agg["decision_id"].astype("int64")
    out = base.merge(agg, on="decision_id", how="left")
    reopen = reopen_counts(status_changes, by=["decision_id"])
    if not reopen.empty:
        reopen["decision_id"] = reopen["decision_id"].astype("int64")
    out = out.merge(reopen, on="decision_id", how="left")
    for col in ["n", *SHARE_N.values(), "lag_decisions", "lag_waiting", "reopen_count"]:
        out[col] = out[col].fillna(0).astype(int)
    return out


def per_decision(
    answers: pd.DataFrame, status_changes: pd.DataFrame, *, decision_ids: Sequence[int], k: int
) -> pd.DataFrame:
    """One row per decision: metrics when it has >= k answers, else suppressed with no numbers
    and reason code REASON_FEWER_THAN_K (trustmath.suppression; core.reasons has the words).
    Each share needs >= k answers to its own question, the lag >= k decisions (so a single
    decision's lag is never shown: it is one person's first "yes").

    Suppressed decisions' answers still count in team and org aggregates (computed elsewhere).
    """
    figures = per_decision_figures(answers, status_changes, decision_ids=decision_ids)
    cells = measure_cells(figures.assign(team_id=ROOT_TEAM_ID), by=["decision_id"])
    decided = disclosure_decide(
        cells, k=k, parent_of={ROOT_TEAM_ID: None}, by=["decision_id"], **DISCLOSURE_RULES
    )
    return apply_disclosure(figures, decided, by=["decision_id"])


# Disclosure of check-in figures: each share is its own measure with its own n; nothing of a
# cell is shown when its answers are hidden; the lag counts decisions, which can sit in
# several teams, so it is not a sum over the tree and gets the plain k test.
ANSWERS_MEASURE = "answers"
LAG_MEASURE = "lag"
DISCLOSURE_RULES: dict[str, Any] = {"base": ANSWERS_MEASURE, "flat": (LAG_MEASURE,)}
FIGURE_COLUMNS: dict[str, list[str]] = {
    **{
        share: [f"{share}_pct", f"{share}_lo", f"{share}_hi", f"{share}_n", f"{share}_count"]
        for share in SHARES
    },
    LAG_MEASURE: ["lag_median_days", "lag_decisions", "lag_waiting"],
}


def measure_cells(figures: pd.DataFrame, *, by: Sequence[str]) -> pd.DataFrame:
    """Long form for trustmath.disclosure: one row per (by, team_id, measure), n and n_own.

    ``figures`` has ``team_id``, ``n`` and the share n columns; ``n_own`` columns when the
    rows are team cells (missing own counts mean every row is its own tree: n_own = n).
    """
    keys = [*list(by), "team_id"]

    def one(measure: str, n_col: str) -> pd.DataFrame:
        n = figures[n_col].fillna(0).astype(int)
        own_col = f"{n_col}_own"
        own = figures[own_col].fillna(0).astype(int) if own_col in figures else n
        return figures[keys].assign(measure=measure, n=n.to_numpy(), n_own=own.to_numpy())

    frames = [one(ANSWERS_MEASURE, "n")] + [one(s, col) for s, col in SHARE_N.items()]
    lag = figures[keys].assign(
        measure=LAG_MEASURE,
        n=(figures["lag_decisions"].fillna(0) + figures["lag_waiting"].fillna(0)).astype(int),
        n_own=0,
    )
    return pd.concat([*frames, lag], ignore_index=True)


def apply_disclosure(
    figures: pd.DataFrame, decided: pd.DataFrame, *, by: Sequence[str]
) -> pd.DataFrame:
    """Blank what disclosure hid: the whole row (reason of its answers) when the answers are
    hidden, else each hidden share or lag alone, with its code in ``<share>_reason``."""
    keys = [*list(by), "team_id"] if "team_id" in decided.columns else list(by)
    join = [c for c in keys if c in figures.columns]
    out = figures.copy()
    for measure, cols in {ANSWERS_MEASURE: [], **FIGURE_COLUMNS}.items():
        flags = decided.loc[decided["measure"] == measure, [*join, "suppressed", "reason"]]
        merged = out[join].merge(flags, on=join, how="left")
        hidden = merged["suppressed"].fillna(True).astype(bool).to_numpy()
        reason = merged["reason"].fillna(REASON_FEWER_THAN_K).to_numpy()
        if measure == ANSWERS_MEASURE:
            out["suppressed"], out["reason"] = hidden, reason
            continue
        present = [c for c in cols if c in out.columns]
        out[present] = out[present].astype(float)
        out.loc[hidden, present] = np.nan
        out[f"{measure}_reason"] = np.where(hidden, reason, REASON_NONE)
    return blank_suppressed(out)


NUMBER_COLUMNS = [
    *SHARE_N.values(),
    "stability_count",
    "action_count",
    "wait_count",
    "circling_count",
    *(f"{s}_{x}" for s in SHARES for x in ("pct", "lo", "hi")),
    "lag_median_days",
    "lag_decisions",
    "lag_waiting",
]


def blank_suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """NaN every answer-derived number of suppressed rows (n too), so nothing leaks downstream."""
    out = frame.copy()
    cols = [c for c in NUMBER_COLUMNS if c in out.columns]
    out[cols] = out[cols].astype(float)
    out.loc[out["suppressed"], cols] = np.nan
    out["n"] = out["n"].astype(float)
    out.loc[out["suppressed"], "n"] = np.nan
    return out


_OWN_N = {
    "_answered": "stability_n_own",
    "_acted_n": "action_n_own",
    "_rediscussed_n": "circling_n_own",
}
OWN_COLUMNS = ["n_own", *(f"{n}_own" for n in SHARE_N.values())]


def expand_to_ancestors(frame: pd.DataFrame, ancestors: pd.DataFrame) -> pd.DataFrame:
    """Repeat each row once per ancestor unit of its team_id (itself, parents, root 0).

    `ancestors` has columns team_id, unit_id (every team maps to itself and to 0).
    The original team stays in `own_team_id`; `team_id` becomes the unit.
    """
    merged = frame.rename(columns={"team_id": "own_team_id"}).merge(
        ancestors.rename(columns={"team_id": "own_team_id"}), on="own_team_id", how="inner"
    )
    return merged.rename(columns={"unit_id": "team_id"})


def team_period_cells(
    answers: pd.DataFrame, reopenings: pd.DataFrame, ancestors: pd.DataFrame
) -> pd.DataFrame:
    """Unsuppressed team x period cells (team 0 = org) with n and n_own, ready for suppress_tree.

    `reopenings`: one row per (status change, affected team): change_id, team_id, period,
    to_status. A change counts once per unit even when several of its teams roll up into it.
    """
    if answers.empty:
        cells = aggregate(answers, by=["team_id", "period"])
        for col in OWN_COLUMNS:
            cells[col] = pd.Series(dtype=int)
    else:
        ans = expand_to_ancestors(answers, ancestors)
        cells = aggregate(ans, by=["team_id", "period"])
        # Each share's own n per team too: every share is suppressed on its own tree.
        own = (
            _flags(ans.loc[ans["team_id"] == ans["own_team_id"]])
            .groupby(["team_id", "period"])[["_one", "_answered", "_acted_n", "_rediscussed_n"]]
            .sum()
            .rename(columns={"_one": "n_own", **_OWN_N})
            .reset_index()
        )
        own["wait_n_own"] = own["action_n_own"]
        cells = cells.merge(own, on=["team_id", "period"], how="left")
        for col in OWN_COLUMNS:
            cells[col] = cells[col].fillna(0).astype(int)
    if reopenings.empty:
        cells["reopen_count"] = 0
        return cells
    ro = expand_to_ancestors(reopenings, ancestors)
    ro = ro.loc[ro["to_status"].isin(["being_revisited", "reversed"])].drop_duplicates(
        subset=["change_id", "team_id"]
    )
    rc = ro.groupby(["team_id", "period"]).size().rename("reopen_count").reset_index()
    cells = cells.merge(rc, on=["team_id", "period"], how="outer")
    for col in ["n", *SHARE_N.values(), *OWN_COLUMNS]:
        cells[col] = cells[col].fillna(0).astype(int)
    cells["reopen_count"] = cells["reopen_count"].fillna(0).astype(int)
    return cells.sort_values(["period", "team_id"]).reset_index(drop=True)
