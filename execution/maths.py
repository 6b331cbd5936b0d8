"""The one call site from execution to the pure flow maths (trustmath flow/handoffs/health/drivers).

Everything execution computes goes through here, so a change of the maths' contract is one
edit: DataFrames in, DataFrames out, typed for the app.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from trustmath import drivers, execution_health, flow, handoffs


def flow_metrics(
    items: pd.DataFrame,
    events: pd.DataFrame,
    *,
    status_map: dict[str, str],
    tz: str,
    period: str,
    as_of: pd.Timestamp,
) -> pd.DataFrame:
    """team, period (date), metric, value, n — per team × period (trustmath.flow)."""
    return flow.flow_metrics(
        items, events, status_map=status_map, tz=tz, period=period, as_of=as_of
    )


def suggest_status_map(statuses: list[str]) -> dict[str, str]:
    """A first guess of each raw status's category (to confirm in the status step)."""
    return flow.suggest_status_map(statuses)


def handoff_matrix(
    items: pd.DataFrame, events: pd.DataFrame, *, tz: str, period: str, **kw: Any
) -> pd.DataFrame:
    """period, from_team, to_team, count, median_wait_days, reopen_share (trustmath.handoffs)."""
    return handoffs.handoff_matrix(items, events, tz=tz, period=period, **kw)


def handoffs_per_person(
    items: pd.DataFrame, events: pd.DataFrame, team_sizes: pd.Series, *, tz: str, period: str
) -> pd.DataFrame:
    return handoffs.handoffs_per_person(items, events, team_sizes, tz=tz, period=period)


def waiting_items(
    items: pd.DataFrame, events: pd.DataFrame, *, as_of: pd.Timestamp, min_days: float, **kw: Any
) -> pd.DataFrame:
    return handoffs.waiting_items(items, events, as_of=as_of, min_days=min_days, **kw)


def health(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """team, period, execution_health, n_metrics, parts (trustmath.execution_health)."""
    return execution_health.execution_health(metrics, definitions)


def metric_scores(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """Long metrics with their definition and `scaled` 0–100 score."""
    return execution_health.metric_scores(metrics, definitions)


def friction_index(trust_index: pd.Series, health: pd.Series) -> pd.Series:
    return execution_health.friction_index(trust_index, health)


def hotspots(joined: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    return execution_health.hotspots(joined, **kwargs)


def lagged_spearman(
    df: pd.DataFrame, *, predictors: list[str], outcome: str, **kw: Any
) -> pd.DataFrame:
    return drivers.lagged_spearman(df, predictors=predictors, outcome=outcome, **kw)


def relative_weights_bootstrap(
    df: pd.DataFrame, outcome: str, predictors: list[str], *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    return drivers.relative_weights_bootstrap(df, outcome, predictors, n_boot=n_boot, seed=seed)
