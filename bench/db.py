"""Recompute through the database vs a plain SQL read + groupby of the same rows (one size).

Run by `python -m bench` in its own process: python -m bench.db SIZE RUNS [--old].
Times (median of RUNS, after one warm-up of each when RUNS > 1):
- floor: one plain SQL SELECT of the org's answer rows joined to their responses (what any
  reader must fetch), into a DataFrame, then groupby(team, period, item).mean();
- load: the adapter's answer load (`scoring.adapter.answer_columns`);
- scores: `org_scores` (load + engine, on what the adapter produces: production's path);
- recompute: `snapshot_recompute` end to end (scores + writing the snapshot rows);
- load_old (--old): the adapter's load before this change (ORM, UUID/date objects, UUID sort);
- during (--during): survey answers submitted from another thread (`response_submit`, its own
  connection) while one more `snapshot_recompute` runs: how many went through, errors, and
  their latency — on the embedded default an answer must wait only for the short swap.
  `--during-only` skips the timed cases (`make bench-during`: at 1M responses).
Prints one JSON line.
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from bench.data import SIZES, bench_org, bench_teams


def _median(fn: Callable[[], Any], runs: int) -> float:
    if runs > 1:  # warm-up (caches, imports, the database's pages); bench-quick runs once
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def old_answers_frame(round_ids: list[int]) -> pd.DataFrame:
    """The adapter's load before the bulk path (kept here to measure before/after)."""
    from surveys.models import Answer

    parts = []
    for round_id in round_ids:
        rows = list(
            Answer.objects.filter(response__round_id=round_id)
            .order_by("response_id", "item_id")
            .values_list("response_id", "response__team_id", "response__period", "item_id", "value")
        )
        if rows:
            rid, team, period, item, value = zip(*rows, strict=True)
            parts.append(
                pd.DataFrame(
                    {
                        "response_id": np.array(rid, dtype=object),
                        "team_id": np.array(team, dtype=np.int64),
                        "period": np.array(period, dtype=object),
                        "item_id": np.array(item, dtype=np.int64),
                        "value": np.array(value, dtype=np.float64),
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def submit_during(org: Any) -> dict[str, Any]:
    """Answers submitted every 0.2 s from one thread while another thread recomputes."""
    import threading

    from django.db import connections

    from orgs.models import Person, Team
    from scoring.services import snapshot_recompute
    from surveys.links import PULSE_LINK
    from surveys.models import Invitation, PendingResponse, Response
    from surveys.selectors_forms import round_form
    from surveys.services.dispatch import invitations_create
    from surveys.services.responses import response_submit
    from surveys.services.rounds import round_create

    team = Team.objects.filter(organization=org).order_by("id").last()
    Person.objects.bulk_create(
        Person(organization=org, name=f"D{i}", email=f"d{i}@example.com", team=team)
        for i in range(2000)
    )
    rnd = round_create(organization=org, teams=[team])
    invitations_create(round=rnd)
    keys = [it.key for it in round_form(round=rnd, form_index=0)]
    tokens = [PULSE_LINK.token(inv) for inv in Invitation.objects.filter(round=rnd)]
    connections.close_all()
    done = threading.Event()
    errors: list[str] = []
    latencies: list[float] = []
    recompute_s: list[float] = []

    def recompute() -> None:
        try:
            t0 = time.perf_counter()
            snapshot_recompute(org_id=org.pk)
            recompute_s.append(time.perf_counter() - t0)
        except Exception as exc:  # reported, never hidden
            errors.append(f"recompute: {exc!r}")
        finally:
            done.set()
            connections.close_all()

    def submit() -> None:
        try:
            for token in tokens:  # one answer every 20 ms until the recompute is done
                t0 = time.perf_counter()
                try:
                    response_submit(token=token, answers=dict.fromkeys(keys, 4), form=0)
                except Exception as exc:
                    errors.append(f"submit: {exc!r}")
                latencies.append(time.perf_counter() - t0)
                if done.is_set():
                    break
                # 2,000 tokens at one per 0.2 s cover ~7 minutes, the swap at the end of a
                # 1M recompute included (at 0.02 s they ran out after the first minute).
                time.sleep(0.2)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=recompute), threading.Thread(target=submit)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = PendingResponse.objects.filter(round=rnd).count()
    stored += Response.objects.filter(round=rnd).count()
    lat = sorted(latencies) or [0.0]
    return {
        "submitted": len(latencies),
        "stored": stored,
        "errors": errors[:5],
        "n_errors": len(errors),
        "p50_ms": lat[len(lat) // 2] * 1000,
        "max_ms": lat[-1] * 1000,
        "recompute_s": recompute_s[0] if recompute_s else None,
    }


def main() -> None:
    label, runs, old = sys.argv[1], int(sys.argv[2]), "--old" in sys.argv
    during, during_only = "--during" in sys.argv, "--during-only" in sys.argv
    n, n_teams = SIZES[label], bench_teams(SIZES[label])
    org, build_s = bench_org(label, "trustos-bench-")
    from django.db import connection

    from scoring.adapter import answer_columns, org_scores
    from scoring.services import snapshot_recompute
    from surveys.models import Answer, PulseRound, Response

    round_ids = list(PulseRound.objects.filter(organization=org).values_list("id", flat=True))
    resp_t, ans_t = Response._meta.db_table, Answer._meta.db_table
    marks = ", ".join(["%s"] * len(round_ids))
    sql = (
        f"SELECT a.response_id, r.team_id, r.period, a.item_id, a.value FROM {ans_t} a "
        f"JOIN {resp_t} r ON r.id = a.response_id WHERE r.round_id IN ({marks})"
    )

    def floor() -> Any:
        with connection.cursor() as cur:
            cur.execute(sql, round_ids)
            rows = cur.fetchall()
        frame = pd.DataFrame(rows, columns=["response_id", "team_id", "period", "item_id", "value"])
        return frame.groupby(["team_id", "period", "item_id"])["value"].mean()

    out: dict[str, Any] = {"size": label, "responses": n, "teams": n_teams, "build_s": build_s}
    out["vendor"] = connection.vendor
    with connection.cursor() as cur:  # pages into the cache, so no case pays the cold read
        cur.execute(f"SELECT count(*), sum(a.value) FROM {ans_t} a")
        cur.execute(f"SELECT count(*), max(r.period) FROM {resp_t} r")
    if not during_only:
        out["load_s"] = _median(lambda: answer_columns(round_ids=round_ids), runs)
        out["scores_s"] = _median(lambda: org_scores(org=org), runs)
        out["recompute_s"] = _median(lambda: snapshot_recompute(org_id=org.pk), runs)
    if during or during_only:
        out["during"] = submit_during(org)
    # The production path's peak, before the floor's fetchall (a tuple per row) and the old
    # ORM load, which need more memory than anything they are compared with.
    out["recompute_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if not during_only:
        out["floor_s"] = _median(floor, runs)
        if old:
            out["load_old_s"] = _median(lambda: old_answers_frame(round_ids), 1)
    out["process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main()
