"""Imports of execution data: create a run, queue it, execute it atomically with a report.

A run is all or nothing: the rows are checked first (every dropped row is reported with its
line, column, value and reason), then everything is written and the flow metrics derived
in one transaction; a failure leaves nothing behind and the run says why. Re-importing the
same file writes the same rows (work items by (source, item id), events by (item, field,
at, to), observations by (team, period, metric, source)).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from core.audit import audit_record
from core.errors import Conflict, InvalidInput
from core.tasks import task_queue_on_commit
from execution import reading
from execution.checks import (
    date_order_drop,
    dropped,
    duplicates_drop,
    name_key,
    periods_map,
    teams_map,
)
from execution.derive import flow_metrics_recompute, status_map, team_lookup
from execution.metric_defaults import METRIC_CODES
from execution.models import (
    ImportFile,
    ImportKind,
    ImportRun,
    ImportState,
    Observation,
    ObservationSource,
    WorkItem,
    WorkItemEvent,
)
from orgs.models import Organization

Progress = Callable[[int, str], None]
MAX_REPORTED = 500  # skipped rows kept in the report; the count says how many in all
ITEM_WRITE = [
    "team_id",
    "title",
    "status",
    "assignee",
    "created_at",
    "started_at",
    "done_at",
    "due_at",
    "canceled_at",
    "extra",
    "import_run_id",
]


def import_run_create(
    *,
    organization: Organization,
    actor: Any,
    kind: str,
    files: list[tuple[str, str, bytes]],
    options: dict[str, Any] | None = None,
) -> ImportRun:
    """A run being set up, holding its files (role, name, bytes); refuses empty or huge files."""
    if kind not in ImportKind.values:
        raise InvalidInput(f"Unknown import kind {kind!r}.", {"kind": "unknown kind"})
    if not files:
        raise InvalidInput("Choose a file to import.", {"file": "required"})
    for _, name, data in files:
        reading.file_check(name=name, data=data)
    with transaction.atomic():
        run = ImportRun.objects.create(
            organization=organization,
            kind=kind,
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=", ".join(name for _, name, _ in files)[:255],
            options=options or {},
        )
        ImportFile.objects.bulk_create(
            [ImportFile(run=run, role=role, name=name, data=data) for role, name, data in files]
        )
    return run


def import_run_options_update(*, run: ImportRun, options: dict[str, Any]) -> ImportRun:
    """Merge the choices of a mapping step into a run still being set up."""
    if run.state != ImportState.DRAFT:
        raise Conflict("This import has already started; start a new one to change it.")
    run.options = {**run.options, **options}
    run.save(update_fields=["options"])
    return run


def import_run_queue(*, run: ImportRun) -> ImportRun:
    """Hand a run set up to the worker (after commit); queuing twice queues once."""
    if run.state != ImportState.DRAFT:
        return run
    run.state = ImportState.QUEUED
    run.save(update_fields=["state"])
    task_queue_on_commit("execution.import_run", run.pk)
    return run


def _set(run: ImportRun, **fields: Any) -> None:
    ImportRun.objects.filter(pk=run.pk).update(**fields)
    for k, v in fields.items():
        setattr(run, k, v)


def import_run_execute(*, run_id: int, on_progress: Progress | None = None) -> ImportRun | None:
    """Run an import (the task's body). Idempotent: a finished run is left as it is."""
    run = ImportRun.objects.select_related("organization").filter(pk=run_id).first()
    if run is None or run.is_finished:
        return run

    def progress(pct: int, what: str) -> None:
        _set(run, progress=pct)
        if on_progress is not None:
            on_progress(pct, what)

    _set(run, state=ImportState.RUNNING, progress=1)
    try:
        # Reading and checking run outside the write transaction, so the progress they
        # report is committed and the page's progress bar moves while the file is read.
        result = _execute(run, progress)
    except Exception as exc:  # the report must say why; the writes were rolled back
        message = exc.message if isinstance(exc, InvalidInput) else f"{type(exc).__name__}: {exc}"
        _set(
            run,
            state=ImportState.FAILED,
            finished_at=timezone.now(),
            imported=0,
            report={**run.report, "message": f"Nothing was imported. {message}"},
        )
        audit_record(
            organization=run.organization,
            actor=run.created_by,
            action="execution.import.failed",
            obj=run,
            changes={"kind": run.kind, "file": run.file_name, "message": message[:300]},
        )
        if not isinstance(exc, InvalidInput):
            raise
        return run
    skipped = result.pop("skipped")
    report = {
        **result,
        "skipped": skipped[:MAX_REPORTED],
        "skipped_total": len(skipped),
        "message": _summary(run.kind, result["imported"], len(skipped)),
    }
    _set(
        run,
        state=ImportState.DONE,
        progress=100,
        imported=result["imported"],
        skipped=len(skipped),
        report=report,
        finished_at=timezone.now(),
    )
    progress(100, report["message"])
    return run


def _summary(kind: str, imported: int, skipped: int) -> str:
    what = "metric values" if kind == ImportKind.OBSERVATIONS else "rows"
    if imported == 0:
        return f"Nothing was imported: all {skipped} rows were skipped (see why below)."
    tail = f"; {skipped} skipped (see why below)" if skipped else "; nothing skipped"
    return f"{imported} {what} imported{tail}."


def _files(run: ImportRun) -> dict[str, ImportFile]:
    return {f.role: f for f in run.files.all()}


def _execute(run: ImportRun, progress: Progress) -> dict[str, Any]:
    files = _files(run)
    progress(5, "reading")
    if run.kind == ImportKind.OBSERVATIONS:
        return _observations(run, files["main"], progress)
    return _work_items(run, files, progress)


def _observations(run: ImportRun, file: ImportFile, progress: Progress) -> dict[str, Any]:
    org = run.organization
    res = reading.read_observations(data=bytes(file.data), name=file.name, options=run.options)
    skipped = list(res.skipped.to_dict("records"))
    progress(30, "checking teams and periods")
    frame, bad, _ = teams_map(
        res.frame, team_lookup(organization=org), org.team_tree().names.values()
    )
    skipped += bad
    frame, bad = periods_map(frame, org.reporting_period)
    skipped += bad
    frame["metric"] = frame["metric"].astype("string").str.strip()
    unknown = ~frame["metric"].isin(METRIC_CODES)
    skipped += dropped(
        frame,
        unknown,
        "metric",
        frame["metric"],
        f"unknown metric (known: {', '.join(METRIC_CODES)})",
    )
    frame = frame.loc[~unknown]
    frame, bad = duplicates_drop(frame, ["team", "period", "metric"], "metric")
    skipped += bad
    progress(60, "writing")
    # Every write in one transaction: a failure leaves nothing behind.
    with transaction.atomic():
        Observation.objects.bulk_create(
            [
                Observation(
                    organization=org,
                    team_id=int(t),
                    period=p,
                    metric=str(m),
                    value=float(v),
                    source=ObservationSource.UPLOAD,
                    import_run=run,
                )
                for t, p, m, v in frame[["team", "period", "metric", "value"]].itertuples(
                    index=False
                )
            ],
            update_conflicts=True,
            unique_fields=["organization", "team", "period", "metric", "source"],
            update_fields=["value", "import_run", "updated_at"],
            batch_size=1000,
        )
        _audit(run, imported=len(frame), skipped=len(skipped))
    return {
        "imported": len(frame),
        "skipped": skipped,
        "warnings": list(res.warnings),
        "derived": 0,
    }


def _work_items(run: ImportRun, files: dict[str, ImportFile], progress: Progress) -> dict[str, Any]:
    org = run.organization
    tz = org.tz.key
    source = str(run.options.get("source") or run.options.get("preset") or "neutral")
    skipped: list[dict[str, Any]] = []
    warnings: list[str] = []
    items = pd.DataFrame()
    if run.kind == ImportKind.WORK_ITEMS:
        main = files["main"]
        res = reading.read_items(
            data=bytes(main.data), name=main.name, options={**run.options, "source": source}, tz=tz
        )
        skipped += res.skipped.to_dict("records")
        warnings += res.warnings
        progress(25, "checking teams and dates")
        items = res.frame
        items["item_id"] = items["item_id"].astype("string").str.strip()
        no_id = items["item_id"].isna() | (items["item_id"] == "")
        skipped += dropped(items, no_id, "item_id", "", "no item id")
        items = items.loc[~no_id]
        items, bad = duplicates_drop(items, ["item_id"], "item_id")
        skipped += bad
        items, bad, _ = teams_map(
            items, team_lookup(organization=org), org.team_tree().names.values()
        )
        skipped += bad
        items, bad = date_order_drop(items)
        skipped += bad
    history = files.get("history") if run.kind == ImportKind.WORK_ITEMS else files.get("main")
    events = pd.DataFrame(columns=list(reading.EVENT_COLUMNS))
    if history is not None:
        progress(40, "reading the history")
        hres = reading.read_events(
            data=bytes(history.data), name=history.name, options=run.options, tz=tz
        )
        skipped += [
            {**r, "column": f"history: {r['column']}"} for r in hres.skipped.to_dict("records")
        ]
        warnings += hres.warnings
        events = hres.frame
    progress(55, "writing work items")
    # Every write and the derived metrics in one transaction: a failure leaves nothing.
    with transaction.atomic():
        written = _write_items(run, items, source)
        ids = dict(
            WorkItem.objects.filter(organization=org, source=source).values_list("item_id", "pk")
        )
        n_events = 0
        if not events.empty:
            keys = events["item_id"].astype("string").str.strip()
            unknown = ~keys.isin(list(ids))
            where = (
                "the work-item file"
                if run.kind == ImportKind.WORK_ITEMS
                else "the imported work items"
            )
            skipped += [
                {**r, "column": "history: item_id"}
                for r in dropped(events, unknown, "item_id", keys, f"item is not in {where}")
            ]
            events = events.loc[~unknown].assign(item_pk=keys[~unknown].map(ids))
            events, bad = duplicates_drop(events, ["item_pk", "field", "at", "to_value"], "at")
            skipped += [{**r, "column": "history: at"} for r in bad]
            n_events = _write_events(org, events)
        progress(80, "deriving flow metrics")
        derived = flow_metrics_recompute(organization=org)
        _audit(run, imported=written + n_events, skipped=len(skipped))
    return {
        "imported": written + n_events,
        "items": written,
        "events": n_events,
        "skipped": skipped,
        "warnings": warnings,
        "derived": derived,
        "unmapped_statuses": _unmapped_statuses(org, items, events),
    }


def _text(v: Any) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _time(v: Any) -> Any:
    return None if v is None or pd.isna(v) else pd.Timestamp(v).to_pydatetime()


def _write_items(run: ImportRun, items: pd.DataFrame, source: str) -> int:
    if items.empty:
        return 0
    extra_cols = [
        c for c in items.columns if c not in (*reading.ITEM_COLUMNS, "source", "row", "_row")
    ]
    rows = []
    for rec in items.to_dict("records"):  # model instances need one object per item
        rows.append(
            WorkItem(
                organization=run.organization,
                source=source,
                item_id=str(rec["item_id"])[:200],
                team_id=int(rec["team"]),
                title=_text(rec.get("title"))[:500],
                status=_text(rec.get("status")).strip()[:200],
                assignee=_text(rec.get("assignee")).strip()[:254],
                created_at=_time(rec.get("created_at")),
                started_at=_time(rec.get("started_at")),
                done_at=_time(rec.get("done_at")),
                due_at=_time(rec.get("due_at")),
                canceled_at=_time(rec.get("canceled_at")),
                extra={c: _jsonable(rec[c]) for c in extra_cols},
                import_run=run,
            )
        )
    WorkItem.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["organization", "source", "item_id"],
        update_fields=[f.removesuffix("_id") for f in ITEM_WRITE] + ["updated_at"],
        batch_size=1000,
    )
    return len(rows)


def _jsonable(v: Any) -> Any:
    if isinstance(v, list | tuple):
        return [_text(x) for x in v]
    return _text(v)


def _write_events(org: Organization, events: pd.DataFrame) -> int:
    rows = [
        WorkItemEvent(
            organization=org,
            item_id=int(pk),
            field=str(f),
            from_value=_text(fr)[:254],
            to_value=_text(to)[:254],
            at=_time(at),
        )
        for pk, f, fr, to, at in events[
            ["item_pk", "field", "from_value", "to_value", "at"]
        ].itertuples(index=False)
    ]
    WorkItemEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def _unmapped_statuses(org: Organization, items: pd.DataFrame, events: pd.DataFrame) -> list[str]:
    """Statuses of this import with no saved category (they count as to-do until mapped)."""
    known = status_map(organization=org)
    seen: set[str] = set()
    if not items.empty:
        seen |= set(items["status"].dropna().astype(str))
    if not events.empty:
        st = events[events["field"] == "status"]
        seen |= set(st["from_value"].dropna().astype(str)) | set(
            st["to_value"].dropna().astype(str)
        )
    return sorted(s for s in seen if s.strip() and name_key(s) not in known and s not in known)


def _audit(run: ImportRun, *, imported: int, skipped: int) -> None:
    audit_record(
        organization=run.organization,
        actor=run.created_by,
        action="execution.import.run",
        obj=run,
        changes={"kind": run.kind, "file": run.file_name, "imported": imported, "skipped": skipped},
    )
