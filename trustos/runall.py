"""`make run`: the web server, a Celery worker and Celery beat in one foreground command.

Ctrl-C (or SIGTERM) stops all three. If one of them dies, the others are stopped too,
so a half-running demo never pretends to work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from orgs.demo_logins import DEMO_LOGINS, DEMO_PASSWORD

BASE = Path(__file__).resolve().parent.parent
# Where `make run` serves; settings.SITE_URL defaults to the same port (README "Configuration").
HOST = os.environ.get("TRUSTOS_HOST", "127.0.0.1")
PORT = os.environ.get("TRUSTOS_PORT", "8000")


def _commands() -> list[tuple[str, list[str]]]:
    py = sys.executable
    return [
        ("web", [py, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"]),
        (
            "worker",
            [
                py,
                "-m",
                "celery",
                "-A",
                "trustos",
                "worker",
                "-l",
                "INFO",
                "--concurrency",
                "2",
                "-n",
                "worker@%h",
            ],
        ),
        (
            "beat",
            [
                py,
                "-m",
                "celery",
                "-A",
                "trustos",
                "beat",
                "-l",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
                "--pidfile",
                str(BASE / "var" / "beat.pid"),
            ],
        ),
    ]


def banner(host: str, port: str) -> str:
    """What `make run` prints once everything started: the address and every demo login."""
    width = max(len(d.username) for d in DEMO_LOGINS) + 2
    lines = [
        "",
        "=" * 64,
        f" Trust OS is running at http://{host}:{port}/",
        f" API docs: http://{host}:{port}/api/docs/   health: /healthz",
        f" Demo logins (password for all: {DEMO_PASSWORD}):",
        *(f"   {d.username:<{width}} {d.description}" for d in DEMO_LOGINS),
        " Emails (invitations, reminders) are printed by the worker below.",
        " Ctrl-C stops the web server, the worker and beat.",
        "=" * 64,
        "",
    ]
    return "\n".join(lines)


def _broker_folders() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trustos.settings")
    from django.conf import settings

    from trustos.envconfig import broker_folders_create

    if settings.CELERY_BROKER_URL.startswith("filesystem"):
        broker_folders_create(settings.CELERY_BROKER_TRANSPORT_OPTIONS)


def main() -> int:
    procs: list[tuple[str, subprocess.Popen[bytes]]] = []
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    # Settings create no folders at import: make var/ (beat's pid file, the SQLite file) and
    # the embedded broker's folders here, before the three processes race to use them.
    (BASE / "var").mkdir(exist_ok=True)
    (BASE / "var" / "beat.pid").unlink(missing_ok=True)
    _broker_folders()
    for name, cmd in _commands():
        procs.append((name, subprocess.Popen(cmd, cwd=BASE)))
    time.sleep(2)
    print(banner(HOST, PORT), flush=True)
    code = 0
    while not stopping:
        for name, p in procs:
            if p.poll() is not None:
                print(
                    f"[runall] {name} exited with {p.returncode}; stopping the others.", flush=True
                )
                code = p.returncode or 1
                stopping = True
                break
        time.sleep(0.5)
    for _, p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    deadline = time.time() + 10
    for _, p in procs:
        try:
            p.wait(timeout=max(0.1, deadline - time.time()))
        except subprocess.TimeoutExpired:
            p.kill()
    return code


if __name__ == "__main__":
    sys.exit(main())
