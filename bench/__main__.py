"""`make bench`: time the scoring engine against a plain pandas groupby-mean floor, per size.

Each size runs in its own subprocess so peak memory (ru_maxrss) belongs to that size only.
Data are generated deterministically (numpy default_rng(seed)); the floor is
`answers.groupby(["team_id", "period", "item_id"])["value"].mean()` over the very same frame,
measured in the same process right after the engine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from trustmath.engine import score  # noqa: E402

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
N_ITEMS = 8
N_PERIODS = 12
DIMS = ["d1", "d2", "d3", "d4"]
BANDS = [
    {"label": "Fragile", "min": 0, "max": 20},
    {"label": "Inconsistent", "min": 20, "max": 40},
    {"label": "Functional", "min": 40, "max": 60},
    {"label": "Reliable", "min": 60, "max": 80},
    {"label": "Infrastructure", "min": 80, "max": 100},
]


def team_tree(n_teams: int) -> dict[int, int]:
    """A 3-level tree: ~√n departments under the org, teams under departments, some sub-teams."""
    n_dept = max(2, int(np.sqrt(n_teams) / 2))
    parent: dict[int, int] = {d: 0 for d in range(1, n_dept + 1)}
    for t in range(n_dept + 1, n_teams + 1):
        parent[t] = 1 + (t % n_dept) if t % 5 else t - 1  # every 5th team is a sub-team
    return parent


def make_data(n_responses: int, seed: int = 20261123) -> tuple[pd.DataFrame, ...]:
    """Answers (rows ordered by response, as the adapter loads them), items, dimensions, tree."""
    rng = np.random.default_rng(seed)
    n_teams = 500 if n_responses >= 1_000_000 else max(20, n_responses // 2000)
    parent = team_tree(n_teams)
    leaf_teams = np.array(sorted(parent), dtype=np.int64)
    team_r = rng.choice(leaf_teams, size=n_responses)
    period_r = rng.integers(0, N_PERIODS, size=n_responses).astype(np.int64)
    base = rng.normal(3.4, 0.6, size=n_responses)
    vals = np.clip(np.rint(base[:, None] + rng.normal(0, 0.9, (n_responses, N_ITEMS))), 1, 5)
    vals[rng.random((n_responses, N_ITEMS)) < 0.04] = np.nan  # 4 % skips
    answers = pd.DataFrame(
        {
            "response_id": np.repeat(np.arange(n_responses, dtype=np.int64), N_ITEMS),
            "team_id": np.repeat(team_r, N_ITEMS),
            "period": np.repeat(period_r, N_ITEMS),
            "item_id": np.tile(np.arange(1, N_ITEMS + 1, dtype=np.int64), n_responses),
            "value": vals.ravel(),
        }
    )
    items = pd.DataFrame(
        {
            "item_id": np.arange(1, N_ITEMS + 1),
            "dimension": [DIMS[i % len(DIMS)] for i in range(N_ITEMS)],
            "reverse_keyed": [i % 3 == 2 for i in range(N_ITEMS)],
        }
    )
    dims = pd.DataFrame(
        {"dimension": DIMS, "weight": [1.0, 1.5, 1.0, 0.5], "bands": [BANDS] * len(DIMS)}
    )
    return answers, items, dims, parent  # type: ignore[return-value]


def _median_time(fn: Any, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times


def run_one(label: str, runs: int) -> dict[str, Any]:
    """Measure one size in this process and return the numbers."""
    answers, items, dims, parent = make_data(SIZES[label])
    periods = list(range(N_PERIODS))

    def engine() -> Any:
        return score(answers, items, dims, parent, periods)

    def floor() -> Any:
        return answers.groupby(["team_id", "period", "item_id"])["value"].mean()

    engine()  # warm-up (imports, scipy caches)
    floor()
    eng_med, eng_all = _median_time(engine, runs)
    floor_med, floor_all = _median_time(floor, runs)
    tracemalloc.start()
    result = engine()
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "size": label,
        "responses": SIZES[label],
        "answer_rows": len(answers),
        "teams": len(parent),
        "cells": len(result.dimensions),
        "engine_s": eng_med,
        "engine_runs": eng_all,
        "floor_s": floor_med,
        "floor_runs": floor_all,
        "ratio": eng_med / floor_med,
        "engine_peak_mb": traced_peak / 2**20,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs, {cpu}, Python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma list of 10k,100k,1M")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: one size, JSON out
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.runs)))
        return 0
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    print(f"machine: {machine()}")
    print(
        f"{'size':>5} {'rows':>10} {'teams':>5} {'engine s':>9} {'floor s':>8} "
        f"{'ratio':>6} {'engine peak MB':>15} {'process peak MB':>16}"
    )
    for label in sizes:
        out = subprocess.run(
            [sys.executable, "-m", "bench", "--one", label, "--runs", str(args.runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{r['size']:>5} {r['answer_rows']:>10} {r['teams']:>5} {r['engine_s']:>9.3f} "
            f"{r['floor_s']:>8.3f} {r['ratio']:>6.2f} {r['engine_peak_mb']:>15.0f} "
            f"{r['process_peak_mb']:>16.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
