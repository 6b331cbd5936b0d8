"""Django adapter: load one org's answers, rubric and team tree into DataFrames and run the engine.

Answers are read with ONE `values_list` query per pulse round straight into NumPy arrays —
never model instances. The engine runs once per rubric version used by the org's rounds
(a round is scored against the rubric it asked), over consecutive reporting periods so
"previous period" in a trend always means the calendar period before.

Only **closed** rounds are scored: results are released at a round's close, never while
answers still arrive (docs/privacy.md, "Open rounds show participation only"), so reading
before and after one more answer cannot give that answer back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from orgs.models import Organization
from orgs.periods import next_period, previous_period
from surveys.models import Answer, Dimension, Item, PulseRound, RoundStatus
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


def answers_frame(*, round_ids: Iterable[int]) -> pd.DataFrame:
    """Answers of the given rounds in long form, one query per round, no model instances."""
    parts: list[pd.DataFrame] = []
    for round_id in round_ids:  # one query per round, as the adapter contract says
        rows = list(
            Answer.objects.filter(response__round_id=round_id)
            .order_by("response_id", "item_id")
            .values_list("response_id", "response__team_id", "response__period", "item_id", "value")
        )
        if not rows:
            continue
        rid, team, period, item, value = zip(*rows, strict=True)
        parts.append(
            pd.DataFrame(
                {
                    "response_id": np.array(rid, dtype=object),
                    "team_id": np.array(team, dtype=np.int64),
                    "period": np.array(period, dtype=object),
                    "item_id": np.array(item, dtype=np.int64),
                    "value": np.array(value, dtype=np.float64),  # None (skip) → NaN
                }
            )
        )
    if not parts:
        return pd.DataFrame(
            {
                "response_id": pd.Series(dtype=object),
                "team_id": pd.Series(dtype=np.int64),
                "period": pd.Series(dtype=object),
                "item_id": pd.Series(dtype=np.int64),
                "value": pd.Series(dtype=np.float64),
            }
        )
    return pd.concat(parts, ignore_index=True)


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
        answers = answers_frame(round_ids=[rid for rid, _ in rounds_of])
        if answers.empty:
            continue
        all_periods = consecutive_periods(
            min(p for _, p in rounds_of), max(p for _, p in rounds_of), org.reporting_period
        )
        items, dims = frames[rubric_id]
        result = score(answers, items, dims, parent_of, all_periods)
        if wanted is not None:
            keep = set(wanted)
            result = ScoringResult(
                result.dimensions[result.dimensions["period"].isin(keep)].reset_index(drop=True),
                result.trust[result.trust["period"].isin(keep)].reset_index(drop=True),
            )
        out.append(RubricScores(rubric_id=rubric_id, result=result))
    return out
