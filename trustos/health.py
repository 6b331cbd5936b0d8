"""Health probes for /healthz: can we reach the database, and the Celery broker, right now?"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import Connection

from trustos.envconfig import BROKER_FOLDER_OPTIONS, broker_folders_create

# A load balancer polls this often: a broker that takes longer than this to answer counts as
# down rather than letting the probe hang.
BROKER_TIMEOUT_SECONDS = 1.0


def database_ok() -> bool:
    """True when the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any driver error means "not healthy"
        return False
    return True


def broker_ok(*, timeout: float = BROKER_TIMEOUT_SECONDS) -> bool:
    """True when the configured broker accepts a connection within `timeout` seconds.

    Read from settings on each call (not from the Celery app's cached config), so what is
    probed is what the next publish will use. The embedded filesystem broker is "reachable"
    when its folders exist (made on first use, as a publish would) and are writable.
    """
    url = str(settings.CELERY_BROKER_URL)
    options: dict[str, Any] = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS or {})
    try:
        if url.startswith("filesystem"):
            return all(os.access(folder, os.W_OK) for folder in _filesystem_folders(options))
        options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
        with Connection(url, transport_options=options, connect_timeout=timeout) as conn:
            # No retries: one attempt, bounded by the timeouts above.
            conn.ensure_connection(max_retries=0)
    except Exception:  # refused, timed out, bad URL: all mean "not healthy"
        return False
    return True


def _filesystem_folders(options: dict[str, Any]) -> list[Path]:
    if not any(options.get(key) for key in BROKER_FOLDER_OPTIONS):
        raise ValueError("the filesystem broker has no folders configured")
    return broker_folders_create(options)
