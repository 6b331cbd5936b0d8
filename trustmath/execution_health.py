"""Execution health, the friction index, the team × period join and hotspots (DESIGN §5).

- **Scaled metric** (:func:`metric_scaled`): 0 at the metric's *floor*, 100 at its
  *target*, linear between, clamped to 0–100: ``100 × (value − floor) / (target − floor)``.
  Direction-aware: for "higher" the target must be ≥ the floor, for "lower" ≤ (a cycle
  time's target is the smaller number); floor = target is a step (100 when the value
  reaches the target, else 0). A missing value stays missing.
- **Execution health** (:func:`execution_health`): per team × period, the plain mean of the
  scaled metrics that have a value and a definition; ``n_metrics`` counts them and
  ``parts`` names them (a sorted tuple of metric codes) so disclosure control can hide the
  composite when a part is hidden.
- **Friction index** (:func:`friction_index`): ``100 − (trust index + execution health) / 2``;
  0 = no friction, missing when either side is.
- **Join** (:func:`team_period_join`): one wide row per team × period with the trust
  columns, the decision columns, one column per metric code, execution health and friction;
  ``execution_health_parts`` and ``friction_index_parts`` (trust_index, execution_health
  and the health's parts) say what each composite was computed from.
- **Hotspots** (:func:`hotspots`): team-periods below the threshold on both trust and
  execution health (default threshold: that period's median over teams, so "low" is
  relative to the org); for each, the dimensions below the period's mean (largest gap
  first) and the metrics scaled below 50 (lowest first) — what drags the team down.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from trustmath.flowtime import ExecutionInputError

DIRECTIONS = ("higher", "lower")
KEYS = ["team", "period"]


def _scale(
    values: np.ndarray, floor: np.ndarray, target: np.ndarray, higher: np.ndarray
) -> np.ndarray:
    span = target - floor
    with np.errstate(invalid="ignore", divide="ignore"):
        linear = 100.0 * (values - floor) / span
    step = np.where(higher, values >= target, values <= target) * 100.0
    out = np.clip(np.where(span == 0, step, linear), 0.0, 100.0)
    return np.where(np.isnan(values), np.nan, out)


def _check_directions(direction: np.ndarray, floor: np.ndarray, target: np.ndarray) -> np.ndarray:
    bad_dir = ~np.isin(direction, DIRECTIONS)
    if bad_dir.any():
        raise ExecutionInputError(
            f"direction must be one of {DIRECTIONS}: got {sorted(set(direction[bad_dir]))[:20]}"
        )
    higher = direction == "higher"
    wrong = np.where(higher, target < floor, target > floor)
    if wrong.any():
        raise ExecutionInputError(
            "a 'higher' metric needs target ≥ floor and a 'lower' one target ≤ floor."
        )
    return higher


def metric_scaled(values: pd.Series, *, floor: float, target: float, direction: str) -> pd.Series:
    """Each value on 0–100 between `floor` (0) and `target` (100), clamped."""
    v = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    f = np.full(v.shape, float(floor))
    t = np.full(v.shape, float(target))
    higher = _check_directions(np.full(v.shape, direction, dtype=object), f, t)
    return pd.Series(_scale(v, f, t, higher), index=values.index, name=values.name)


def metric_scores(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """Long metrics with their definition and ``scaled`` score; metrics without a definition
    or without a value are left out."""
    missing = [c for c in [*KEYS, "metric", "value"] if c not in metrics.columns]
    missing += [c for c in ["metric", "floor", "target", "direction"] if c not in definitions]
    if missing:
        raise ExecutionInputError(f"metrics/definitions lack columns {missing}.")
    if definitions["metric"].duplicated().any():
        raise ExecutionInputError("definitions repeat a metric.")
    defs = definitions[["metric", "floor", "target", "direction"]]
    m = metrics[[*KEYS, "metric", "value"]].merge(defs, on="metric", how="inner")
    m = m.loc[pd.to_numeric(m["value"], errors="coerce").notna()].reset_index(drop=True)
    f = m["floor"].to_numpy(dtype=float)
    t = m["target"].to_numpy(dtype=float)
    higher = _check_directions(m["direction"].to_numpy(dtype=object), f, t)
    m["scaled"] = _scale(m["value"].to_numpy(dtype=float), f, t, higher)
    return m


def execution_health(metrics: pd.DataFrame, definitions: pd.DataFrame) -> pd.DataFrame:
    """team, period, execution_health (mean scaled metric), n_metrics, parts."""
    m = metric_scores(metrics, definitions).sort_values([*KEYS, "metric"], kind="stable")
    if m.empty:
        return pd.DataFrame(
            {c: pd.Series(dtype=object) for c in [*KEYS, "execution_health", "n_metrics", "parts"]}
        )
    g = m.groupby(KEYS, sort=True)
    out = g.agg(
        execution_health=("scaled", "mean"),
        n_metrics=("scaled", "size"),
        parts=("metric", tuple),  # one tuple per team-period, not per row
    )
    return out.reset_index()


def friction_index(trust_index: pd.Series, execution_health: pd.Series) -> pd.Series:
    """100 − (trust index + execution health) / 2; missing when either is."""
    t = pd.to_numeric(trust_index, errors="coerce").to_numpy(dtype=float)
    e = pd.to_numeric(execution_health, errors="coerce").to_numpy(dtype=float)
    return pd.Series(100.0 - (t + e) / 2.0, index=trust_index.index, name="friction_index")


def _tuples(n: int) -> np.ndarray:
    """An object array of n empty tuples (filled in C, not one Python object per row)."""
    out = np.empty(n, dtype=object)
    out.fill(())
    return out


def _wide_part(frame: pd.DataFrame | None, what: str) -> pd.DataFrame:
    if frame is None:
        return pd.DataFrame(columns=KEYS)
    missing = [c for c in KEYS if c not in frame.columns]
    if missing:
        raise ExecutionInputError(f"{what} lacks columns {missing}.")
    if frame.duplicated(KEYS).any():
        raise ExecutionInputError(f"{what} has more than one row per team × period.")
    return frame


def team_period_join(
    trust: pd.DataFrame | None,
    decisions: pd.DataFrame | None,
    metrics: pd.DataFrame | None,
    health: pd.DataFrame | None,
) -> pd.DataFrame:
    """One wide row per team × period present in any input (outer join), plus friction.

    ``trust``: team, period, trust_index and one column per dimension; ``decisions``: team,
    period and decision-stability figures; ``metrics``: long team, period, metric, value;
    ``health``: :func:`execution_health`'s output.
    """
    parts = [_wide_part(trust, "trust"), _wide_part(decisions, "decisions")]
    if metrics is not None and not metrics.empty:
        wide = metrics.pivot_table(index=KEYS, columns="metric", values="value", aggfunc="first")
        wide.columns = [str(c) for c in wide.columns]
        parts.append(wide.reset_index())
    if health is not None:
        h = _wide_part(health, "health").rename(columns={"parts": "execution_health_parts"})
        parts.append(h)
    seen: set[str] = set()
    for p in parts:
        clash = (set(p.columns) - set(KEYS)) & seen
        if clash:
            raise ExecutionInputError(f"the same column comes from two inputs: {sorted(clash)}")
        seen |= set(p.columns) - set(KEYS)
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p, on=KEYS, how="outer")
    for col in ["trust_index", "execution_health"]:
        if col not in out.columns:
            out[col] = np.nan
    hp = _tuples(len(out))
    if "execution_health_parts" in out.columns:
        have = out["execution_health_parts"].notna().to_numpy()
        hp[have] = out["execution_health_parts"].to_numpy(dtype=object)[have]
    out["execution_health_parts"] = hp
    out["friction_index"] = friction_index(out["trust_index"], out["execution_health"])
    prefix = np.empty(1, dtype=object)
    prefix[0] = ("trust_index", "execution_health")
    out["friction_index_parts"] = prefix + hp  # element-wise tuple concatenation
    return out.sort_values(KEYS, kind="stable", ignore_index=True)


def hotspots(
    joined: pd.DataFrame,
    *,
    trust_col: str = "trust_index",
    health_col: str = "execution_health",
    dimensions: Sequence[str] = (),
    scores: pd.DataFrame | None = None,
    trust_below: float | None = None,
    health_below: float | None = None,
    top: int = 3,
) -> pd.DataFrame:
    """Team-periods low on both trust and execution health, with what drags them down.

    ``scores``: :func:`metric_scores` output (for the low metrics). Out: team, period, the
    trust and health values, friction_index, low_dimensions and low_metrics (tuples),
    ordered by friction (highest first).
    """
    j = joined.dropna(subset=[trust_col, health_col]).reset_index(drop=True)
    cols = [*KEYS, trust_col, health_col, "friction_index", "low_dimensions", "low_metrics"]
    if j.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    by_period = j.groupby("period")
    t_cut = trust_below if trust_below is not None else by_period[trust_col].transform("median")
    h_cut = health_below if health_below is not None else by_period[health_col].transform("median")
    hot = j.loc[(j[trust_col] < t_cut) & (j[health_col] < h_cut)].copy()
    hot["friction_index"] = friction_index(hot[trust_col], hot[health_col])
    dims = [d for d in dimensions if d in j.columns]
    low_dims = pd.Series(_tuples(len(hot)), index=hot.index, dtype=object)
    if dims and not hot.empty:
        gaps = j[dims] - by_period[dims].transform("mean")
        long = gaps.loc[hot.index].stack().rename("gap").reset_index()
        long = long.loc[long["gap"] < 0].sort_values(["level_0", "gap"], kind="stable")
        picked = long.groupby("level_0").head(top).groupby("level_0")["level_1"].agg(tuple)
        low_dims.update(picked)
    low_metrics = pd.Series(_tuples(len(hot)), index=hot.index, dtype=object)
    if scores is not None and not scores.empty and not hot.empty:
        s = scores.loc[scores["scaled"] < 50].sort_values([*KEYS, "scaled"], kind="stable")
        s = s.groupby(KEYS).head(top).groupby(KEYS)["metric"].agg(tuple).rename("lm")
        got = hot[KEYS].merge(s.reset_index(), on=KEYS, how="left")["lm"].to_numpy(dtype=object)
        have = pd.notna(got)
        vals = _tuples(len(hot))
        vals[have] = got[have]
        low_metrics = pd.Series(vals, index=hot.index, dtype=object)
    hot["low_dimensions"] = low_dims
    hot["low_metrics"] = low_metrics
    hot = hot.sort_values(["friction_index", *KEYS], ascending=[False, True, True])
    return hot[cols].reset_index(drop=True)
