"""flow_metrics against a plain pandas reference on random items (no history)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orgs.periods import period_start
from trustmath.flow import flow_metrics

DAY = 86_400 * 10**9


def _items(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2025-11-01", tz="UTC").value
    created = start + (rng.random(n) * 120 * DAY).astype(np.int64)
    started = created + (rng.exponential(3, n) * DAY).astype(np.int64)
    done = started + (rng.exponential(6, n) * DAY).astype(np.int64)
    done_ok = rng.random(n) < 0.8
    due = created + rng.integers(2, 20, n) * DAY
    return pd.DataFrame(
        {
            "item_id": [f"X-{i}" for i in range(n)],
            "team": rng.integers(1, 6, n),
            "created_at": pd.to_datetime(created, utc=True),
            "started_at": pd.to_datetime(started, utc=True),
            "done_at": pd.to_datetime(np.where(done_ok, done, np.iinfo(np.int64).min), utc=True),
            "due_at": pd.to_datetime(
                np.where(rng.random(n) < 0.5, due, np.iinfo(np.int64).min), utc=True
            ),
            "canceled_at": pd.NaT,
        }
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_item_metrics_match_a_pandas_groupby(seed: int) -> None:
    tz = "America/New_York"
    items = _items(400, seed)
    as_of = pd.Timestamp("2026-06-01", tz="UTC")
    out = flow_metrics(items, None, status_map={}, tz=tz, period="month", as_of=as_of)
    done = items.dropna(subset=["done_at"]).copy()
    done = done[done["done_at"] <= as_of]
    local = done["done_at"].dt.tz_convert(tz).dt.date
    done["period"] = [period_start(d, "month") for d in local]
    done["lead"] = (done["done_at"] - done["created_at"]).dt.total_seconds() / 86_400
    done["cycle"] = (done["done_at"] - done["started_at"]).dt.total_seconds() / 86_400
    due_local = done["due_at"].dt.tz_convert(tz).dt.date
    has_due = done["due_at"].notna()
    done["on_time"] = np.where(has_due, (local <= due_local.where(has_due, local)) * 100.0, np.nan)
    ref = done.groupby(["team", "period"]).agg(
        throughput=("item_id", "size"),
        lead_time_days=("lead", "median"),
        cycle_time_days=("cycle", "median"),
        on_time_pct=("on_time", "mean"),
    )
    got = out.pivot_table(index=["team", "period"], columns="metric", values="value")
    for metric in ["throughput", "lead_time_days", "cycle_time_days", "on_time_pct"]:
        joined = ref[[metric]].merge(
            got[[metric]], left_index=True, right_index=True, how="outer", suffixes=("", "_got")
        )
        assert np.allclose(joined[metric], joined[f"{metric}_got"], equal_nan=True), metric
