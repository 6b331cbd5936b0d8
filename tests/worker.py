"""A real Celery worker process for tests that must not run tasks eagerly.

It shares the test database (a file for SQLite, the test database for PostgreSQL) and
the broker of the run: Redis in the services run, a private on-disk broker folder
otherwise, so a developer's `make run` worker never steals the test's messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection
from kombu import pools as kombu_pools

from trustos.celery import app as celery_app
from trustos.envconfig import broker_config

BASE = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        name = str(db["NAME"])
        if "memory" in name:
            raise RuntimeError("a real worker needs a file-based SQLite test database")
        return f"sqlite:///{name}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@contextmanager
def real_worker() -> Iterator[Callable[[Callable[[], bool], float], bool]]:
    """Start a worker; yield wait_for(condition, timeout) -> bool; stop the worker after."""
    broker_dir = tempfile.mkdtemp(prefix="trustos-broker-")
    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        url, options = broker_config(None, base_dir=Path(broker_dir))
        env_broker = ""
    else:
        url, options = settings.CELERY_BROKER_URL, {}
        env_broker = url
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trustos.settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": env_broker,
        "TRUSTOS_BROKER_DIR": broker_dir,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    saved = (
        celery_app.conf.broker_url,
        celery_app.conf.broker_transport_options,
        celery_app.conf.task_always_eager,
    )
    celery_app.conf.broker_url = url
    celery_app.conf.broker_transport_options = options
    celery_app.conf.task_always_eager = False
    celery_app.pool.force_close_all()
    log = open(Path(broker_dir) / "worker.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "trustos",
            "worker",
            "-P",
            "solo",
            "-l",
            "INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=BASE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            if proc.poll() is not None:
                break
            time.sleep(0.25)
        return condition()

    try:
        yield wait_for
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.seek(0)
        output = log.read()
        log.close()
        (
            celery_app.conf.broker_url,
            celery_app.conf.broker_transport_options,
            celery_app.conf.task_always_eager,
        ) = saved
        # force_close_all leaves kombu holding closed pools; reset them so later .delay()
        # calls in this process (eager or not) get a working producer.
        celery_app.pool.force_close_all()
        kombu_pools.reset()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        if os.environ.get("TRUSTOS_SHOW_WORKER_LOG"):
            print(output)
        subprocess.run(["rm", "-rf", broker_dir], check=False)
