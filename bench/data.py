"""Benchmark data in a real database: a migrated scratch SQLite file (or DATABASE_URL), an
org with a team tree, closed monthly rounds and N responses × 8 answers inserted in bulk.

Response ids are random UUIDs and periods dates, exactly as production stores them.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import uuid
from typing import Any

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _template_path() -> str:
    """The migrated template, named by the migration files it was made from."""
    import glob
    import hashlib

    names = sorted(glob.glob(os.path.join(ROOT, "*", "migrations", "[0-9]*.py")))
    digest = hashlib.sha256()
    for name in names:
        with open(name, "rb") as fh:
            digest.update(name.encode() + fh.read())
    return os.path.join(ROOT, "var", "bench", f"template-{digest.hexdigest()[:12]}.sqlite3")


TEMPLATE = _template_path()
N_PERIODS = 12
N_ITEMS = 8


def django_setup(db_path: str | None) -> None:
    """Point a fresh process at `db_path` (a copy of a migrated template) and set Django up."""
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if db_path and not os.environ.get("DATABASE_URL"):
        os.environ["BENCH_DB"] = db_path
        if not os.path.exists(TEMPLATE):
            _migrate_template()
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
        shutil.copyfile(TEMPLATE, db_path)
    import django

    django.setup()
    if os.environ.get("DATABASE_URL"):
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _migrate_template() -> None:
    """Migrate an empty database once; every bench database starts as a copy of it."""
    import subprocess

    os.makedirs(os.path.dirname(TEMPLATE), exist_ok=True)
    env = dict(os.environ, BENCH_DB=TEMPLATE + ".tmp", DJANGO_SETTINGS_MODULE="bench.settings")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    con_path = TEMPLATE + ".tmp"
    import sqlite3

    con = sqlite3.connect(con_path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    os.replace(con_path, TEMPLATE)


def month(i: int) -> dt.date:
    return dt.date(2025 + i // 12, 1 + i % 12, 1)


def build_org(
    *, slug: str, n_teams: int, n_responses: int, seed: int = 20261130, close: bool = True
) -> Any:
    """An org with `n_teams` teams (3 levels), 12 closed monthly rounds and the answers."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.__main__ import team_tree
    from orgs.models import Organization, Team
    from surveys.models import Answer, Item, PulseRound, Response, RoundStatus
    from surveys.selectors import rubric_active

    rng = np.random.default_rng(seed)
    org = Organization.objects.create(name=slug, slug=slug)
    parent = team_tree(n_teams)
    ids: dict[int, int] = {}
    for t in sorted(parent):  # parents are created before their children (lower numbers)
        p = parent[t]
        ids[t] = Team.objects.create(
            organization=org, name=f"Team {t}", parent_id=ids.get(p) if p else None
        ).pk
    rubric = rubric_active(organization=org)
    items = list(Item.objects.filter(rubric=rubric).order_by("dimension__position", "position"))
    # Two items of each of the first dimensions: every dimension scored.
    by_dim: dict[int, list[int]] = {}
    for it in items:
        by_dim.setdefault(it.dimension_id, []).append(it.pk)
    item_ids = [i for dim in by_dim.values() for i in dim[:2]][:N_ITEMS]
    now = timezone.now()
    rounds = [
        PulseRound.objects.create(
            organization=org,
            rubric=rubric,
            title=f"Pulse {p}",
            period=month(p),
            opens_at=now - dt.timedelta(days=30),
            closes_at=now - dt.timedelta(days=1),
            status=RoundStatus.CLOSED if close else RoundStatus.OPEN,
        )
        for p in range(N_PERIODS)
    ]
    leaf = np.array([ids[t] for t in sorted(parent)], dtype=np.int64)
    team_r = rng.choice(leaf, size=n_responses)
    period_r = rng.integers(0, N_PERIODS, size=n_responses)
    base = rng.normal(3.4, 0.6, size=n_responses)
    vals = np.clip(np.rint(base[:, None] + rng.normal(0, 0.9, (n_responses, N_ITEMS))), 1, 5)
    skip = rng.random((n_responses, N_ITEMS)) < 0.04
    pg = connection.vendor == "postgresql"
    resp_t, ans_t = Response._meta.db_table, Answer._meta.db_table
    day = now.date().isoformat()
    chunk = 50_000
    for lo in range(0, n_responses, chunk):
        hi = min(n_responses, lo + chunk)
        uids = [uuid.uuid4() for _ in range(hi - lo)]
        keys = [str(u) if pg else u.hex for u in uids]
        resp_rows = [
            (
                keys[j],
                org.pk,
                rounds[int(period_r[lo + j])].pk,
                int(team_r[lo + j]),
                month(int(period_r[lo + j])).isoformat(),
                day,
                "{}",
                "",
            )
            for j in range(hi - lo)
        ]
        ans_rows = [
            (keys[j], item_ids[i], None if skip[lo + j, i] else int(vals[lo + j, i]))
            for j in range(hi - lo)
            for i in range(N_ITEMS)
        ]
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {resp_t} (id, organization_id, round_id, team_id, period, "
                "submitted_on, attributes, comment) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                resp_rows,
            )
            cur.executemany(
                f"INSERT INTO {ans_t} (response_id, item_id, value) VALUES (%s, %s, %s)",
                ans_rows,
            )
    return org
