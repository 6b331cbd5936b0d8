"""Reads for the import steps: a file preview, unknown team names and unmapped statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from core.errors import DomainError
from execution import maths, reading
from execution.checks import name_key, team_suggestions
from execution.derive import status_map, team_lookup
from execution.metric_defaults import DEFAULT_METRICS
from execution.models import ImportFile, ImportKind, ImportRun, StatusCategory
from orgs.tenancy import scoped

PREVIEW_ROWS = 8


def observation_role_choices() -> list[tuple[str, str]]:
    """The column step's choices: the long roles, then "this column is metric X" (wide)."""
    long = [
        ("team", "the team"),
        ("period", "the period"),
        ("metric", "the metric code (long)"),
        ("value", "the value (long)"),
        ("ignore", "nothing to import"),
    ]
    return long + [(f"metric:{m.code}", f"values of: {m.name}") for m in DEFAULT_METRICS]


@dataclass(frozen=True)
class Preview:
    headers: list[str]
    rows: list[list[str]]
    shape: str = ""  # observations: long | wide
    column_map: dict[str, str] = field(default_factory=dict)  # header -> role
    error: str = ""
    detected: str = ""  # items: the preset the headers look like
    date_format: str = ""

    @property
    def team_header(self) -> str:
        return next((h for h, role in self.column_map.items() if role == "team"), "")


@dataclass(frozen=True)
class UnknownTeam:
    raw: str
    rows: int
    suggestions: list[str]
    suggested_id: int | None


@dataclass(frozen=True)
class StatusChoice:
    raw: str
    category: str
    saved: bool


def import_runs(*, organization: Any, limit: int = 20) -> list[ImportRun]:
    return list(
        scoped(ImportRun, organization)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )


def _file(run: ImportRun, role: str = "main") -> ImportFile | None:
    return next((f for f in run.files.all() if f.role == role), None)


def import_preview(*, run: ImportRun) -> Preview:
    """The first rows of the main file as text, and (observations) the detected shape."""
    f = _file(run)
    if f is None:
        return Preview(headers=[], rows=[], error="The file is gone; upload it again.")
    kind = {ImportKind.OBSERVATIONS: "observations", ImportKind.HISTORY: "history"}.get(
        ImportKind(run.kind), "items"
    )
    try:
        p = reading.preview(
            data=bytes(f.data), name=f.name, kind=kind, options=run.options, n=PREVIEW_ROWS
        )
    except DomainError as exc:
        return Preview(headers=[], rows=[], error=exc.message)
    return Preview(
        headers=list(p.headers),
        rows=[["" if c is None else str(c) for c in r] for r in p.rows],
        shape=str(p.detected or "") if kind == "observations" else "",
        column_map=dict(p.mapping),
        detected=str(p.detected or "") if kind == "items" else "",
        date_format=str(p.date_format or ""),
    )


def _frame(run: ImportRun) -> pd.DataFrame:
    """The run's main frame as the import will read it (teams still raw)."""
    f = _file(run)
    if f is None:
        return pd.DataFrame()
    data, tz = bytes(f.data), run.organization.tz.key
    if run.kind == ImportKind.OBSERVATIONS:
        return reading.read_observations(data=data, name=f.name, options=run.options).frame
    if run.kind == ImportKind.WORK_ITEMS:
        return reading.read_items(data=data, name=f.name, options=run.options, tz=tz).frame
    return pd.DataFrame()


def import_unknown_teams(*, run: ImportRun) -> list[UnknownTeam]:
    """Team names of the file that match none of our teams or saved names, with suggestions."""
    frame = _frame(run)
    if frame.empty or "team" not in frame.columns:
        return []
    org = run.organization
    lookup = team_lookup(organization=org)
    names = org.team_tree().names
    by_name = {name_key(n): t for t, n in names.items()}
    counts = frame["team"].astype("string").fillna("").str.strip().value_counts()
    out = []
    for raw, n in counts.items():
        if not raw or name_key(raw) in lookup:
            continue
        close = team_suggestions(str(raw), names.values())
        out.append(
            UnknownTeam(
                raw=str(raw),
                rows=int(n),
                suggestions=close,
                suggested_id=by_name.get(name_key(close[0])) if close else None,
            )
        )
    return sorted(out, key=lambda u: (-u.rows, u.raw.casefold()))


def import_statuses(*, run: ImportRun) -> list[StatusChoice]:
    """Every status of the items and history files, with its saved or suggested category."""
    seen: set[str] = set()
    frame = _frame(run)
    if not frame.empty and "status" in frame.columns:
        seen |= set(frame["status"].dropna().astype(str).str.strip())
    hist = _file(run, "history") if run.kind == ImportKind.WORK_ITEMS else _file(run)
    if hist is not None:
        try:
            ev = reading.read_events(
                data=bytes(hist.data),
                name=hist.name,
                options=run.options,
                tz=run.organization.tz.key,
            ).frame
        except reading.ReadError:
            ev = pd.DataFrame()
        if not ev.empty:
            st = ev[ev["field"] == "status"]
            for col in ("from_value", "to_value"):
                seen |= set(st[col].dropna().astype(str).str.strip())
    seen.discard("")
    saved = status_map(organization=run.organization)
    guess = maths.suggest_status_map(sorted(seen))
    out = []
    for raw in sorted(seen, key=str.casefold):
        known = saved.get(raw) or saved.get(name_key(raw))
        category = known or guess.get(raw) or StatusCategory.TODO
        out.append(StatusChoice(raw=raw, category=category, saved=known is not None))
    return out
