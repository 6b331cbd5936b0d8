"""gunicorn settings sized for 2 cores: `gunicorn -c python:trustos.gunicorn_conf trustos.wsgi`.

One worker process per core (WEB_CONCURRENCY, default: the cores seen, at least 2): Python
runs one thread at a time per process, so more processes than cores only add switching.
Threads per worker (GUNICORN_THREADS, default 8) cover the waits — the database, SQLite's
single write lock, the broker — not CPU. On SQLite, survey writes of all threads and workers
take turns on one advisory lock (surveys/services/writer.py), so more processes do not make
them poll SQLite's lock. Measured with `make bench` (BENCHMARKS.md, "Writes and recompute —
2026-11-30"): 2 workers × 8 threads on the 2-core machine.

So the server is sized for 16 requests in flight (2 × 8): that is the concurrency its p99 is
judged at; more clients queue for a thread. Python's GIL switch interval stays at its 5 ms
default: 1 ms (sys.setswitchinterval in post_fork), 4 and 16 threads were measured on
2026-11-30 (h-sub3, a 2-core box at load 3-11) and none lowered p99 at 16 clients
consistently (5 ms: 78-119 ms over 4 runs; 1 ms: 96-134 ms; 4 threads: 40-101 ms; 16:
50 ms once), so nothing is set.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, os.cpu_count() or 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A request is never long (reads are served from what a release prepared, writes are one
# short transaction); a worker stuck longer than this is restarted.
timeout = 30
keepalive = 5
