"""Small typed helpers that turn environment variables into settings values.

Kept apart from settings.py so the switching logic (SQLite vs PostgreSQL, embedded
broker vs Redis) can be unit-tested without reloading Django settings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ

# How long a SQLite writer waits for another's write lock before "database is locked".
# Every write transaction is short (a recompute computes outside it and swaps its rows in
# with one short write: scoring/services.py), so a few seconds is ample; a wait that long
# means something holds the lock it should not, and failing says so.
SQLITE_BUSY_TIMEOUT_S = 5.0


def database_config(
    url: str | None, *, base_dir: Path, busy_timeout: float = SQLITE_BUSY_TIMEOUT_S
) -> dict[str, Any]:
    """Return the DATABASES['default'] dict for a DATABASE_URL, SQLite when unset."""
    if not url:
        return {
            "ENGINE": "trustos.sqlite3",  # Django's, plus creating var/ on connect
            "NAME": str(base_dir / "var" / "trustos.sqlite3"),
            # The web server, the worker and beat share one SQLite file: WAL lets readers
            # run beside a writer (a read never waits for a write, nor a write for a read),
            # IMMEDIATE transactions take the write lock up front so two processes never
            # deadlock upgrading a read lock, and the busy timeout waits for the lock
            # instead of failing at once with "database is locked".
            "OPTIONS": {
                "timeout": busy_timeout,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Persistent connections: no open + PRAGMAs per request (health-checked on reuse).
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "TEST": {"NAME": None},
        }
    cfg = environ.Env.db_url_config(url)
    if cfg["ENGINE"] == "django.db.backends.postgresql":
        cfg.setdefault("CONN_MAX_AGE", 60)
        cfg.setdefault("CONN_HEALTH_CHECKS", True)
    return cfg


def broker_config(url: str | None, *, base_dir: Path) -> tuple[str, dict[str, Any]]:
    """Return (broker_url, broker_transport_options); an on-disk broker when unset.

    The embedded default is kombu's filesystem transport: no server, works across the
    web, worker and beat processes, and survives restarts (messages are files). Its folders
    are not created here (settings import without side effects): `broker_folders_create`
    makes them when a process first publishes or consumes (see trustos/celery.py).
    """
    if url:
        return url, {}
    root = base_dir / "var" / "broker"
    return "filesystem://", {
        "data_folder_in": str(root / "out"),
        "data_folder_out": str(root / "out"),
        "processed_folder": str(root / "processed"),
        "control_folder": str(root / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }


BROKER_FOLDER_OPTIONS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def broker_folders_create(options: dict[str, Any]) -> list[Path]:
    """Create the embedded broker's folders named in `options` (idempotent); return them.

    kombu's filesystem transport expects them to exist; with Redis the options are empty
    and nothing is created.
    """
    folders = sorted({Path(options[key]) for key in BROKER_FOLDER_OPTIONS if options.get(key)})
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders
