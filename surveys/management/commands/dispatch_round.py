"""Send (or finish sending) the invitations of one round, with progress; safe to re-run."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.text import count_text
from surveys.models import PulseRound
from surveys.services.dispatch import round_dispatch


class Command(BaseCommand):
    help = "Dispatch a pulse round's invitations (idempotent: nobody gets a second one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round_id", type=int)

    def handle(self, *args: Any, **opts: Any) -> None:
        if not PulseRound.objects.filter(pk=opts["round_id"]).exists():
            raise CommandError(f"No round with id {opts['round_id']}.")
        result = round_dispatch(round_id=opts["round_id"], progress=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"{count_text(result.created, 'invitation')} created, {result.sent} sent."
            )
        )
