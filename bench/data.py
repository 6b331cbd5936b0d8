"""Benchmark data in a real database: a migrated scratch SQLite file (or DATABASE_URL), an
org with a team tree, closed monthly rounds and N responses × 8 answers inserted in bulk.

Response ids are random UUIDs and periods dates, exactly as production stores them.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
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


SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}  # responses per bench size


def scratch_dir(prefix: str) -> str:
    """A temporary directory for one bench process, removed when it exits (a 1M run copies
    a 1.4 GB database into it: left behind, a day of runs filled /tmp)."""
    path = tempfile.mkdtemp(prefix=prefix)
    atexit.register(shutil.rmtree, path, True)
    return path


def bench_teams(n_responses: int) -> int:
    """Teams of the bench org of a size: 500 at 1M, else one per 2,000 responses (20 at least)."""
    return 500 if n_responses >= 1_000_000 else max(20, n_responses // 2000)


def bench_org(label: str, prefix: str) -> tuple[Any, float]:
    """Set this process up on a scratch SQLite file of its own (or the DATABASE_URL database)
    holding the bench org of a size (10k, 100k, 1M responses), built or copied from
    var/bench/: (org, seconds the build or copy took)."""
    n = SIZES[label]
    n_teams = bench_teams(n)
    db_path = os.path.join(scratch_dir(prefix), "db.sqlite3")
    django_setup(db_path)
    t0 = time.perf_counter()
    org = cached_org(db_path=db_path, slug=f"bench-{label}", n_teams=n_teams, n_responses=n)
    return org, time.perf_counter() - t0


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


def _data_digest() -> str:
    """What a built database depends on: the migrations (TEMPLATE) and this generator."""
    import hashlib
    import inspect

    from bench.__main__ import team_tree

    digest = hashlib.sha256(TEMPLATE.encode())
    with open(os.path.join(ROOT, "bench/data.py"), "rb") as fh:
        digest.update(fh.read())
    # Only the tree generator of bench/__main__.py shapes the data: editing the report
    # lines there must not throw away a 1M database that takes minutes to build.
    digest.update(inspect.getsource(team_tree).encode())
    return digest.hexdigest()[:12]


def cached_org(*, db_path: str | None, slug: str, n_teams: int, n_responses: int) -> Any:
    """`build_org`, or on SQLite a copy of the database it built in an earlier run.

    The built SQLite file is kept under var/bench/ (named by the migrations and the
    generator's source), so `make bench-quick` measures instead of re-inserting the same
    rows; PostgreSQL (DATABASE_URL) always builds (COPY).
    """
    from django.db import connections

    from orgs.models import Organization

    if os.environ.get("DATABASE_URL") or not db_path:
        return build_org(slug=slug, n_teams=n_teams, n_responses=n_responses)
    cache = os.path.join(
        os.path.dirname(TEMPLATE), f"data-{slug}-{n_responses}-{_data_digest()}.sqlite3"
    )
    connections.close_all()  # the last connection closed checkpoints the WAL into the file
    if os.path.exists(cache):
        for suffix in ("-wal", "-shm"):
            if os.path.exists(db_path + suffix):
                os.remove(db_path + suffix)
        shutil.copyfile(cache, db_path)
        return Organization.objects.get(slug=slug)
    org = build_org(slug=slug, n_teams=n_teams, n_responses=n_responses)
    connections.close_all()
    shutil.copyfile(db_path, cache + ".tmp")
    os.replace(cache + ".tmp", cache)
    return org


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
    round_of = np.array([r.pk for r in rounds], dtype=np.int64)
    period_text = np.array([month(p).isoformat() for p in range(N_PERIODS)], dtype=object)
    item_col = np.array(item_ids, dtype=np.int64)
    if not pg:
        # Random UUID keys land all over the primary-key B-trees: with SQLite's default 2 MB
        # page cache every insert re-reads pages from the OS (27 s for 100k responses).
        with connection.cursor() as cur:
            cur.execute("PRAGMA cache_size = -524288")  # 512 MB, this scratch connection only
    chunk = 100_000
    for lo in range(0, n_responses, chunk):
        hi = min(n_responses, lo + chunk)
        m = hi - lo
        # Random 128-bit ids from the seeded generator (as random as uuid4, reproducible);
        # SQLite stores Django UUIDs as 32 hex digits, PostgreSQL as uuid.
        raw = rng.bytes(16 * m)
        keys = [raw[16 * j : 16 * j + 16].hex() for j in range(m)]
        if pg:
            keys = [str(uuid.UUID(k)) for k in keys]
        p = period_r[lo:hi]
        resp_cols = [
            keys,
            [org.pk] * m,
            round_of[p].tolist(),
            team_r[lo:hi].tolist(),
            period_text[p].tolist(),
            [day] * m,
            ["{}"] * m,
            [""] * m,
        ]
        v = vals[lo:hi].astype(np.int64).astype(object)
        v[skip[lo:hi]] = None
        ans_cols = [
            np.repeat(np.array(keys, dtype=object), N_ITEMS).tolist(),
            np.tile(item_col, m).tolist(),
            v.reshape(-1).tolist(),
        ]
        resp_sql = (
            f"{resp_t} (id, organization_id, round_id, team_id, period, submitted_on, "
            "attributes, comment)"
        )
        ans_sql = f"{ans_t} (response_id, item_id, value)"
        with transaction.atomic(), connection.cursor() as cur:
            for table, cols in ((resp_sql, resp_cols), (ans_sql, ans_cols)):
                rows = zip(*cols, strict=True)
                if pg:  # COPY: the bulk path of PostgreSQL (executemany is a round trip per row)
                    with cur.cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(cols))
                    cur.executemany(f"INSERT INTO {table} VALUES ({marks})", list(rows))
    if pg:  # fresh statistics after the bulk COPY, as autovacuum would give production
        with connection.cursor() as cur:
            cur.execute(f"ANALYZE {resp_t}")
            cur.execute(f"ANALYZE {ans_t}")
    return org
