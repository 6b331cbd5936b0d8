"""Small canonical files for execution tests (neutral format), and a one-call import."""

from __future__ import annotations

from typing import Any

from execution.models import ImportRun
from execution.services_import import import_run_create, import_run_execute

ITEMS_CSV = (
    "item_id,team,title,status,assignee,created_at,started_at,done_at,due_at\n"
    "A-1,Platform,Fix login,Done,ada@example.com,2026-10-01 09:00,2026-10-02 09:00,2026-10-05 09:00,2026-10-06 09:00\n"
    "A-2,platform ,Add cache,In Progress,bob@example.com,2026-10-03 09:00,2026-10-04 09:00,,2026-10-20 09:00\n"
    "A-3,Mobile,Ship app,Done,cy@example.com,2026-10-01 09:00,2026-10-03 09:00,2026-10-20 09:00,2026-10-10 09:00\n"
)
HISTORY_CSV = (
    "item_id,field,from_value,to_value,at\n"
    "A-1,status,To Do,In Progress,2026-10-02 09:00\n"
    "A-1,assignee,bob@example.com,ada@example.com,2026-10-03 09:00\n"
    "A-1,status,In Progress,Done,2026-10-05 09:00\n"
    "A-3,status,To Do,In Progress,2026-10-03 09:00\n"
    "A-3,status,In Progress,Done,2026-10-20 09:00\n"
)
OBS_LONG = (
    "team,period,metric,value\nPlatform,2026-10,throughput,12\nMobile,2026-10,on_time_pct,80\n"
)
OBS_WIDE = "team,period,throughput,on_time_pct\nPlatform,2026-10,12,90\nMobile,2026-10,7,\n"


def run_import(
    *,
    org: Any,
    actor: Any,
    kind: str,
    main: str | bytes,
    history: str | bytes | None = None,
    name: str = "items.csv",
    options: dict[str, Any] | None = None,
) -> ImportRun:
    """Create and execute an import synchronously (what the task does), returning the run."""

    def raw(x: str | bytes) -> bytes:
        return x.encode() if isinstance(x, str) else x

    files = [("main", name, raw(main))]
    if history is not None:
        files.append(("history", "history.csv", raw(history)))
    run = import_run_create(organization=org, actor=actor, kind=kind, files=files, options=options)
    out = import_run_execute(run_id=run.pk)
    assert out is not None
    return out
