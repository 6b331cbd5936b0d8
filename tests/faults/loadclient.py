"""Load client (its own process): POST survey submissions from N concurrent threads.

    python -m tests.faults.loadclient BASE_URL JOBS.json CONCURRENCY

JOBS.json is a list of request bodies for /api/v1/responses/. Each request carries its own
X-Forwarded-For address (the server trusts one proxy), like people behind a load balancer.
Prints one JSON line: {"statuses": {code: count}, "seconds": s, "per_second": r}.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit


def main(base_url: str, jobs_path: str, concurrency: int) -> dict[str, object]:
    with open(jobs_path) as fh:
        jobs = json.load(fh)
    url = urlsplit(base_url)
    lock = threading.Lock()
    statuses: Counter[int] = Counter()
    cursor = iter(range(len(jobs)))

    def run() -> None:
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            ip = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
            body = json.dumps(jobs[i])
            # One connection per request: a kept-alive connection the server closed meanwhile
            # would fail a POST that must not be retried blindly.
            headers = {
                "Content-Type": "application/json",
                "X-Forwarded-For": ip,
                "Connection": "close",
            }
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60)
            try:
                conn.request("POST", "/api/v1/responses/", body, headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                status = 0
            finally:
                conn.close()
            with lock:
                statuses[status] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - started
    return {
        "statuses": {str(k): v for k, v in statuses.items()},
        "seconds": round(took, 1),
        "per_second": round(len(jobs) / took, 1),
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
