"""Load the demo organization (deterministic with --seed); each registered app adds its data."""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orgs.demo import demo_org_create, demo_org_delete, demo_org_exists, demo_seed_apps
from orgs.periods import recent_periods


class Command(BaseCommand):
    help = "Create the Northwind Labs demo organization with 6 periods of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument("--periods", type=int, default=6, help="reporting periods of history")
        parser.add_argument("--if-empty", action="store_true", help="do nothing if the demo exists")
        parser.add_argument("--reset", action="store_true", help="delete and recreate the demo org")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="pretend today is this date (YYYY-MM-DD), for reproducible data",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if demo_org_exists():
            if opts["if_empty"]:
                self.stdout.write("Demo data already loaded; skipping (use --reset to recreate).")
                return
            if not opts["reset"]:
                raise CommandError("The demo organization exists; pass --reset to recreate it.")
            demo_org_delete()
        if opts["periods"] < 1:
            raise CommandError("--periods must be at least 1")
        today = opts["today"] or timezone.localdate()
        rng = random.Random(opts["seed"])
        started = time.monotonic()
        org = demo_org_create(rng=rng, today=today)
        periods = recent_periods(today, org.reporting_period, opts["periods"])
        self.stdout.write(
            f"Organization {org.name}: {org.teams.count()} teams, {org.people.count()} people."
        )
        # orgs first (above), then each app's registered seeder in its declared order
        # (core.registry.demo_seeders: surveys, decisions, scoring).
        demo_seed_apps(
            org=org,
            seed=opts["seed"],
            periods=periods,
            today=today,
            log=lambda msg: self.stdout.write(f"  {msg}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo loaded in {time.monotonic() - started:.1f}s. Logins: admin, leader, eng-leader, "
                "facilitator, employee; password: trustos-demo"
            )
        )
