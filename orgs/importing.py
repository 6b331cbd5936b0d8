"""Parse and check an HRIS people/teams CSV, and plan what an import would change (no writes).

Two pure steps, so the preview page, the confirm step and the management command all
see the same answer:

1. `parse_people_csv(data)` turns bytes into `PersonRow`s plus every row-level error
   (line number and column), or raises `ImportFileError` for problems with the file as
   a whole (empty, too big, not UTF-8).
2. `orgs.import_plan.plan_import(rows, teams=..., people=...)` compares the rows with
   the organization's current teams and people (plain dicts, passed in) and returns an
   `ImportPlan`: what would be created, updated, re-parented, deactivated, and the
   errors only visible against the current tree (team cycles).

The writes live in `orgs.services.people_import_apply`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from core.errors import InvalidInput
from core.text import count_text
from core.validation import refused_character, refused_character_message

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


class ImportFileError(InvalidInput):
    """The file as a whole cannot be read (empty, too big, not UTF-8): bad input in `file`."""

    code = "import_file"

    def __init__(self, message: str) -> None:
        super().__init__(message, {"file": message})


@dataclass(frozen=True)
class RowError:
    line: int  # 1 = the header line
    column: str  # "" when the problem is the whole line
    message: str

    @property
    def where(self) -> str:
        return f"line {self.line}" + (f", column '{self.column}'" if self.column else "")

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def row_errors_by_place(errors: list[RowError]) -> dict[str, str]:
    """The `errors` of a domain error: "line 3, column 'email'" -> what is wrong there (two
    problems in one place are joined)."""
    out: dict[str, str] = {}
    for err in errors:
        out[err.where] = f"{out[err.where]} {err.message}" if err.where in out else err.message
    return out


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


# How spreadsheet files begin: .xlsx/.ods are ZIP archives, old .xls an OLE2 compound file.
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
SPREADSHEET_ERROR = (
    "This looks like an Excel file — export it as CSV (UTF-8) and upload that. "
    '(In Excel: File → Save As → "CSV UTF-8 (Comma delimited)".)'
)


def decode_csv_bytes(data: bytes) -> str:
    """UTF-8 (with or without a BOM) or a clear error saying where the first bad byte is."""
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_BYTES // 1024 // 1024} MB. Split it or remove unused columns."
        )
    # Whatever its name says: a spreadsheet renamed .csv would fail as "not UTF-8" below.
    if data.startswith(SPREADSHEET_MAGIC):
        raise ImportFileError(SPREADSHEET_ERROR)
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
                    f"{count_text(len(cells), 'value')} but the header has "
                    f"{count_text(len(columns), 'column')} "
                    "(a comma inside a value must be quoted)",
                )
            ]
    if len(cells) < len(columns):
        return None, [
            RowError(
                line,
                columns[len(cells)],
                f"missing value: the line has {count_text(len(cells), 'value')}, "
                f"the header {len(columns)}",
            )
        ]
    values = {col: cells[i].strip() for i, col in enumerate(columns)}
    for col, value in values.items():
        if code_point := refused_character(value):
            errors.append(RowError(line, col, refused_character_message(code_point)))
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
