"""Import execution data from a file into one organization (same service as the page and task)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from execution.models import ImportKind, ImportState
from execution.services_import import import_run_create, import_run_execute
from orgs.models import Organization

PRESETS = ("neutral", "jira", "linear", "github")


class Command(BaseCommand):
    help = (
        "Import execution data: metric values (observations), a work-item export (with an "
        "optional --history file) or a history file alone. All or nothing; prints progress and "
        "a report of what was imported and what was skipped, with line, column and reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV, TSV or XLSX file")
        parser.add_argument("--org", required=True, help="the organization's slug")
        parser.add_argument("--kind", choices=ImportKind.values, default=ImportKind.WORK_ITEMS)
        parser.add_argument("--history", type=Path, help="status/assignee history (work items)")
        parser.add_argument("--preset", choices=PRESETS, default="neutral", help="export format")
        parser.add_argument("--source", help="source name stored with the items (default preset)")
        parser.add_argument(
            "--date-format", help="strftime format of dates, e.g. %%d/%%b/%%y %%I:%%M %%p"
        )
        parser.add_argument("--team-column", help="the column holding the team (default: team)")
        parser.add_argument("--sheet", help="the XLSX sheet to read")

    def handle(self, *args: Any, **opts: Any) -> None:
        org = Organization.objects.filter(slug=opts["org"]).first()
        if org is None:
            raise CommandError(f"No organization with slug '{opts['org']}'.")
        files = [("main", opts["file"])]
        if opts["history"]:
            files.append(("history", opts["history"]))
        loaded = []
        for role, path in files:
            try:
                loaded.append((role, path.name, path.read_bytes()))
            except OSError as exc:
                raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        options = {
            k: v
            for k, v in {
                "preset": opts["preset"],
                "source": opts["source"] or opts["preset"],
                "date_format": opts["date_format"],
                "team_column": opts["team_column"],
                "sheet": opts["sheet"],
            }.items()
            if v
        }
        try:
            run = import_run_create(
                organization=org, actor=None, kind=opts["kind"], files=loaded, options=options
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc

        def show(pct: int, what: str) -> None:
            self.stdout.write(f"[{pct:3d}%] {what}")

        done = import_run_execute(run_id=run.pk, on_progress=show)
        assert done is not None
        report = done.report
        for row in report.get("skipped", []):
            where = "row" if row.get("row") is None else f"line {row['row']}"
            self.stdout.write(
                f"  skipped {where}, column {row['column']} ({row['value']!r}): {row['reason']}"
            )
        if report.get("skipped_total", 0) > len(report.get("skipped", [])):
            self.stdout.write(f"  … {report['skipped_total']} skipped in all")
        for warning in report.get("warnings", []):
            self.stdout.write(f"  warning: {warning}")
        if report.get("unmapped_statuses"):
            self.stdout.write(
                "  statuses without a category (counted as to-do until mapped on the import "
                f"page): {', '.join(report['unmapped_statuses'])}"
            )
        if done.state != ImportState.DONE:
            raise CommandError(report.get("message", "The import failed."))
        self.stdout.write(self.style.SUCCESS(report["message"]))
