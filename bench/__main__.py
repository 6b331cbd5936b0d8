"""`make bench` / `make bench-quick`: every hot path end to end as a ratio to a floor in the same run.

1. engine: `score()` on production-shaped input — the columns the adapter now produces
   (integer response numbers, day-number periods) and, for before/after, the UUID strings and
   date objects it used to produce — vs `groupby(team, period, item).mean()` of the same frame;
2. recompute through the database (`bench.db`; SQLite scratch file, or DATABASE_URL): the
   adapter's load, `org_scores` and `snapshot_recompute` vs a plain SQL read + groupby;
3. HTTP (`bench.web`, one gunicorn): submissions at 1, 10 and 50 clients and results reads at
   20, 50 and 500 teams vs /healthz on the same server, the load client in its own processes.

Each size runs in its own subprocess so peak memory (ru_maxrss) belongs to that size only.
Data are generated deterministically (numpy default_rng(seed)).
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

from bench.data import SIZES  # noqa: E402
from trustmath.engine import score  # noqa: E402

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


def production_shaped(answers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[Any]]:
    """(adapter columns, UUID/date objects, the date periods) of the same answers.

    The adapter's columns: response numbers in the database's scan order (not sorted),
    periods as day numbers. Before: random UUID strings per response and date objects.
    """
    import datetime as dt
    import uuid

    rng = np.random.default_rng(7)
    n_resp = int(answers["response_id"].max()) + 1
    perm = rng.permutation(n_resp)
    day0 = (dt.date(2025, 1, 1) - dt.date(1970, 1, 1)).days
    days = np.array([day0 + 31 * p for p in range(N_PERIODS)], dtype=np.int64)
    adapter = answers.assign(
        response_id=perm[answers["response_id"].to_numpy()],
        period=days[answers["period"].to_numpy()],
    )
    uuids = np.array([uuid.UUID(int=int(x)).hex for x in rng.integers(1, 2**62, n_resp)], object)
    dates = np.array([dt.date(1970, 1, 1) + dt.timedelta(days=int(d)) for d in days], object)
    before = answers.assign(
        response_id=uuids[answers["response_id"].to_numpy()],
        period=dates[answers["period"].to_numpy()],
    )
    return adapter, before, [days.tolist(), dates.tolist()]


def run_one(label: str, runs: int) -> dict[str, Any]:
    """Measure one size in this process and return the numbers."""
    answers, items, dims, parent = make_data(SIZES[label])
    adapter, before, (day_periods, date_periods) = production_shaped(answers)
    periods = list(range(N_PERIODS))

    def engine() -> Any:
        return score(adapter, items, dims, parent, day_periods)

    def engine_before() -> Any:
        return score(before, items, dims, parent, date_periods)

    def engine_int() -> Any:
        return score(answers, items, dims, parent, periods)

    def floor() -> Any:
        return adapter.groupby(["team_id", "period", "item_id"])["value"].mean()

    engine()  # warm-up (imports, scipy caches)
    floor()
    eng_med, eng_all = _median_time(engine, runs)
    floor_med, floor_all = _median_time(floor, runs)
    before_med, _ = _median_time(engine_before, max(1, runs // 2))
    int_med, _ = _median_time(engine_int, runs)
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
        "engine_before_s": before_med,
        "engine_sorted_int_s": int_med,
        "floor_s": floor_med,
        "floor_runs": floor_all,
        "ratio": eng_med / floor_med,
        "engine_peak_mb": traced_peak / 2**20,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if out.returncode:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"{' '.join(args)} failed")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def print_engine(r: dict[str, Any]) -> None:
    f = r["floor_s"]
    print(
        f"engine     {r['size']:>5} rows {r['answer_rows']:>9} teams {r['teams']:>4} | floor "
        f"(groupby mean) {f:.3f} s | adapter-shaped {r['engine_s']:.3f} s = {r['ratio']:.2f}x | "
        f"UUID+date objects (before) {r['engine_before_s']:.3f} s = "
        f"{r['engine_before_s'] / f:.2f}x | sorted ints {r['engine_sorted_int_s']:.3f} s = "
        f"{r['engine_sorted_int_s'] / f:.2f}x | engine peak {r['engine_peak_mb']:.0f} MB, "
        f"process {r['process_peak_mb']:.0f} MB",
        flush=True,
    )


def print_during(r: dict[str, Any]) -> None:
    d = r["during"]
    ok = d["n_errors"] == 0 and d["stored"] == d["submitted"] and d["recompute_s"] is not None
    rec = f"{d['recompute_s']:.1f} s" if d["recompute_s"] is not None else "FAILED"
    print(
        f"during     {r['size']:>5} {r['vendor']:<10} submissions during a recompute ({rec}) | "
        f"{d['submitted']} sent, {d['stored']} stored, {d['n_errors']} errors | p50 "
        f"{d['p50_ms']:.0f} ms, slowest {d['max_ms']:.0f} ms | "
        + ("OK: none lost" if ok else f"FAILED {d['errors']}"),
        flush=True,
    )


def print_db(r: dict[str, Any]) -> None:
    if "during" in r:
        print_during(r)
    if "floor_s" not in r:
        return
    f = r["floor_s"]
    line = (
        f"recompute  {r['size']:>5} {r['vendor']:<10} teams {r['teams']:>4} | floor (SQL read + "
        f"groupby) {f:.3f} s | answer load {r['load_s']:.3f} s = {r['load_s'] / f:.2f}x | "
        f"org_scores {r['scores_s']:.3f} s = {r['scores_s'] / f:.2f}x | snapshot_recompute "
        f"{r['recompute_s']:.3f} s = {r['recompute_s'] / f:.2f}x"
    )
    if "load_old_s" in r:
        line += f" | old ORM load (before) {r['load_old_s']:.3f} s = {r['load_old_s'] / f:.2f}x"
    print(
        line + f" | peak through recompute {r['recompute_peak_mb']:.0f} MB, with the floor "
        f"{r['process_peak_mb']:.0f} MB",
        flush=True,
    )


def print_web(r: dict[str, Any]) -> None:
    hz = r["healthz"]
    print(
        f"server     gunicorn gthread, {r['workers']} workers x {r['threads']} threads; "
        f"{r['seconds']:.0f} s per load case, {r.get('read_seconds', r['seconds']):.0f} s per read "
        "case (and half that of /healthz before it)",
        flush=True,
    )
    one, two = hz["50"]["rps"], r["healthz_50_two_procs"]["rps"]
    print(
        f"client     /healthz at 50 clients: 1 load process {one:.0f} req/s, 2 processes "
        f"{two:.0f} req/s ({two / one:.2f}x: "
        + ("the client is not the bottleneck)" if two < 1.25 * one else "the CLIENT limits)"),
        flush=True,
    )
    for c in r["submit"]:
        s, h = r["submit"][c], hz[c]
        sized = " (sized)" if int(c) == r.get("sized") else ""
        print(
            f"submit     {c:>3} clients{sized} | {s['rps']:.0f} req/s = {s['rps'] / h['rps']:.2f}x "
            f"/healthz ({h['rps']:.0f} req/s) | p50 {s['p50_ms']:.0f} ms p99 {s['p99_ms']:.0f} ms"
            f" | statuses {s['statuses']} errors {s['errors']}",
            flush=True,
        )
    # Reads (bench.reads): one client; each case's floor is /healthz measured right before it.
    for teams, found in r["reads"].items():
        for name, x in found.items():
            f = x["floor_ms"]
            print(
                f"read       {teams:>4} teams x 12 periods | {name:<26} | median "
                f"{x['median_ms']:6.1f} ms = {x['median_ms'] / f:5.2f}x /healthz ({f:.1f} ms) | "
                f"p99 {x['p99_ms']:6.1f} ms | {x['bytes'] / 1000:.0f} kB | statuses {x['statuses']}",
                flush=True,
            )


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
    parser.add_argument("--sizes", help="comma list of 10k,100k,1M (default: all; quick: 10k,100k)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per size (median)")
    parser.add_argument("--quick", action="store_true", help="make bench-quick: about 2 minutes")
    parser.add_argument("--only", default="engine,db,web", help="cases: engine,db,web,during")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # child mode: one size, JSON out
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.runs)))
        return 0
    sizes = [
        s.strip()
        for s in (args.sizes or ("10k,100k" if args.quick else "10k,100k,1M")).split(",")
        if s.strip()
    ]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown sizes {unknown}; choose from {list(SIZES)}")
    runs = 1 if args.quick else args.runs
    cases = set(args.only.split(","))
    print(f"machine: {machine()}")
    print(
        f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    print(f"database: {'DATABASE_URL' if os.environ.get('DATABASE_URL') else 'SQLite file'}")
    t0 = time.perf_counter()

    def elapsed(what: str) -> None:  # where the minutes of a run go (bench-quick: ~2 min)
        print(f"elapsed    {time.perf_counter() - t0:6.1f} s after {what}", flush=True)

    for label in sizes if "engine" in cases else []:
        print_engine(_child(["bench", "--one", label, "--runs", str(runs)]))
    if "engine" in cases:
        elapsed("engine")
    for label in sizes if "db" in cases else []:
        # The old ORM load (before/after) only at 10k in --quick (31 s at 100k) and up to
        # 100k in the full run (96 s at 1M on SQLite, issue 15). Submissions during a
        # recompute at the largest size of a full run (`make bench-during` runs it alone;
        # bench-quick leaves it out: one more recompute, ~20 s).
        old = ["--old"] if SIZES[label] <= (10_000 if args.quick else 100_000) else []
        during = ["--during"] if label == sizes[-1] and not args.quick else []
        print_db(_child(["bench.db", label, str(runs), *old, *during]))
    if "db" in cases:
        elapsed("recompute")
    if "during" in cases and "db" not in cases:  # make bench-during: only that case
        print_db(_child(["bench.db", sizes[-1], "1", "--during-only"]))
        elapsed("during")
    if "web" in cases:
        timing = ["--seconds", "2", "--read-seconds", "1"] if args.quick else ["--seconds", "5"]
        print_web(_child(["bench.web", *timing]))
        elapsed("web")
    print(
        f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
