"""Peak memory of `snapshot_recompute` per stage (python -m bench.memory SIZE).

Runs one recompute of the bench org of SIZE responses (the same cached scratch database as
`bench.db`) while a thread samples the process's resident set every 5 ms; each stage of the
recompute (answer load, engine, snapshot rows, member sets, row conversion, swap + publish)
is wrapped so its start RSS, its peak RSS and its end RSS are recorded. Prints one line per
stage and a JSON line. RSS, not tracemalloc: tracemalloc slows NumPy-heavy code and misses
memory the database driver allocates.
"""

from __future__ import annotations

import functools
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from bench.data import bench_org

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


class Sampler:
    """The highest RSS seen since the last `reset`, sampled by a daemon thread."""

    def __init__(self) -> None:
        self.peak = rss_mb()
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_mb())

    def reset(self) -> float:
        now = rss_mb()
        self.peak = now
        return now


STAGES: list[dict[str, Any]] = []


def wrap(module: Any, name: str, sampler: Sampler, depth: list[int]) -> None:
    """Replace module.name by a wrapper that records the stage's memory."""
    fn: Callable[..., Any] = getattr(module, name)

    @functools.wraps(fn)
    def staged(*args: Any, **kwargs: Any) -> Any:
        outer_peak = sampler.peak
        start = sampler.reset()
        t0 = time.perf_counter()
        depth[0] += 1
        try:
            return fn(*args, **kwargs)
        finally:
            depth[0] -= 1
            end = rss_mb()
            peak = max(sampler.peak, end)
            STAGES.append(
                {
                    "stage": f"{'  ' * depth[0]}{module.__name__.split('.')[-1]}.{name}",
                    "start_mb": start,
                    "peak_mb": peak,
                    "end_mb": end,
                    "s": time.perf_counter() - t0,
                }
            )
            sampler.peak = max(outer_peak, peak)

    setattr(module, name, staged)


def main() -> None:
    label = sys.argv[1]
    org, build_s = bench_org(label, "trustos-bench-mem-")
    from django.db import connections

    import scoring.adapter
    import scoring.releases
    import scoring.services

    connections.close_all()
    sampler = Sampler()
    depth = [0]
    for module, name in (
        (scoring.adapter, "answer_columns"),
        (scoring.adapter, "score"),
        (scoring.services, "org_scores"),
        (scoring.services, "snapshot_frames"),
        (scoring.services, "release_members_labelled"),
        (scoring.services, "snapshot_insert"),
        (scoring.services, "results_release_prepare"),  # no transaction open
        (scoring.releases, "_decide"),
        (scoring.releases, "ledger_settle_prepare"),
        (scoring.services, "results_release_commit"),  # the short write (SQLite's lock)
    ):
        wrap(module, name, sampler, depth)
    base = sampler.reset()
    t1 = time.perf_counter()
    scoring.services.snapshot_recompute(org_id=org.pk)
    total_s = time.perf_counter() - t1
    load = os.getloadavg()
    print(f"memory {label}: baseline {base:.0f} MB (Django + org), build/copy {build_s:.1f} s")
    for st in STAGES:  # in order of completion: inner stages before their caller
        print(
            f"  {st['stage']:<40} start {st['start_mb']:6.0f} MB  peak {st['peak_mb']:6.0f} MB"
            f"  end {st['end_mb']:6.0f} MB  {st['s']:7.1f} s"
        )
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  snapshot_recompute {total_s:.1f} s, ru_maxrss {maxrss:.0f} MB, load {load}")
    print(json.dumps({"size": label, "stages": STAGES, "maxrss_mb": maxrss, "total_s": total_s}))


if __name__ == "__main__":
    main()
