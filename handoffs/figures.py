"""Pair figures computed from the answers, decided by disclosure control (used only at a release).

k is tested on each side of a pair separately, on distinct PEOPLE counted from the
invitation side (used check-ins, and the keyed hashes closed windows left), and decided on
the whole org's pairs. Only released answers (HandoffAnswer, written in batches) are read.
Pages never call this: they read the stored release (handoffs/releases.py, selectors.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from typing import Any

import numpy as np
import pandas as pd

from execution.derive import status_map, work_frames
from handoffs.flush import handoff_people_key
from handoffs.maths import FIGURES, KEYS, pair_figures
from handoffs.models import HandoffAnswer, HandoffCheckIn, HandoffEvent, HandoffPeopleKey
from orgs.disclosure import disclosure_cells
from orgs.models import Organization
from orgs.periods import period_start
from trustmath.handoffs import handoff_matrix

SYSTEM_COLUMNS = [*KEYS, "count", "median_wait_days"]
ANSWER_COLUMNS = ["id", "period", "from_team", "to_team", "side", "handed", "context", "chased"]


def _people(org: Organization) -> dict[tuple[Any, ...], int]:
    """(period, from_team, to_team, side) → distinct people who answered (invitation side)."""
    keys: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for f, t, side, period, key in HandoffPeopleKey.objects.filter(organization=org).values_list(
        "from_team_id", "to_team_id", "side", "period", "key"
    ):
        keys[(period, f, t, side)].add(key)
    live = HandoffCheckIn.objects.filter(
        organization=org, used=True, from_team__isnull=False, to_team__isnull=False
    ).values_list("from_team_id", "to_team_id", "side", "period", "person_id")
    for f, t, side, period, person in live:
        keys[(period, f, t, side)].add(
            handoff_people_key(
                org_id=org.pk, from_team=f, to_team=t, side=side, period=period, person_id=person
            )
        )
    return {k: len(v) for k, v in keys.items()}


def handoff_answers_frame(org: Organization) -> pd.DataFrame:
    """The org's released answers (one row each, with its anonymous id for the ledger)."""
    rows = HandoffAnswer.objects.filter(
        organization=org, from_team__isnull=False, to_team__isnull=False
    ).values_list(
        "id", "period", "from_team_id", "to_team_id", "side", "handed", "context", "chased"
    )
    return pd.DataFrame(list(rows), columns=ANSWER_COLUMNS)


def _system_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SYSTEM_COLUMNS})


def _system(org: Organization) -> pd.DataFrame:
    """The execution history's handoff count and median wait per pair and period."""
    items, events = work_frames(organization=org)
    if items.empty or events.empty:
        return _system_empty()
    m = handoff_matrix(
        items,
        events,
        tz=org.tz.key,
        period=org.reporting_period,
        status_map=status_map(organization=org),
    )
    m = m.dropna(subset=["from_team", "to_team"])
    m["period"] = pd.to_datetime(m["period"]).dt.date
    m["from_team"] = m["from_team"].astype(int)
    m["to_team"] = m["to_team"].astype(int)
    return m[SYSTEM_COLUMNS]


def _recorded(org: Organization) -> dict[tuple[Any, ...], int]:
    """Handoff events stored (all sources) per (period, from_team, to_team)."""
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for at, f, t in HandoffEvent.objects.filter(organization=org).values_list(
        "at", "from_team_id", "to_team_id"
    ):
        day = at.astimezone(org.tz).date()
        out[(period_start(day, org.reporting_period), f, t)] += 1
    return out


def keys_of(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame[KEYS].itertuples(index=False, name=None))


def pair_label(from_team: Any, to_team: Any) -> str:
    return f"{int(from_team)}>{int(to_team)}"


def handoff_pair_figures(
    *,
    org: Organization,
    answers: pd.DataFrame,
    forced: Collection[tuple[Any, str]] = (),
    with_system: bool = True,
) -> pd.DataFrame:
    """Every pair and period of the org with its figures, decided by disclosure control.

    ``forced``: (period, pair label) the release ledger refused, hidden with reason "ledger"
    (both sides, so complementary suppression still holds). ``with_system`` adds the
    history's count and wait and the recorded events (more queries).
    """
    people = _people(org)
    figures = pair_figures(answers.drop(columns=["id"]))
    system = _system(org) if with_system else _system_empty()
    recorded = _recorded(org) if with_system else {}
    keys = (
        {(p, f, t) for (p, f, t, _s) in people}
        | set(map(tuple, figures[KEYS].itertuples(index=False, name=None)))
        | set(map(tuple, system[KEYS].itertuples(index=False, name=None)))
        | set(recorded)
    )
    names = org.team_tree().names
    keys = {k for k in keys if k[1] in names and k[2] in names and k[1] != k[2]}
    base = pd.DataFrame(sorted(keys), columns=KEYS)
    if base.empty:
        return base.assign(suppressed=pd.Series(dtype=bool), reason=pd.Series(dtype=object))
    base["senders"] = [people.get((p, f, t, "sender"), 0) for p, f, t in keys_of(base)]
    base["receivers"] = [people.get((p, f, t, "receiver"), 0) for p, f, t in keys_of(base)]
    base["recorded"] = [recorded.get(k, 0) for k in keys_of(base)]
    base = base.merge(figures, on=KEYS, how="left").merge(system, on=KEYS, how="left")
    base["pair"] = [
        pair_label(f, t) for f, t in zip(base["from_team"], base["to_team"], strict=True)
    ]
    refused = set(forced)
    base["forced"] = [
        (p, pr) in refused for p, pr in zip(base["period"], base["pair"], strict=True)
    ]
    cells = pd.concat(
        [
            base.assign(measure="sender", team_id=base["from_team"], n=base["senders"]),
            base.assign(measure="receiver", team_id=base["to_team"], n=base["receivers"]),
        ]
    )[["period", "pair", "measure", "team_id", "n", "forced"]]
    cells["n_own"] = cells["n"]
    decided = disclosure_cells(
        org=org, cells=cells, by=["period", "pair"], flat=["sender", "receiver"], forced="forced"
    )
    hidden = decided[decided["suppressed"].astype(bool)]
    first_reason = hidden.groupby(["period", "pair"])["reason"].first()
    idx = pd.MultiIndex.from_frame(base[["period", "pair"]])
    base["suppressed"] = idx.isin(first_reason.index)
    base["reason"] = first_reason.reindex(idx).fillna("").to_numpy()
    base[FIGURES] = base[FIGURES].astype(float)
    base.loc[base["suppressed"], FIGURES] = np.nan
    return base.drop(columns=["forced"])
