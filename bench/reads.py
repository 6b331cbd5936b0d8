"""Read client of `make bench`: one client, one request at a time, per case, in its own process.

Usage: python -m bench.reads SPEC.json --seconds S
SPEC: {"base": URL, "cases": [{"name", "path", "headers"}]}. Each case is warmed with 3
requests (every gunicorn worker fills its per-release cache), then requested for S seconds;
/healthz (no headers) is measured the same way between cases, so each case has a floor taken
right next to it. Prints one JSON object: name → {"median_ms", "p99_ms", "requests",
"statuses", "bytes", "floor_ms"}.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import time
import urllib.parse
from typing import Any


def _timed(
    conn: http.client.HTTPConnection, path: str, headers: dict[str, str]
) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers)
    resp = conn.getresponse()
    body = resp.read()
    return time.perf_counter() - t0, resp.status, len(body)


def measure(base: str, path: str, headers: dict[str, str], seconds: float) -> dict[str, Any]:
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname or "127.0.0.1", u.port, timeout=120)
    for _ in range(3):  # warm: 2 workers, each fills its own cache
        _timed(conn, path, headers)
    lat: list[float] = []
    statuses: dict[str, int] = {}
    size = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(lat) < 5:
        dt, status, size = _timed(conn, path, headers)
        lat.append(dt)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    conn.close()
    lat.sort()
    return {
        "median_ms": statistics.median(lat) * 1000,
        "p99_ms": lat[min(len(lat) - 1, int(0.99 * len(lat)))] * 1000,
        "requests": len(lat),
        "statuses": statuses,
        "bytes": size,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("spec")
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    with open(a.spec) as fh:
        spec = json.load(fh)
    out: dict[str, Any] = {}
    for case in spec["cases"]:
        floor = measure(spec["base"], "/healthz", {}, min(1.0, a.seconds / 2))
        got = measure(spec["base"], case["path"], case.get("headers", {}), a.seconds)
        got["floor_ms"] = floor["median_ms"]
        out[case["name"]] = got
    print(json.dumps(out))


if __name__ == "__main__":
    main()
