"""`python -m bench.workshops`: 60 phones answering a poll at once while the projector polls,
against the floor of 60 simultaneous `/healthz` requests measured in the same run.

Everything goes through Django's test client (the full middleware stack, CSRF aside) in 60
threads released by one barrier, against a fresh file SQLite database in a temporary
directory (WAL, IMMEDIATE transactions: the `make run` set-up). Each round opens a new poll;
every participant posts once; one more thread fetches the projector fragment every 200 ms
meanwhile. A round must store exactly 60 votes. Then the poll is revealed and the 60 waiting
phones fetch the result fragment at once (what their htmx polling does). Reported: the
median batch wall time of votes, of the revealed-result fetches and of /healthz over the
rounds, the ratio votes/healthz, and per-request p50/p95.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _setup(db_path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustos.test_settings")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = db_path  # before any connection opens
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()
    call_command("migrate", verbosity=0, interactive=False)


def _batch(jobs: list[Callable[[], int]]) -> tuple[float, list[float], list[int]]:
    """Run the jobs in threads released together: batch wall time, per-job times, statuses."""
    from django.db import connections

    barrier = threading.Barrier(len(jobs) + 1)
    times: list[float] = [0.0] * len(jobs)
    codes: list[int] = [0] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        t0 = time.perf_counter()
        try:
            codes[i] = jobs[i]()
        finally:
            times[i] = time.perf_counter() - t0
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, times, codes


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workshops", description=__doc__)
    parser.add_argument("--voters", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    tmp = tempfile.TemporaryDirectory()
    _setup(os.path.join(tmp.name, "bench.sqlite3"))

    from django.contrib.auth import get_user_model
    from django.test import Client

    from orgs.models import Membership, Organization, Role, Team
    from workshops.models import Workshop
    from workshops.models_polls import Vote
    from workshops.services_live import poll_create, poll_set_state, workshop_go_live

    org = Organization.objects.create(name="Bench", slug="bench")
    team = Team.objects.create(organization=org, name="Room")

    fac = get_user_model().objects.create(username="bench-fac")
    Membership.objects.create(user=fac, organization=org, role=Role.FACILITATOR).teams.set([team])
    ws = workshop_go_live(
        workshop=Workshop.objects.create(organization=org, team=team, facilitator=fac, title="B")
    )
    live_url = f"/w/{ws.join_code}/"
    phones = [Client() for _ in range(args.voters)]
    for phone in phones:  # each phone joins once: its signed participant cookie
        assert phone.get(live_url).status_code == 200
    projector = Client()
    projector.force_login(fac)
    fragment = f"/workshops/{ws.pk}/projector/live"
    health = [Client() for _ in range(args.voters)]

    vote_walls, health_walls, vote_times, health_times, polls_seen = [], [], [], [], []
    result_walls: list[float] = []
    result_times: list[float] = []
    for rnd in range(args.rounds + 1):  # round 0 warms up
        poll = poll_create(workshop=ws, kind="agree", question=f"Round {rnd}?", options=[])
        poll_set_state(poll=poll, action="open")
        vote_url = f"/w/{ws.join_code}/polls/{poll.pk}/vote"
        stop = threading.Event()
        projector_hits: list[int] = []

        def poll_projector(stop: threading.Event = stop, hits: list[int] = projector_hits) -> None:
            from django.db import connections

            while not stop.is_set():
                hits.append(projector.get(fragment).status_code)
                time.sleep(0.2)
            connections.close_all()

        watcher = threading.Thread(target=poll_projector)
        watcher.start()
        wall, times, codes = _batch(
            [
                (lambda c=c, v=i % 5 + 1, u=vote_url: c.post(u, {"value": str(v)}).status_code)
                for i, c in enumerate(phones)
            ]
        )
        stop.set()
        watcher.join()
        stored = Vote.objects.filter(poll=poll).count()
        assert codes == [302] * args.voters, codes
        assert stored == args.voters, f"round {rnd}: {stored} votes stored, not {args.voters}"
        assert set(projector_hits) == {200}, projector_hits
        poll_set_state(poll=poll, action="reveal")
        results_url = f"/w/{ws.join_code}/results"
        r_wall, r_times, r_codes = _batch(
            [(lambda c=c, u=results_url: c.get(u).status_code) for c in phones]
        )
        assert r_codes == [200] * args.voters, r_codes
        assert b"ws-results" in phones[0].get(results_url).content
        h_wall, h_times, h_codes = _batch(
            [(lambda c=c: c.get("/healthz").status_code) for c in health]
        )
        assert h_codes == [200] * args.voters, h_codes
        if rnd == 0:
            continue
        vote_walls.append(wall)
        result_walls.append(r_wall)
        result_times += r_times
        health_walls.append(h_wall)
        vote_times += times
        health_times += h_times
        polls_seen.append(len(projector_hits))

    v, h = statistics.median(vote_walls), statistics.median(health_walls)
    print(f"voters={args.voters} rounds={args.rounds} (after one warm-up round)")
    print(
        f"votes   batch median {v:.3f} s · per request p50 {_pct(vote_times, 0.5) * 1000:.0f} ms"
        f" p95 {_pct(vote_times, 0.95) * 1000:.0f} ms · projector fetches/round {polls_seen}"
    )
    r = statistics.median(result_walls)
    print(
        f"results batch median {r:.3f} s · per request p50 {_pct(result_times, 0.5) * 1000:.0f} ms"
        f" p95 {_pct(result_times, 0.95) * 1000:.0f} ms (phones fetching the revealed result)"
    )
    print(
        f"healthz batch median {h:.3f} s · per request p50 {_pct(health_times, 0.5) * 1000:.0f} ms"
        f" p95 {_pct(health_times, 0.95) * 1000:.0f} ms"
    )
    print(f"ratio votes/healthz: {v / h:.2f}  (every round stored exactly {args.voters} votes)")
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
