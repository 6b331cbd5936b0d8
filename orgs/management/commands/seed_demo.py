"""Load the demo organization (deterministic with --seed) and let each app add its data."""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from orgs.demo import demo_org_create, demo_org_delete, demo_org_exists
from orgs.periods import recent_periods

# Each module, when present, has seed_demo(*, org, rng, periods, today, log) -> None.
# Order matters: rubric and pulses first, then decisions (which read pulse profiles).
APP_SEEDERS = ["surveys.demo", "decisions.demo", "scoring.demo"]


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
        for module_name in APP_SEEDERS:
            if importlib.util.find_spec(module_name) is None:
                continue
            module = importlib.import_module(module_name)
            # Each app gets its own stream so adding data to one app never shifts another's.
            app_rng = random.Random(f"{opts['seed']}:{module_name}")
            module.seed_demo(
                org=org,
                rng=app_rng,
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
