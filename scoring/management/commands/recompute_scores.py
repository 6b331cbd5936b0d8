"""`manage.py recompute_scores [--org SLUG]`: rebuild score snapshots with a progress bar."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orgs.models import Organization
from scoring.services import RecomputeSummary, snapshot_recompute_all


class Command(BaseCommand):
    help = "Recompute the score snapshots of one organization (--org) or of all of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", metavar="SLUG", help="only this organization")

    def handle(self, *args: Any, **opts: Any) -> None:
        orgs = Organization.objects.order_by("id")
        if opts["org"]:
            orgs = orgs.filter(slug=opts["org"])
            if not orgs.exists():
                raise CommandError(f"--org: no organization with slug {opts['org']!r}")
        ids = list(orgs.values_list("id", flat=True))
        if not ids:
            self.stdout.write("No organizations.")
            return

        def progress(done: int, total: int, s: RecomputeSummary) -> None:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            self.stdout.write(
                f"[{bar}] {done}/{total} org {s.org_id}: {len(s.periods)} periods, "
                f"{s.trust_rows} trust rows, {s.dimension_rows} dimension rows"
            )

        snapshot_recompute_all(org_ids=ids, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"Recomputed {len(ids)} organization(s)."))
