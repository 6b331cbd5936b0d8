"""Fault-test harness: private Redis / PostgreSQL / Celery worker / gunicorn processes on loopback.

Every process here is the test's own (started and stopped by pid), never the run's shared
PostgreSQL or Redis (scripts/with-services.sh): stopping those would break the tests another
xdist process runs at the same time. The fault tests run only in the services run
(TRUSTOS_SERVICES=1); there a missing binary fails the test under CI instead of skipping it.
"""

from __future__ import annotations

import glob
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from kombu import pools as kombu_pools

from trustos.celery import app as celery_app

BASE = Path(__file__).resolve().parents[2]
SERVICES = os.environ.get("TRUSTOS_SERVICES") == "1"
IN_CI = os.environ.get("CI", "").lower() == "true"

services_only = pytest.mark.skipif(
    not SERVICES,
    reason="fault/load test on real PostgreSQL + Redis: runs in `make test-services` only",
)


def need(what: str, found: str | None) -> str:
    """The path of a binary the test needs: skip without it locally, fail under CI."""
    if found:
        return found
    message = f"{what} not found (apt-get install postgresql redis-server)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def _run_as() -> list[str]:
    # initdb and postgres refuse to run as root: the cluster belongs to the postgres user.
    return ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


# --- Redis -----------------------------------------------------------------------------


class RedisServer:
    """A private redis-server on a free loopback port; stop() and start() it at will."""

    def __init__(self) -> None:
        self.binary = need("redis-server", shutil.which("redis-server"))
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="trustos-redis-")
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                *shlex.split(f"--port {self.port} --dir {self.dir} --bind 127.0.0.1"),
                *shlex.split("--appendonly no --save ''"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(self.answers, 10):
            raise RuntimeError("redis-server did not start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)  # as a crash would: no goodbye
            self.proc.wait(10)
        self.proc = None

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def _reset_producer_pools() -> None:
    # kombu keeps a closed pool under the same key after force_close_all (tests/worker.py).
    celery_app.pool.force_close_all()
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def publishing_to(url: str, options: dict[str, Any] | None = None) -> Iterator[None]:
    """This test process publishes to (and /healthz probes) the broker at `url`."""
    from django.conf import settings

    opts = dict(options if options is not None else settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    # Settings first: changing them reloads the Celery app's view of them.
    with override_settings(CELERY_BROKER_URL=url, CELERY_BROKER_TRANSPORT_OPTIONS=opts):
        saved = (
            celery_app.conf.broker_url,
            celery_app.conf.broker_transport_options,
            celery_app.conf.task_always_eager,
        )
        # Celery reads the CELERY_BROKER_URL environment variable before its own settings.
        saved_env = os.environ.get("CELERY_BROKER_URL")
        os.environ["CELERY_BROKER_URL"] = url
        celery_app.conf.broker_url = url
        celery_app.conf.broker_transport_options = opts
        celery_app.conf.task_always_eager = False
        _reset_producer_pools()
        try:
            assert celery_app.conf.broker_url == url
            yield
        finally:
            (
                celery_app.conf.broker_url,
                celery_app.conf.broker_transport_options,
                celery_app.conf.task_always_eager,
            ) = saved
            if saved_env is None:
                os.environ.pop("CELERY_BROKER_URL", None)
            else:
                os.environ["CELERY_BROKER_URL"] = saved_env
            _reset_producer_pools()


# --- PostgreSQL --------------------------------------------------------------------------


def pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return Path(need("PostgreSQL server binaries", found[-1] if found else None))


def database_url_for_workers() -> str:
    """The URL of this test process's database (what a worker or gunicorn must use)."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    return (
        f"postgres://{user}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


class PostgresCluster:
    """A private PostgreSQL cluster on a free loopback port (initdb'd into a temp folder)."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="trustos-pg-"))
        self.dir.chmod(0o755)
        self.data = self.dir / "data"
        if os.getuid() == 0:
            shutil.chown(self.dir, "postgres")
        subprocess.run(
            [
                *_run_as(),
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                *shlex.split("-U postgres --auth=trust -E UTF8 --locale=C.UTF-8"),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def url(self, name: str = "trustos") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args: str) -> None:
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
            " -c max_connections=100"
        )
        subprocess.run(
            [
                *_run_as(),
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-l",
                str(self.dir / "pg.log"),
                "-o",
                opts,
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("start")

    def restart(self) -> None:
        self._ctl("-m", "fast", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "fast", "stop")

    def copy_database_from(self, source_url: str, name: str = "trustos") -> None:
        """Create database `name` here as a copy (schema and rows) of `source_url`'s database."""
        subprocess.run(
            [
                str(self.bin / "createdb"),
                *shlex.split(f"-h 127.0.0.1 -p {self.port} -U postgres {name}"),
            ],
            check=True,
        )
        dump = subprocess.run(
            [str(self.bin / "pg_dump"), "--no-owner", "--dbname", source_url],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", self.url(name)],
            input=dump.stdout,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


# --- Celery worker, gunicorn ---------------------------------------------------------------


def app_env(*, database_url: str, broker_url: str, **extra: str) -> dict[str, str]:
    """The environment of a worker or web process of this test."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trustos.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(BASE),
        **extra,
    }
    env.pop("TRUSTOS_BROKER_DIR", None)
    return env


class Worker:
    """One real `celery worker -P solo` process (a single process: SIGKILL takes it all)."""

    def __init__(self, env: dict[str, str], name: str) -> None:
        self.log_path = Path(tempfile.mkstemp(prefix=f"trustos-{name}-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                *shlex.split(f"-m celery -A trustos worker -P solo -l INFO -n {name}@%h"),
                *shlex.split("--without-heartbeat --without-mingle --without-gossip"),
            ],
            cwd=BASE,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def _log_text(self) -> str:
        self.log.flush()
        return self.log_path.read_text()

    def ready(self) -> bool:
        return " ready." in self._log_text()

    def received(self, task_name: str) -> bool:
        return f"Task {task_name}[" in self._log_text()

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no message handed back; the broker must notice."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        output = self.log_path.read_text()
        self.log_path.unlink(missing_ok=True)
        if os.environ.get("TRUSTOS_SHOW_WORKER_LOG"):
            print(output)
        return output


class Gunicorn:
    """gunicorn serving trustos.wsgi on a free loopback port."""

    def __init__(self, env: dict[str, str], workers: int = 4, threads: int = 1) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(tempfile.mkstemp(prefix="trustos-gunicorn-", suffix=".log")[1])
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                *shlex.split(f"-m gunicorn trustos.wsgi -b 127.0.0.1:{self.port} -w {workers}"),
                *shlex.split(f"--threads {threads} --timeout 60 --access-logfile -"),
            ],
            cwd=BASE,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        if not wait_until(self._serving, 30, 0.3):
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.log_path.read_text()[-3000:]}")

    def _serving(self) -> bool:
        return get(self.base_url + "/healthz")[0] != 0

    def stop(self) -> str:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()
        output = self.log_path.read_text()
        self.log_path.unlink(missing_ok=True)
        return output


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, str]:
    """(status, body) of a GET; status 0 when the server could not be reached at all."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError:
        return 0, ""


# --- Recorded mail (tests/faults/mailrec.py writes one JSON line per email) -----------------


def mail_lines(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
