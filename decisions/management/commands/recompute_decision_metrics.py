"""Recompute the team x period decision-stability snapshots from the stored check-in answers."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from decisions.metrics import decision_metrics_recompute
from decisions.releases import decision_results_publish
from orgs.models import Organization


class Command(BaseCommand):
    help = "Recompute decision check-in figures (team x period snapshots)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organization (slug)")

    def handle(self, *args: Any, **opts: Any) -> None:
        orgs = Organization.objects.all().order_by("pk")
        if opts["org"]:
            orgs = orgs.filter(slug=opts["org"])
            if not orgs.exists():
                raise CommandError(f"No organization with slug {opts['org']!r}.")
        for org in orgs:
            cells = decision_metrics_recompute(org_id=org.pk)
            decision_results_publish(org=org)
            self.stdout.write(f"{org.name}: {cells} team x period cells stored.")
