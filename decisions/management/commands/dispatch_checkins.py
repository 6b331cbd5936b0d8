"""Create and send the decision check-ins that are due (what the hourly beat task does)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from decisions.checkins import checkin_invitations_send, checkins_create_due
from decisions.tasks import dispatch_due_checkins_task
from orgs.models import Organization


class Command(BaseCommand):
    help = "Dispatch due decision check-ins (queued on Celery, or here and now with --now)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="send in this process instead of queueing"
        )
        parser.add_argument("--org", help="only this organization (slug)")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            help="pretend today is this date (YYYY-MM-DD) when finding due check-ins; implies --now",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if not opts["now"] and not opts["today"] and not opts["org"]:
            dispatch_due_checkins_task.delay()
            self.stdout.write("Queued the dispatch task (a Celery worker sends the emails).")
            return
        orgs = Organization.objects.all().order_by("pk")
        if opts["org"]:
            orgs = orgs.filter(slug=opts["org"])
            if not orgs.exists():
                raise CommandError(f"No organization with slug {opts['org']!r}.")
        total = 0
        for org in orgs:
            now = None
            if opts["today"]:
                now = dt.datetime.combine(opts["today"], dt.time(12), org.tz)
            with transaction.atomic():
                ids = checkins_create_due(org=org, now=now)
            sent, failed = checkin_invitations_send(invitation_ids=ids)
            if failed:
                self.stderr.write(
                    f"  {failed} could not be sent (mail error); the next run retries."
                )
            total += sent
            self.stdout.write(f"{org.name}: {sent} check-in invitation(s) sent.")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} sent."))
