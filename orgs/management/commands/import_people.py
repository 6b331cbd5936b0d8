"""Import people and teams from an HRIS CSV into one organization (same rules as the page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.text import count_text
from orgs.importing import ImportFileError
from orgs.models import Organization
from orgs.services import ImportRejected, people_import_apply
from orgs.services_import import people_import_check, people_import_plan


class Command(BaseCommand):
    help = (
        "Import people and teams from a CSV (columns: email,name[,team,parent_team,external_id,"
        "location,tenure_band]). All or nothing; people missing from the file are deactivated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("org_slug", help="the organization's slug")
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8)")
        parser.add_argument(
            "--confirm-deactivation",
            action="store_true",
            help="proceed even if more than a third of the active people would be deactivated",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and show the plan, write nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        org = Organization.objects.filter(slug=opts["org_slug"]).first()
        if org is None:
            raise CommandError(f"No organization with slug '{opts['org_slug']}'.")
        path: Path = opts["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        self.stdout.write(f"Reading {path} ({len(data)} bytes)…")
        try:
            rows, errors = people_import_check(organization=org, data=data)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        if errors:
            self._fail(errors)
        self.stdout.write(f"{count_text(len(rows), 'row')} read; planning against {org.name}…")
        plan = people_import_plan(organization=org, rows=rows)
        self.stdout.write(
            f"Plan: {plan.count('create')} to create, {plan.count('update')} to update, "
            f"{plan.count('reactivate')} to reactivate, {plan.count('unchanged')} unchanged, "
            f"{len(plan.deactivate)} to deactivate (of {plan.active_before} active); "
            f"{count_text(len(plan.teams_create), 'team')} to create, {len(plan.teams_move)} to move."
        )
        if opts["dry_run"]:
            self.stdout.write("Dry run: nothing written.")
            return
        try:
            result = people_import_apply(
                organization=org,
                actor=None,
                rows=rows,
                confirm_deactivation=opts["confirm_deactivation"],
                progress=lambda msg: self.stdout.write(f"  {msg}"),
            )
        except ImportRejected as exc:
            if exc.row_errors:
                self._fail(exc.row_errors)
            raise CommandError(
                f"{exc} Re-run with --confirm-deactivation to proceed. Nothing was written."
            ) from exc
        self.stdout.write(self.style.SUCCESS(f"Imported: {result.summary()}"))

    def _fail(self, errors: list[Any]) -> None:
        for err in errors:
            self.stderr.write(f"  {err}")
        raise CommandError(f"{len(errors)} problem(s) in the file; nothing was imported.")
