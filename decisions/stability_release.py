"""Team × period check-in cells as a release: k on people, the release ledger, then stored.

The results page's "decision check-ins" source and /decisions/stability/ read the stored
`DecisionStabilitySnapshot` rows, never a computation per request. They are written only by
`decisions.metrics.decision_metrics_recompute` (the hourly schedule, a window's close, a
manual recompute), which decides here on the whole org (docs/privacy.md):

1. **People, not answers.** A check-in belongs to the period of its *window* (decided_on +
   offset), on the answer and on the invitation alike, so the invitation side can count the
   distinct people who answered per team × period without linking: keys of closed windows
   (`CheckInPeriodRespondentKey`) and of open ones, hashed the same way on the fly. A cell's
   own n for the tree test is min(its answers, its own people); every cell is also tested on
   the distinct people of its whole sub-tree (a person who answered in two teams is one
   person of their parent). A cell under k there is hidden as a forced suppression, so
   complementary suppression holds around it. The n shown is the distinct people.
2. **The ledger.** The set of `CheckInResponse` ids behind each cell that would be shown (the
   sub-tree's answers of the period to the figure's question) is checked against every set
   released in the org for the same figure — the per-decision figures included — with each
   answer's window as its round (`orgs.ledger.ledger_settle`, the atom rule); refused cells
   are forced hidden and the decision re-run until nothing new is refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd

from decisions.checkins import checkin_window_period
from decisions.counts import checkin_period_key
from decisions.models import CheckInInvitation, CheckInPeriodRespondentKey, CheckInResponse
from orgs.disclosure import ROOT_ID, disclosure_cells
from orgs.ledger import ledger_settle
from orgs.models import Organization
from orgs.models_ledger import LedgerSource
from trustmath import decision_metrics as dm
from trustmath import decision_people
from trustmath.ledger import ID, ROUND, SET
from trustmath.suppression import REASON_FEWER_THAN_K, REASON_LEDGER

Key = tuple[int, dt.date]


def checkin_period_people(*, org: Organization) -> dict[Key, set[str]]:
    """(team id at the invitation, period of the window) → people keys of those who answered."""
    out: dict[Key, set[str]] = defaultdict(set)
    for team_key, period, key in CheckInPeriodRespondentKey.objects.filter(
        organization=org
    ).values_list("team_key", "period", "key"):
        out[(int(team_key), period)].add(key)
    for team_id, person_id, offset, decided_on in CheckInInvitation.objects.filter(
        organization=org, decision__isnull=False, used=True
    ).values_list("team_id", "person_id", "offset_days", "decision__decided_on"):
        period = checkin_window_period(
            decided_on=decided_on, offset_days=offset, kind=org.reporting_period
        )
        out[(int(team_id or 0), period)].add(
            checkin_period_key(organization_id=org.pk, period=period, person_id=person_id)
        )
    return out


def _people(org: Organization, cells: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Own people and distinct sub-tree people for each (team_id, period) row of ``cells``."""
    keys = checkin_period_people(org=org)
    tree = org.team_tree()
    subtree: dict[int, set[int]] = {t: set(tree.descendants([t])) for t in tree.parent_of}
    subtree[ROOT_ID] = {*tree.parent_of, ROOT_ID}
    own, distinct = [], []
    for team, period in zip(cells["team_id"], cells["period"], strict=True):  # cells, not answers
        t = int(team)
        own.append(len(keys.get((t, period), ())) if t != ROOT_ID else 0)
        union: set[str] = set()
        for s in subtree.get(t, {t}):
            union |= keys.get((s, period), set())
        distinct.append(len(union))
    return pd.Series(own, index=cells.index), pd.Series(distinct, index=cells.index)


def _holding_floor(org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """team_id, period, holding_people: the people floor of "still holding" per own cell."""
    rows = list(
        CheckInResponse.objects.filter(organization=org, period__in=periods).values_list(
            "team_id", "period", "decision_id", "offset_days", "holding"
        )
    )
    frame = pd.DataFrame(rows, columns=["team_id", "period", "decision_id", "window", "holding"])
    frame["team_id"] = frame["team_id"].fillna(0).astype("int64")
    frame["window"] = pd.to_numeric(frame["window"], errors="coerce")
    return decision_people.holding_people_floor(frame, by=["team_id", "period"])


def _rollup(long: pd.DataFrame, org: Organization) -> pd.Series:
    """n = the sum of n_own over each row's sub-tree (the partition the tree test needs)."""
    tree = org.team_tree()
    up = [(t, u) for t in tree.parent_of for u in [t, *tree.ancestors(t), ROOT_ID]]
    up.append((ROOT_ID, ROOT_ID))
    units = pd.DataFrame(up, columns=["team_id", "unit"]).drop_duplicates()
    own = long[["period", "measure", "team_id", "n_own"]].merge(units, on="team_id")
    sums = own.groupby(["period", "measure", "unit"])["n_own"].sum().rename("_n").reset_index()
    got = long[["period", "measure", "team_id"]].merge(
        sums.rename(columns={"unit": "team_id"}), on=["period", "measure", "team_id"], how="left"
    )
    return pd.Series(got["_n"].fillna(0).astype(int).to_numpy(), index=long.index)


def _members(org: Organization, periods: list[dt.date]) -> pd.DataFrame:
    """(set, id, measure, round) behind every team × period cell of every figure."""
    rows = list(
        CheckInResponse.objects.filter(organization=org, period__in=periods).values_list(
            "id",
            "team_id",
            "period",
            "decision_id",
            "offset_days",
            "holding",
            "acted",
            "rediscussed",
        )
    )
    cols = ["id", "team", "period", "decision_id", "offset_days", "holding", "acted", "redis"]
    if not rows:
        return pd.DataFrame(columns=[SET, ID, "measure", ROUND])
    answers = pd.DataFrame(rows, columns=cols)
    answers["team"] = answers["team"].fillna(0).astype("int64")
    answers[ROUND] = -(answers["decision_id"] * 1000 + answers["offset_days"].astype("float64"))
    questions = {
        dm.ANSWERS_MEASURE: answers.index == answers.index,
        "stability": answers["holding"].notna().to_numpy(),
        "action": answers["acted"].notna().to_numpy(),
        "wait": answers["acted"].notna().to_numpy(),
        "circling": answers["redis"].notna().to_numpy(),
    }
    long = pd.concat(
        [answers.loc[mask].assign(measure=m) for m, mask in questions.items()], ignore_index=True
    )
    tree = org.team_tree()
    up = [(t, u) for t in tree.parent_of for u in [t, *tree.ancestors(t), ROOT_ID]]
    up.append((ROOT_ID, ROOT_ID))
    units = pd.DataFrame(up, columns=["team", "team_id"]).drop_duplicates()
    out = long.merge(units, on="team")
    out[SET] = _label(out)
    out["measure"] = "checkin:" + out["measure"]  # compared with the per-decision figures
    return out[[SET, ID, "measure", ROUND]]


def _label(frame: pd.DataFrame) -> pd.Series:
    return ("tp|" + frame["period"].astype(str) + "|" + frame["team_id"].astype(str) + "|") + frame[
        "measure"
    ].astype(str)


def stability_decide(*, org: Organization, cells: pd.DataFrame) -> pd.DataFrame:
    """The disclosure decision of the team × period cells (dm.team_period_cells), on people
    and checked against the release ledger; the sets shown are recorded. Returns the long
    decided frame (period, team_id, measure, n, suppressed, reason, people)."""
    long = dm.measure_cells(cells, by=["period"])
    own_people, distinct = _people(org, long)
    is_lag = (long["measure"] == dm.LAG_MEASURE).to_numpy()
    long["n_own"] = np.where(is_lag, long["n_own"], np.minimum(long["n_own"], own_people))
    # "Still holding" may be skipped: its own people are at least the most answers to it in
    # one decision's window of the cell (the own people above are an upper bound for it).
    floor = _holding_floor(org, sorted(set(long["period"])))
    at = long[["team_id", "period"]].merge(floor, on=["team_id", "period"], how="left")
    is_holding = (long["measure"] == "stability").to_numpy()
    long["n_own"] = np.where(
        is_holding,
        np.minimum(long["n_own"], at["holding_people"].fillna(0).astype(int).to_numpy()),
        long["n_own"],
    )
    long["n"] = np.where(is_lag, long["n"], _rollup(long, org))
    long["people"] = np.where(is_lag, long["n"], np.minimum(long["n"], distinct))
    # A cell whose distinct people are under k is hidden (as forced: suppression follows it).
    few = (~is_lag) & (long["people"].to_numpy() < org.k) & (long["n"].to_numpy() > 0)
    members = _members(org, sorted(set(long["period"])))
    labels = _label(long)
    last: dict[str, pd.DataFrame] = {}

    def decide(forced: frozenset[str]) -> set[str]:
        last["d"] = disclosure_cells(
            org=org,
            cells=long.assign(forced=few | labels.isin(forced).to_numpy()),
            by=["period"],
            forced="forced",
            **dm.DISCLOSURE_RULES,
        )
        d = last["d"]
        return set(_label(d.loc[~d["suppressed"] & (d["measure"] != dm.LAG_MEASURE)]))

    ledger_settle(org=org, members=members, decide=decide, source=LedgerSource.CHECKIN)
    decided = last["d"]
    # A cell hidden because of its distinct people says "fewer than k".
    decided = decided.copy()
    hidden_few = (
        decided["suppressed"].to_numpy() & few & (decided["reason"] == REASON_LEDGER).to_numpy()
    )
    decided.loc[hidden_few, "reason"] = REASON_FEWER_THAN_K
    return decided.assign(people=long["people"].to_numpy())
