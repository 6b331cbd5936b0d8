"""The one call site from execution to the pure flow maths (trustmath flow/handoffs/health/drivers).

Everything execution computes goes through here, so a change of the maths' contract is
one edit. While a trustmath module is not installed yet, `available()` is False and the
callers say so on the page instead of showing an empty view.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import pandas as pd

MODULES = ("flow", "handoffs", "execution_health", "drivers")


class MathsUnavailable(RuntimeError):
    """A trustmath module this needs is not installed in this build."""


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(f"trustmath.{name}")
    except ImportError as exc:
        raise MathsUnavailable(f"trustmath.{name} is not available in this build") from exc


def available(*names: str) -> bool:
    """Whether each named trustmath module can be used."""
    try:
        for name in names or MODULES:
            _module(name)
    except MathsUnavailable:
        return False
    return True


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
    out: pd.DataFrame = _module("flow").flow_metrics(
        items, events, status_map=status_map, tz=tz, period=period, as_of=as_of
    )
    return out


def handoff_matrix(
    items: pd.DataFrame, events: pd.DataFrame, *, tz: str, period: str, **kw: Any
) -> pd.DataFrame:
    """period, from_team, to_team, count, median_wait_days, reopen_share (trustmath.handoffs)."""
    out: pd.DataFrame = _module("handoffs").handoff_matrix(
        items, events, tz=tz, period=period, **kw
    )
    return out


def handoffs_per_person(
    items: pd.DataFrame, events: pd.DataFrame, team_sizes: pd.Series, *, tz: str, period: str
) -> pd.DataFrame:
    out: pd.DataFrame = _module("handoffs").handoffs_per_person(
        items, events, team_sizes, tz=tz, period=period
    )
    return out


def waiting_items(
    items: pd.DataFrame, events: pd.DataFrame, *, as_of: pd.Timestamp, min_days: float, **kw: Any
) -> pd.DataFrame:
    out: pd.DataFrame = _module("handoffs").waiting_items(
        items, events, as_of=as_of, min_days=min_days, **kw
    )
    return out


def execution_health(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    out: pd.DataFrame = _module("execution_health").execution_health(metrics, definitions)
    return out


def metric_scores(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """Long metrics with their definition and `scaled` 0–100 score."""
    out: pd.DataFrame = _module("execution_health").metric_scores(metrics, definitions)
    return out


def friction_index(trust_index: pd.Series, health: pd.Series) -> pd.Series:
    out: pd.Series = _module("execution_health").friction_index(trust_index, health)
    return out


def hotspots(joined: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    out: pd.DataFrame = _module("execution_health").hotspots(joined, **kwargs)
    return out


def lagged_spearman(
    df: pd.DataFrame, *, predictors: list[str], outcome: str, **kw: Any
) -> pd.DataFrame:
    out: pd.DataFrame = _module("drivers").lagged_spearman(
        df, predictors=predictors, outcome=outcome, **kw
    )
    return out


def relative_weights_bootstrap(
    df: pd.DataFrame, outcome: str, predictors: list[str], *, n_boot: int = 1000, seed: int = 0
) -> pd.DataFrame:
    out: pd.DataFrame = _module("drivers").relative_weights_bootstrap(
        df, outcome, predictors, n_boot=n_boot, seed=seed
    )
    return out


def suggest_status_map(statuses: list[str]) -> dict[str, str]:
    """A first guess of each raw status's category (to confirm in the status step)."""
    if not available("flow"):
        return {}
    out: dict[str, str] = _module("flow").suggest_status_map(statuses)
    return out
