"""Parse and check an HRIS people/teams CSV, and plan what an import would change (no writes).

Two pure steps, so the preview page, the confirm step and the management command all
see the same answer:

1. `parse_people_csv(data)` turns bytes into `PersonRow`s plus every row-level error
   (line number and column), or raises `ImportFileError` for problems with the file as
   a whole (empty, too big, not UTF-8).
2. `plan_import(rows, teams=..., people=...)` compares the rows with the organization's
   current teams and people (plain dicts, passed in) and returns an `ImportPlan`: what
   would be created, updated, re-parented, deactivated, and the errors only visible
   against the current tree (team cycles).

The writes live in `orgs.services.people_import_apply`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

MAX_BYTES = 2 * 1024 * 1024  # 2 MB is ~20,000 people; a bigger file is not a people export.
MAX_ROWS = 20_000
REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("team", "parent_team", "external_id", "location", "tenure_band")
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
ATTRIBUTE_COLUMNS = ("location", "tenure_band")
MAX_LENGTHS = {"name": 200, "email": 254, "team": 200, "parent_team": 200, "external_id": 100}
MAX_ATTRIBUTE_LENGTH = 100

EXAMPLE_CSV = (
    "email,name,team,parent_team,external_id,location,tenure_band\n"
    "ada.lovelace@example.com,Ada Lovelace,Platform,Engineering,E1001,Berlin,3-5y\n"
    "grace.hopper@example.com,Grace Hopper,Platform,Engineering,E1002,Remote,5y+\n"
    "alan.turing@example.com,Alan Turing,Mobile,Engineering,E1003,Lisbon,1-3y\n"
    "katherine.johnson@example.com,Katherine Johnson,Engineering,,E1004,Berlin,5y+\n"
    "mary.jackson@example.com,Mary Jackson,Sales,,E1005,Toronto,<1y\n"
)


class ImportFileError(Exception):
    """The file as a whole cannot be read (empty, too big, not UTF-8)."""


@dataclass(frozen=True)
class RowError:
    line: int  # 1 = the header line
    column: str  # "" when the problem is the whole line
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class PersonRow:
    """One checked row. `None` for a column the file does not have (leave it unchanged)."""

    line: int
    email: str  # lower-cased
    name: str
    team: str | None = None
    parent_team: str | None = None
    external_id: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "email": self.email,
            "name": self.name,
            "team": self.team,
            "parent_team": self.parent_team,
            "external_id": self.external_id,
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PersonRow:
        return cls(
            line=int(d["line"]),
            email=str(d["email"]),
            name=str(d["name"]),
            team=d.get("team"),
            parent_team=d.get("parent_team"),
            external_id=d.get("external_id"),
            attributes={str(k): str(v) for k, v in (d.get("attributes") or {}).items()},
        )


@dataclass
class ParsedFile:
    columns: list[str]
    rows: list[PersonRow]
    errors: list[RowError]


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or a clear error saying where the first bad byte is."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it or remove unused columns."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text: byte 0x{data[exc.start]:02X} at byte offset "
            f"{exc.start} (line {line}) cannot be decoded. Save the file as "
            '"CSV UTF-8" in your spreadsheet or HR tool and upload it again.'
        ) from exc
    if not text.strip():
        raise ImportFileError("The file is empty.")
    return text


def _check_header(header: list[str]) -> tuple[list[str], list[RowError]]:
    columns = [h.strip().lower() for h in header]
    errors: list[RowError] = []
    seen: set[str] = set()
    for col in columns:
        if col == "":
            errors.append(RowError(1, "", "a column has no name"))
        elif col not in ALL_COLUMNS:
            errors.append(
                RowError(1, col, f"unknown column; the columns are {', '.join(ALL_COLUMNS)}")
            )
        elif col in seen:
            errors.append(RowError(1, col, "this column appears twice"))
        seen.add(col)
    for col in REQUIRED_COLUMNS:
        if col not in seen:
            errors.append(RowError(1, col, "required column is missing"))
    if "parent_team" in seen and "team" not in seen:
        errors.append(RowError(1, "team", "a file with 'parent_team' needs a 'team' column"))
    return columns, errors


def parse_people_csv(data: bytes) -> ParsedFile:
    """Read the CSV and check every row; all problems are collected, none stops the scan."""
    text = decode_csv_bytes(data)
    # Spreadsheets in many European locales save "CSV" with semicolons; accept that, and
    # decide from the header line only (sniffing data rows guesses wrong on names).
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise ImportFileError("The file has no header line.") from exc
    columns, errors = _check_header(header)
    if errors:
        return ParsedFile(columns=columns, rows=[], errors=errors)

    rows: list[PersonRow] = []
    first_line_of: dict[str, int] = {}
    line = reader.line_num
    try:
        for cells in reader:
            start, line = line + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue  # blank lines are harmless
            if len(rows) + len(errors) >= MAX_ROWS:
                raise ImportFileError(f"The file has more than {MAX_ROWS} rows.")
            row, row_errors = _check_row(start, columns, cells, first_line_of)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        errors.append(RowError(line + 1, "", f"the CSV cannot be read here ({exc})"))
    if not rows and not errors:
        raise ImportFileError("The file has a header line but no people.")
    return ParsedFile(columns=columns, rows=rows, errors=errors)


def _check_row(
    line: int, columns: list[str], cells: list[str], first_line_of: dict[str, int]
) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []
    if len(cells) > len(columns):
        extra = [c for c in cells[len(columns) :] if c.strip()]
        if extra:
            return None, [
                RowError(
                    line,
                    "",
                    f"{len(cells)} values but the header has {len(columns)} columns "
                    "(a comma inside a value must be quoted)",
                )
            ]
    if len(cells) < len(columns):
        return None, [
            RowError(
                line,
                columns[len(cells)],
                f"missing value: the line has {len(cells)} values, the header {len(columns)}",
            )
        ]
    values = {col: cells[i].strip() for i, col in enumerate(columns)}
    for col, limit in MAX_LENGTHS.items():
        if col in values and len(values[col]) > limit:
            errors.append(RowError(line, col, f"longer than {limit} characters"))
    for col in ATTRIBUTE_COLUMNS:
        if col in values and len(values[col]) > MAX_ATTRIBUTE_LENGTH:
            errors.append(RowError(line, col, f"longer than {MAX_ATTRIBUTE_LENGTH} characters"))

    email = values["email"].lower()
    if not email:
        errors.append(RowError(line, "email", "email is missing"))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(line, "email", f"'{values['email']}' is not a valid email"))
        else:
            if email in first_line_of:
                errors.append(
                    RowError(
                        line,
                        "email",
                        f"duplicate email {email} (first on line {first_line_of[email]})",
                    )
                )
            else:
                first_line_of[email] = line
    if not values["name"]:
        errors.append(RowError(line, "name", "name is missing"))
    team = values.get("team")
    parent = values.get("parent_team")
    if parent and not team:
        errors.append(RowError(line, "parent_team", "a parent team needs a team on the same row"))
    if team and parent and team.casefold() == parent.casefold():
        errors.append(RowError(line, "parent_team", "a team cannot be its own parent"))
    if errors:
        return None, errors
    return (
        PersonRow(
            line=line,
            email=email,
            name=values["name"],
            team=team if "team" in values else None,
            parent_team=parent if "parent_team" in values else None,
            external_id=values.get("external_id"),
            attributes={c: values[c] for c in ATTRIBUTE_COLUMNS if c in values},
        ),
        [],
    )


# --- planning against the current state -------------------------------------------------


@dataclass(frozen=True)
class ExistingTeam:
    name: str
    parent: str | None  # parent team's name
    is_active: bool


@dataclass(frozen=True)
class ExistingPerson:
    email: str
    name: str
    team: str | None
    external_id: str
    attributes: dict[str, Any]
    is_active: bool


@dataclass(frozen=True)
class RowAction:
    line: int
    email: str
    name: str
    team: str | None
    action: str  # create | update | reactivate | unchanged
    changes: dict[str, Any]


@dataclass
class ImportPlan:
    rows: list[RowAction] = field(default_factory=list)
    teams_create: list[tuple[str, str | None]] = field(default_factory=list)  # (name, parent)
    teams_move: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    teams_reactivate: list[str] = field(default_factory=list)
    deactivate: list[ExistingPerson] = field(default_factory=list)
    active_before: int = 0
    errors: list[RowError] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def deactivation_needs_confirmation(self) -> bool:
        """More than a third of the active people would go: likely a broken export."""
        return len(self.deactivate) * 3 > self.active_before

    @property
    def has_changes(self) -> bool:
        return bool(
            self.teams_create
            or self.teams_move
            or self.teams_reactivate
            or self.deactivate
            or any(r.action != "unchanged" for r in self.rows)
        )


def plan_import(
    rows: list[PersonRow],
    *,
    teams: dict[str, ExistingTeam],
    people: dict[str, ExistingPerson],
) -> ImportPlan:
    """What importing `rows` would do. `teams` keyed by casefolded name, `people` by lower email."""
    plan = ImportPlan(active_before=sum(1 for p in people.values() if p.is_active))
    spelled: dict[str, str] = {k: t.name for k, t in teams.items()}  # casefold -> spelling

    def canon(name: str) -> str:
        return spelled.setdefault(name.casefold(), name)

    # 1. The tree the file asks for: a team's parent as stated in the file (first statement
    #    wins, a conflicting later one is an error), otherwise as it is today.
    stated: dict[str, tuple[str | None, int]] = {}  # team key -> (parent key, line)
    mentioned: set[str] = set()
    for row in rows:
        if not row.team:
            continue
        key = canon(row.team).casefold()
        mentioned.add(key)
        if row.parent_team is None:
            continue  # no parent_team column: leave the tree as it is
        parent_key = canon(row.parent_team).casefold() if row.parent_team else None
        if parent_key:
            mentioned.add(parent_key)
        if key in stated and stated[key][0] != parent_key:
            first_parent, first_line = stated[key]
            plan.errors.append(
                RowError(
                    row.line,
                    "parent_team",
                    f"team '{spelled[key]}' is placed under "
                    f"'{spelled[first_parent] if first_parent else '(no parent)'}' on line "
                    f"{first_line} and under '{row.parent_team or '(no parent)'}' here",
                )
            )
        else:
            stated.setdefault(key, (parent_key, row.line))

    final_parent: dict[str, str | None] = {
        k: (t.parent.casefold() if t.parent else None) for k, t in teams.items()
    }
    for key in mentioned:
        final_parent.setdefault(key, None)
    for key, (parent_key, _line) in stated.items():
        final_parent[key] = parent_key

    # 2. Cycles in the resulting tree, reported on the line that closes them.
    reported: set[frozenset[str]] = set()
    for key, (_parent, line) in stated.items():
        path = [key]
        cur = final_parent.get(key)
        while cur is not None and cur not in path and len(path) <= len(final_parent):
            path.append(cur)
            cur = final_parent.get(cur)
        if cur == key:
            cycle = frozenset(path)
            if cycle not in reported:
                reported.add(cycle)
                names = " → ".join(spelled[k] for k in [*path, key])
                plan.errors.append(
                    RowError(line, "parent_team", f"this makes a cycle of teams: {names}")
                )
    if plan.errors:
        plan.errors.sort(key=lambda e: e.line)
        return plan

    # 3. Teams to create (parents before children), move, reactivate.
    new_keys = [k for k in final_parent if k not in teams]
    ordered: list[str] = []
    placed: set[str] = set(teams)

    def place(k: str) -> None:
        if k in placed:
            return
        parent_key = final_parent.get(k)
        if parent_key is not None:
            place(parent_key)
        placed.add(k)
        ordered.append(k)

    for k in sorted(new_keys):
        place(k)
    for k in ordered:
        parent_key = final_parent[k]
        plan.teams_create.append((spelled[k], spelled[parent_key] if parent_key else None))
    for key, (parent_key, _line) in sorted(stated.items()):
        if key in teams:
            old = teams[key].parent
            new = spelled[parent_key] if parent_key else None
            if (old or "").casefold() != (new or "").casefold():
                plan.teams_move.append((spelled[key], old, new))
    for key in sorted(mentioned):
        if key in teams and not teams[key].is_active:
            plan.teams_reactivate.append(spelled[key])

    # 4. People.
    seen: set[str] = set()
    for row in rows:
        seen.add(row.email)
        team = spelled[row.team.casefold()] if row.team else None
        existing = people.get(row.email)
        if existing is None:
            plan.rows.append(RowAction(row.line, row.email, row.name, team, "create", {}))
            continue
        changes: dict[str, Any] = {}
        if existing.name != row.name:
            changes["name"] = [existing.name, row.name]
        if row.team is not None and (existing.team or "") != (team or ""):
            changes["team"] = [existing.team, team]
        if row.external_id is not None and existing.external_id != row.external_id:
            changes["external_id"] = [existing.external_id, row.external_id]
        for col, value in row.attributes.items():
            old = existing.attributes.get(col)
            if (old or "") != value:
                changes[col] = [old, value or None]
        if not existing.is_active:
            action = "reactivate"
        elif changes:
            action = "update"
        else:
            action = "unchanged"
        plan.rows.append(
            RowAction(row.line, row.email, row.name, team or existing.team, action, changes)
        )
    plan.deactivate = sorted(
        (p for e, p in people.items() if p.is_active and e not in seen), key=lambda p: p.email
    )
    return plan
