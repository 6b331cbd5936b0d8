"""gunicorn settings sized for 2 cores: `gunicorn -c python:trustos.gunicorn_conf trustos.wsgi`.

One worker process per core (WEB_CONCURRENCY, default: the cores seen, at least 2): Python
runs one thread at a time per process, so more processes than cores only add switching.
Threads per worker (GUNICORN_THREADS, default 4) cover the waits — the database, SQLite's
single write lock, the broker — not CPU. On SQLite, survey writes of all threads and workers
take turns on one advisory lock (surveys/services/writer.py), so more processes do not make
them poll SQLite's lock.

So the server is sized for workers × threads = 8 requests in flight on 2 cores: that is the
concurrency its p99 is judged at; more clients wait in the listen backlog. Measured with
`python -m bench.web --teams "" --seconds 3 --threads T` on 2026-11-30, 17:39-17:42 UTC,
alternating 8 and 4 threads on the quiet 2-core box (BENCHMARKS.md, "Issue 15 closed out"):
at their sized concurrency p99 was 45-53 ms with 8 threads (16 in flight) and 22-29 ms with
4 (8 in flight); at 50 clients submissions ran at 622-721 req/s with 8 threads and 708-882
with 4, p99 126-264 ms and 90-110 ms. Fewer threads queue requests in the kernel instead of
in the GIL, where a thread holding the survey writers' turn waited behind the others' Python.
Python's GIL switch interval stays at its 5 ms default: 1 ms and 0.5 ms (sys.setswitchinterval
in post_fork) did not lower p99 consistently (h-sub3, the same day, at load 3-11).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, os.cpu_count() or 2)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A request is never long (reads are served from what a release prepared, writes are one
# short transaction); a worker stuck longer than this is restarted.
timeout = 30
keepalive = 5
