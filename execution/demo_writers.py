"""Demo work-item files, the writing half: the item record, the Jira and Linear CSV shapes, the bench CSV.

Split out of execution/demo_files.py (which generates the items and their planted
relations): this module only turns generated items into the bytes the tools export.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from execution.readers.presets import JIRA_DATE_FORMAT

JIRA_STATUSES = ("To Do", "In Progress", "In Review", "Blocked", "Done", "Closed")
LINEAR_STATUS = {
    "To Do": "Todo",
    "In Progress": "In Progress",
    "In Review": "In Review",
    "Blocked": "Blocked",
    "Done": "Done",
    "Closed": "Canceled",
}

DAY = 86400.0


def _epoch(day: dt.date, tz: str) -> float:
    return float(pd.Timestamp(day).tz_localize(tz).timestamp())


@dataclass
class _Item:
    key: str
    team: str
    title: str
    created: float  # times are UTC epoch seconds until the files are written
    status: str
    assignee: str
    due: float | None = None
    started: float | None = None
    resolved: float | None = None
    resolution: str = ""
    labels: list[str] = field(default_factory=list)
    events: list[tuple[float, str, str, str, str]] = field(default_factory=list)
    # (at, author, field, from, to)


def _project_keys(teams: Sequence[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for team in teams:
        words = re.findall(r"[A-Za-z]+", team) or ["T"]
        base = "".join(w[0] for w in words).upper() if len(words) > 1 else words[0][:3].upper()
        key, n = base, 1
        while key in keys.values():
            n += 1
            key = f"{base}{n}"
        keys[team] = key
    return keys


def _format_times(values: Sequence[float | None], tz: str, fmt: str) -> list[str]:
    """Epoch seconds -> local text in one vectorised pass ("" for None)."""
    secs = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
    local = pd.to_datetime(secs, unit="s", utc=True).dt.tz_convert(tz).dt.strftime(fmt)
    if "%I" in fmt:
        local = local.str.replace(r"(?<= )0(\d:)", r"\1", regex=True)  # Jira: 3:42 PM
    return [v if isinstance(v, str) else "" for v in local.tolist()]


def _csv_bytes(rows: list[list[str]], *, bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode("utf-8")


def _code(key: str) -> int:
    """A small stable number per item (str hash is salted per process, so not hash())."""
    return sum(ord(c) for c in key) % 97


def _updated(it: _Item) -> float:
    return max([it.created] + [e[0] for e in it.events])


def _jira_files(items: dict[str, list[_Item]], tz: str) -> tuple[bytes, bytes]:
    fmt = JIRA_DATE_FORMAT
    keys = _project_keys(list(items))
    header = [
        "Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key",
        "Project name", "Priority", "Resolution", "Assignee", "Reporter", "Created", "Updated",
        "Resolved", "Component/s", "Due date", "Labels", "Labels", "Labels", "Description",
        "Sprint", "Sprint", "Custom field (Team)", "Custom field (Story Points)",
        "Status Category",
    ]  # fmt: skip
    flat = [it for team_items in items.values() for it in team_items]
    created = _format_times([it.created for it in flat], tz, fmt)
    updated = _format_times([_updated(it) for it in flat], tz, fmt)
    resolved = _format_times([it.resolved for it in flat], tz, fmt)
    due = _format_times([it.due for it in flat], "UTC", fmt)  # a date: midnight, no zone shift
    events = [(it, e) for it in flat for e in it.events]
    event_at = _format_times([e[0] for _, e in events], tz, fmt)
    epoch = _epoch(dt.date(2024, 1, 1), "UTC")
    rows = [header]
    ids: dict[str, str] = {}
    for i, it in enumerate(flat):
        ids[it.key] = str(10001 + i)
        h = _code(it.key)
        sprint_no = 1 + int((it.created - epoch) // (14 * DAY))
        sprints = [f"{keys[it.team]} Sprint {sprint_no}"]
        if it.resolved is not None and it.resolved - it.created > 10 * DAY:
            sprints.append(f"{keys[it.team]} Sprint {sprint_no + 1}")
        description = ""
        if h % 5 == 0:  # some descriptions span lines and quote words, as real ones do
            description = (
                f"Context from the planning meeting:\n- owner: {it.assignee}\n"
                '- "done" means shipped, not merged'
            )
        category = {"To Do": "To Do", "Done": "Done", "Closed": "Done"}.get(
            it.status, "In Progress"
        )
        rows.append(
            [
                it.title,
                it.key,
                ids[it.key],
                ("Story", "Task", "Bug")[h % 3],
                it.status,
                keys[it.team],
                it.team,
                ("Medium", "High", "Low", "Medium")[h % 4],
                it.resolution,
                it.assignee if it.status != "To Do" or h % 2 else "",
                it.assignee,
                created[i],
                updated[i],
                resolved[i],
                "",
                due[i],
                *[*it.labels, "", "", ""][:3],
                description,
                *[*sprints, ""][:2],
                it.team,
                str((1, 2, 3, 5, 8)[h % 5]),
                category,
            ]
        )
    history = [["Issue key", "Issue id", "Author", "Date", "Field", "From", "To"]]
    for (it, (_, author, fld, frm, to)), at in zip(events, event_at, strict=True):
        history.append([it.key, ids[it.key], author, at, fld, frm, to])
    return _csv_bytes(rows, bom=True), _csv_bytes(history)


def _linear_file(items: dict[str, list[_Item]]) -> bytes:
    header = [
        "ID", "Team", "Title", "Description", "Status", "Estimate", "Priority", "Project",
        "Creator", "Assignee", "Labels", "Cycle Number", "Cycle Name", "Created", "Updated",
        "Started", "Triaged", "Completed", "Canceled", "Archived", "Due Date",
    ]  # fmt: skip
    iso = "%Y-%m-%dT%H:%M:%S.000Z"
    flat = [it for team_items in items.values() for it in team_items]
    created = _format_times([it.created for it in flat], "UTC", iso)
    updated = _format_times([_updated(it) for it in flat], "UTC", iso)
    started = _format_times([it.started for it in flat], "UTC", iso)
    done = _format_times([it.resolved if it.status == "Done" else None for it in flat], "UTC", iso)
    canceled = _format_times(
        [it.resolved if it.status == "Closed" else None for it in flat], "UTC", iso
    )
    due = _format_times([it.due for it in flat], "UTC", "%Y-%m-%d")
    rows = [header]
    for i, it in enumerate(flat):
        h = _code(it.key)
        title = it.title
        if h % 11 == 0:
            title = "'- " + title.lower()  # Linear guards a leading - = + @ with a quote
        rows.append(
            [
                it.key,
                it.team,
                title,
                "",
                LINEAR_STATUS[it.status],
                str((1, 2, 3, 5)[h % 4]),
                ("Medium", "High", "Low", "No priority")[h % 4],
                "",
                it.assignee,
                it.assignee if it.status != "To Do" else "",
                ", ".join(it.labels),
                "",
                "",
                created[i],
                updated[i],
                started[i],
                "",
                done[i],
                canceled[i],
                "",
                due[i],
            ]
        )
    return _csv_bytes(rows)


def bench_items_csv(
    *, rows: int, teams: Sequence[str] = ("Platform", "Payments", "Mobile"), seed: int = 0
) -> bytes:
    """A large neutral work-item CSV for `make bench` (vectorised: a million rows in seconds)."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-01-01", tz="UTC").value // 10**9
    created = start + rng.integers(0, 180 * 86400, rows)
    started = created + rng.integers(600, 5 * 86400, rows)
    done = started + rng.integers(3600, 20 * 86400, rows)
    open_ = rng.random(rows) < 0.15

    def fmt(secs: np.ndarray) -> np.ndarray:
        # numpy's ISO formatting runs in C; pandas' strftime goes cell by cell.
        text = np.datetime_as_string(secs.astype("datetime64[s]"), unit="s")
        return np.strings.add(text.astype(np.dtypes.StringDType()), "Z")

    ids = np.strings.add("IT-", np.arange(rows).astype(np.dtypes.StringDType()))
    people = np.strings.add(
        np.strings.add("p", rng.integers(0, 200, rows).astype(np.dtypes.StringDType())),
        "@example.com",
    )
    S = np.dtypes.StringDType()
    columns = [
        ids,
        np.asarray(teams, dtype=S)[rng.integers(0, len(teams), rows)],
        np.full(rows, "Work item", dtype=S),
        np.where(open_, "In Progress", "Done").astype(S),
        people,
        fmt(created),
        fmt(started),
        np.where(open_, "", fmt(done)).astype(S),
        np.strings.slice(fmt(done + rng.integers(-5 * 86400, 5 * 86400, rows)), 0, 10),
        np.full(rows, "", dtype=S),
    ]
    # No cell holds a comma or a quote, so lines are joined directly (to_csv is 10x slower).
    line = columns[0]
    for col in columns[1:]:
        line = np.strings.add(np.strings.add(line, ","), col)
    header = "item_id,team,title,status,assignee,created_at,started_at,done_at,due_at,canceled_at"
    return ("\n".join([header, *line.tolist()]) + "\n").encode("utf-8")
