"""`python -m bench.execution`: time flow_metrics on a synthetic work-item export against
pandas.read_csv of the very same data (items file + history file) in the same process.

Data are generated deterministically (numpy default_rng(seed)); both frames are written to
temporary CSV files, read back with ``pandas.read_csv`` (timestamps parsed, as a reader
must), and flow_metrics then runs on the frames read back. Prints the ratio
flow_metrics / read_csv (goal: ≤ 2) and the process's peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from trustmath.flow import flow_metrics  # noqa: E402

DAY = 86_400 * 10**9
STATUS_MAP = {"To Do": "todo", "In Progress": "in_progress", "Blocked": "blocked", "Done": "done"}
START = pd.Timestamp("2026-01-01", tz="UTC").value
AS_OF = pd.Timestamp("2026-12-31 23:00", tz="UTC")
ITEM_DATES = ["created_at", "started_at", "done_at", "due_at", "canceled_at"]


def make_data(n_items: int, seed: int = 20261130) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Items over 12 months and 200 teams, and their status/assignee/follow-up history."""
    rng = np.random.default_rng(seed)
    created = START + (rng.random(n_items) * 330 * DAY).astype(np.int64)
    started = created + (rng.exponential(2.0, n_items) * DAY).astype(np.int64)
    done = started + (rng.exponential(6.0, n_items) * DAY).astype(np.int64)
    is_done = (rng.random(n_items) < 0.85) & (done < AS_OF.value)
    canceled = np.where(~is_done & (rng.random(n_items) < 0.1), started + DAY, 0)
    due = created + (rng.integers(3, 30, n_items) * DAY)
    has_due = rng.random(n_items) < 0.6
    ids = np.char.add("T-", np.arange(n_items).astype(str))

    def ts(ns: np.ndarray, ok: np.ndarray) -> pd.Series:
        return pd.Series(pd.to_datetime(np.where(ok, ns, np.iinfo(np.int64).min), utc=True))

    items = pd.DataFrame(
        {
            "item_id": ids,
            "source": "jira",
            "team": rng.integers(1, 201, n_items),
            "title": "Work item",
            "status": np.where(is_done, "Done", "In Progress"),
            "assignee": np.char.add("person", rng.integers(0, 3000, n_items).astype(str)),
            "created_at": ts(created, np.ones(n_items, bool)),
            "started_at": ts(started, np.ones(n_items, bool)),
            "done_at": ts(done, is_done),
            "due_at": ts(due, has_due),
            "canceled_at": ts(canceled, canceled > 0),
        }
    )
    blocked = rng.random(n_items) < 0.2
    handed = rng.random(n_items) < 0.3
    chased = rng.random(n_items) < 0.1
    all_ix = np.arange(n_items)
    b_at = started + ((done - started) * 0.3).astype(np.int64)
    parts = [
        (all_ix, "status", "To Do", "In Progress", started),
        (all_ix[blocked], "status", "In Progress", "Blocked", b_at[blocked]),
        (all_ix[blocked], "status", "Blocked", "In Progress", b_at[blocked] + DAY),
        (all_ix[handed], "assignee", "ann", "bob", (started + DAY // 2)[handed]),
        (all_ix[chased], "followup", None, None, (started + DAY)[chased]),
        (all_ix[is_done], "status", "In Progress", "Done", done[is_done]),
    ]
    events = pd.concat(
        [
            pd.DataFrame(
                {
                    "item_id": ids[ix],
                    "field": field,
                    "from_value": a,
                    "to_value": b,
                    "at": pd.to_datetime(at, utc=True),
                }
            )
            for ix, field, a, b, at in parts
        ],
        ignore_index=True,
    )
    return items, events


def _median_time(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time (this process) over `runs` calls. On a shared
    machine the CPU time is the stable number: waiting for a core is not counted."""
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.execution", description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    items, events = make_data(args.items)
    with tempfile.TemporaryDirectory() as tmp:
        items_csv, events_csv = os.path.join(tmp, "items.csv"), os.path.join(tmp, "events.csv")
        items.to_csv(items_csv, index=False)
        events.to_csv(events_csv, index=False)
        del items, events
        sizes = os.path.getsize(items_csv) / 2**20, os.path.getsize(events_csv) / 2**20

        def read() -> tuple[pd.DataFrame, pd.DataFrame]:
            it = pd.read_csv(items_csv, parse_dates=ITEM_DATES)
            ev = pd.read_csv(events_csv, parse_dates=["at"])
            return it, ev

        def read_items() -> pd.DataFrame:
            return pd.read_csv(items_csv, parse_dates=ITEM_DATES)

        it, ev = read()
        for col in ITEM_DATES:  # empty columns come back as object/float: make them timestamps
            it[col] = pd.to_datetime(it[col], utc=True)
        ev["at"] = pd.to_datetime(ev["at"], utc=True)

        def derive() -> pd.DataFrame:
            return flow_metrics(
                it, ev, status_map=STATUS_MAP, tz="Europe/Berlin", period="month", as_of=AS_OF
            )

        def derive_items() -> pd.DataFrame:
            return flow_metrics(
                it, None, status_map=STATUS_MAP, tz="Europe/Berlin", period="month", as_of=AS_OF
            )

        derive()  # warm-up
        timings = {
            "flow_metrics(items, events)": _median_time(derive, args.runs),
            "flow_metrics(items only)": _median_time(derive_items, args.runs),
            "read_csv(items + events)": _median_time(read, args.runs),
            "read_csv(items)": _median_time(read_items, args.runs),
        }
    out = derive()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"items {len(it):,} ({sizes[0]:.0f} MB CSV), events {len(ev):,} ({sizes[1]:.0f} MB CSV)")
    print(f"{'step':<30} {'wall s':>8} {'cpu s':>8}")
    for name, (wall, cpu) in timings.items():
        print(f"{name:<30} {wall:>8.3f} {cpu:>8.3f}")
    for a, b in [
        ("flow_metrics(items, events)", "read_csv(items + events)"),
        ("flow_metrics(items only)", "read_csv(items)"),
        ("flow_metrics(items, events)", "read_csv(items)"),
    ]:
        (wa, ca), (wb, cb) = timings[a], timings[b]
        print(f"ratio {a} / {b}: wall {wa / wb:.2f}, cpu {ca / cb:.2f}")
    print(f"result rows {len(out):,}; process peak {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
