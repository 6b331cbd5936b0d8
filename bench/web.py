"""HTTP cases of `make bench`: survey submissions and results reads vs /healthz, all on the
same gunicorn in the same run; the load client (`bench.load`) runs in its own processes.

python -m bench.web [--seconds S] [--read-seconds R] [--teams 20,50,500] [--workers W]
                    [--threads T] [--reads-only] [--repeat N]
Prints one JSON line: {"healthz": {clients: stats}, "submit": {...}, "reads": {...}, ...}.
`--reads-only` skips the submissions; `--repeat N` runs every read case N times (each time
next to its own /healthz floor) and adds "reads_summary": teams → case → the median of the
N medians and of the N ratios to the floor.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from typing import Any

from bench.data import ROOT, TEMPLATE, build_org, django_setup, scratch_dir
from trustos import gunicorn_conf

# The curve up to 50 clients, plus the requests in flight the server is sized for (workers x
# threads, trustos/gunicorn_conf.py), where p99 is judged.
CLIENTS = (1, 10, 50)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load(url: str, clients: int, seconds: float, **extra: Any) -> dict[str, Any]:
    """Run the load client in its own process; `procs` > 1 splits the clients over processes."""
    procs = int(extra.pop("procs", 1))
    args = [sys.executable, "-m", "bench.load", url, "--seconds", str(seconds)]
    for k, v in extra.items():
        args += [f"--{k}", str(v)]
    runs = [
        subprocess.Popen(
            [*args, "--clients", str(clients // procs)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        for _ in range(procs)
    ]
    outs = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in runs]
    if procs == 1:
        return outs[0]
    return {
        "rps": sum(o["rps"] for o in outs),
        "p50_ms": max(o["p50_ms"] for o in outs),
        "p99_ms": max(o["p99_ms"] for o in outs),
        "requests": sum(o["requests"] for o in outs),
        "errors": sum(o["errors"] for o in outs),
        "statuses": outs[0]["statuses"],
    }


def build_submissions(tmp: str, n: int) -> str:
    """An open round with `n` invitations; their submission bodies, one JSON per line."""
    from orgs.models import Organization, Person, Team
    from surveys.links import PULSE_LINK
    from surveys.models import Invitation
    from surveys.selectors_forms import round_form
    from surveys.services.dispatch import invitations_create
    from surveys.services.rounds import round_create

    org = Organization.objects.create(name="Submit", slug="submit")
    teams = [Team.objects.create(organization=org, name=f"T{i}") for i in range(20)]
    Person.objects.bulk_create(
        Person(organization=org, name=f"P{i}", email=f"p{i}@example.com", team=teams[i % 20])
        for i in range(n)
    )
    rnd = round_create(organization=org, teams=teams)
    invitations_create(round=rnd)
    keys = [it.key for it in round_form(round=rnd, form_index=0)]
    path = os.path.join(tmp, "bodies.jsonl")
    with open(path, "w") as fh:
        for inv in Invitation.objects.filter(round=rnd).order_by("?"):
            body = {"token": PULSE_LINK.token(inv), "answers": dict.fromkeys(keys, 4), "form": 0}
            fh.write(json.dumps(body) + "\n")
    return path


READ_RESPONSES_PER_CELL = 8  # responses per (team, period): most cells shown at k = 5


def _people_counts(org_id: int) -> None:
    """The period's respondent counts (k counts people) for the bulk-inserted responses, one
    person per response, in two INSERT … SELECT statements: without them every cell of the
    release is hidden ("nobody answered") and a read serves only reasons."""
    from django.db import connection

    from surveys.models import PeriodRespondentCount, Response

    counts, resp = PeriodRespondentCount._meta.db_table, Response._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {counts} (organization_id, team_id, period, people) "
            f"SELECT organization_id, team_id, period, COUNT(*) FROM {resp} "
            "WHERE organization_id = %s GROUP BY organization_id, team_id, period",
            [org_id],
        )
        cur.execute(
            f"INSERT INTO {counts} (organization_id, team_id, period, people) "
            f"SELECT organization_id, NULL, period, COUNT(*) FROM {resp} "
            "WHERE organization_id = %s GROUP BY organization_id, period",
            [org_id],
        )


def _session_cookie(user: Any) -> str:
    """A logged-in session of `user` (database sessions: the gunicorn workers read it)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def build_reads(n_teams: int) -> list[dict[str, Any]]:
    """An org of `n_teams` × 12 published periods; the read cases: the results API (a page,
    one team), the results page of one team, the overview and heatmap as the org admin and
    as the leader of one department (its teams and sub-teams)."""
    from django.contrib.auth import get_user_model

    from orgs.models import Membership, Role, Team
    from orgs.services_access import api_token_create
    from scoring.services import snapshot_recompute

    org = build_org(
        slug=f"reads-{n_teams}",
        n_teams=n_teams,
        n_responses=n_teams * 12 * READ_RESPONSES_PER_CELL,
    )
    _people_counts(org.pk)
    snapshot_recompute(org_id=org.pk)
    users = get_user_model().objects
    admin = users.create_user(username=f"admin{n_teams}", password="x" * 20)
    Membership.objects.create(user=admin, organization=org, role=Role.ADMIN)
    _token, key = api_token_create(
        organization=org, user=admin, name="bench", scope="read", days=30
    )
    dept = Team.objects.filter(organization=org, parent__isnull=True).order_by("pk").first()
    assert dept is not None
    leaf = Team.objects.filter(organization=org, parent=dept).order_by("pk").first() or dept
    leader = users.create_user(username=f"leader{n_teams}", password="x" * 20)
    Membership.objects.create(user=leader, organization=org, role=Role.LEADER).teams.set([dept])
    token = {"Authorization": f"Token {key}"}
    as_admin = {"Cookie": _session_cookie(admin)}
    as_leader = {"Cookie": _session_cookie(leader)}
    return [
        {"name": "results API, first page", "path": "/api/v1/results/", "headers": token},
        {
            "name": "results API, one team",
            "path": f"/api/v1/results/?team={leaf.pk}",
            "headers": token,
        },
        {
            "name": "results page, one team",
            "path": f"/results/?team={leaf.pk}",
            "headers": as_admin,
        },
        {"name": "overview, admin (org)", "path": "/dashboard/", "headers": as_admin},
        {"name": "overview, dept leader", "path": "/dashboard/", "headers": as_leader},
        {"name": "heatmap, admin (org)", "path": "/dashboard/heatmap/", "headers": as_admin},
        {"name": "heatmap, dept leader", "path": "/dashboard/heatmap/", "headers": as_leader},
    ]


def reads(base: str, cases: dict[int, list[dict[str, Any]]], seconds: float, tmp: str) -> Any:
    """Every read case at every size, one client, from `bench.reads` in its own process."""
    out = {}
    for teams, spec in cases.items():
        path = os.path.join(tmp, f"reads-{teams}.json")
        with open(path, "w") as fh:
            json.dump({"base": base, "cases": spec}, fh)
        run = subprocess.run(
            [sys.executable, "-m", "bench.reads", path, "--seconds", str(seconds)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
        out[teams] = json.loads(run.stdout.strip().splitlines()[-1])
    return out


def reads_summary(runs: list[Any]) -> dict[str, Any]:
    """teams → case → median of the runs' medians, floors and ratios (median of N)."""
    out: dict[str, Any] = {}
    for teams, cases in runs[0].items():
        out[teams] = {}
        for name in cases:
            got = [run[teams][name] for run in runs]
            out[teams][name] = {
                "median_ms": statistics.median(g["median_ms"] for g in got),
                "floor_ms": statistics.median(g["floor_ms"] for g in got),
                "ratio": statistics.median(g["median_ms"] / g["floor_ms"] for g in got),
                "bytes": got[-1]["bytes"],
                "statuses": got[-1]["statuses"],
            }
    return out


def web_cache(teams: list[int]) -> str | None:
    """Where the built web database is kept (SQLite only), named by every source file the
    stored rows depend on: migrations, the apps' code (a release's stored shape) and bench."""
    if os.environ.get("DATABASE_URL"):
        return None
    digest = hashlib.sha256(TEMPLATE.encode() + repr(teams).encode())
    for name in sorted(glob.glob(os.path.join(ROOT, "*", "**", "*.py"), recursive=True)):
        rel = os.path.relpath(name, ROOT)
        if rel.startswith((".venv", "tests", "var", "node_modules")):
            continue
        with open(name, "rb") as fh:
            digest.update(rel.encode() + fh.read())
    return os.path.join(os.path.dirname(TEMPLATE), f"web-{digest.hexdigest()[:12]}.sqlite3")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    # bench-quick reads for less time than it loads: one client at ~1-20 ms a request
    # still gets hundreds of samples per second, the submit curve needs the seconds.
    ap.add_argument("--read-seconds", type=float, help="seconds per read case (default --seconds)")
    ap.add_argument("--teams", default="20,50,500")
    # Default: what production runs (trustos/gunicorn_conf.py and its environment).
    ap.add_argument("--workers", type=int, default=gunicorn_conf.workers)
    ap.add_argument("--threads", type=int, default=gunicorn_conf.threads)
    ap.add_argument("--reads-only", action="store_true")
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    tmp = scratch_dir("trustos-bench-web-")
    db = os.path.join(tmp, "db.sqlite3")
    django_setup(db)
    teams = [int(t) for t in a.teams.split(",") if t]
    cache = web_cache(teams)
    from django.db import connections

    connections.close_all()
    if cache and os.path.exists(cache + ".json"):
        # The same submissions and read orgs as an earlier run with the same code: a copy.
        shutil.copyfile(cache, db)
        with open(cache + ".json") as fh:
            saved = json.load(fh)
        bodies = os.path.join(tmp, "bodies.jsonl")
        shutil.copyfile(cache + ".jsonl", bodies)
        cases = {int(t): c for t, c in saved["cases"].items()}
    else:
        bodies = build_submissions(tmp, 20_000)  # 4 client counts x 5 s at ~1,000 req/s
        cases = {t: build_reads(t) for t in teams}
        connections.close_all()  # the WAL checkpointed into the file before it is copied
        if cache:
            shutil.copyfile(db, cache + ".tmp")
            shutil.copyfile(bodies, cache + ".jsonl")
            with open(cache + ".json", "w") as fh:
                json.dump({"cases": cases}, fh)  # sessions live in the copied database
            os.replace(cache + ".tmp", cache)
    port = _free_port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_DB=db,
        TRUSTOS_BROKER_DIR=tmp,
        # Its own page, read-model and session caches: nothing kept from an earlier run.
        CACHE_DIR=os.path.join(tmp, "cache"),
    )
    # The production server config (trustos/gunicorn_conf.py), with this run's sizes.
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(a.workers),
        GUNICORN_THREADS=str(a.threads),
    )
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "-c",
            "python:trustos.gunicorn_conf",
            "trustos.wsgi:application",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {
        "workers": a.workers,
        "threads": a.threads,
        "seconds": a.seconds,
        "read_seconds": a.read_seconds or a.seconds,
    }
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        load(base + "/healthz", 10, 1.0)  # warm every worker
        s = a.seconds
        if not a.reads_only:
            clients = sorted({*CLIENTS, a.workers * a.threads})
            out["sized"] = a.workers * a.threads
            out["healthz"] = {c: load(base + "/healthz", c, s) for c in clients}
            out["healthz_50_two_procs"] = load(base + "/healthz", 50, s, procs=2)
            out["submit"] = {}
            used = 0
            for c in clients:
                r = load(base + "/api/v1/responses/", c, s, post=bodies, skip=used)
                used += r["requests"] + r["errors"]
                out["submit"][c] = r
        rs = a.read_seconds or s
        runs = [reads(base, cases, rs, tmp) for _ in range(max(1, a.repeat))]
        out["reads"] = runs[0]
        if len(runs) > 1:
            out["reads_runs"] = runs
            out["reads_summary"] = reads_summary(runs)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
