"""Load client for `make bench`: N threads with http.client in their own process, JSON out.

Usage: python -m bench.load URL --clients N --seconds S [--post FILE] [--token T]
GET URL repeatedly; with --post, POST each line of FILE (JSON bodies, one per request, never
reused: a survey token answers once). Each request carries its own X-Forwarded-For address.
Prints {"requests", "seconds", "rps", "p50_ms", "p99_ms", "errors", "statuses"}.
"""

from __future__ import annotations

import argparse
import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from typing import Any


def run(
    url: str, clients: int, seconds: float, bodies: list[bytes] | None, token: str | None
) -> dict[str, Any]:
    u = urllib.parse.urlsplit(url)
    host = u.hostname or "127.0.0.1"
    path = u.path + (f"?{u.query}" if u.query else "")
    lock = threading.Lock()
    lat: list[float] = []
    statuses: Counter[int] = Counter()
    errors: list[str] = []
    counter = iter(range(10**9))
    start = time.perf_counter()
    deadline = start + seconds

    def worker() -> None:
        conn = http.client.HTTPConnection(host, u.port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                i = next(counter)
            if bodies is not None and i >= len(bodies):
                return
            headers = {"X-Forwarded-For": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"}
            if token:
                headers["Authorization"] = f"Token {token}"
            body = None
            if bodies is not None:
                body = bodies[i]
                headers["Content-Type"] = "application/json"
            t0 = time.perf_counter()
            try:
                conn.request("POST" if body else "GET", path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, u.port, timeout=60)
                with lock:
                    errors.append(repr(exc))
                continue
            dt = time.perf_counter() - t0
            with lock:
                lat.append(dt)
                statuses[status] += 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    lat.sort()

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    ok = sum(n for s, n in statuses.items() if s < 400)
    return {
        "requests": len(lat),
        "ok": ok,
        "seconds": elapsed,
        "rps": ok / elapsed if elapsed else 0.0,
        "p50_ms": pct(0.50),
        "p99_ms": pct(0.99),
        "errors": len(errors),
        "statuses": dict(statuses),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("url")
    ap.add_argument("--clients", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--post", help="file of JSON bodies, one per line")
    ap.add_argument("--skip", type=int, default=0, help="start at this line of --post")
    ap.add_argument("--token")
    a = ap.parse_args()
    bodies = None
    if a.post:
        with open(a.post, "rb") as fh:
            bodies = [line.rstrip(b"\n") for line in fh][a.skip :]
    print(json.dumps(run(a.url, a.clients, a.seconds, bodies, a.token)))


if __name__ == "__main__":
    main()
