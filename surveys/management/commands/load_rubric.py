"""Load a rubric YAML file as a shipped rubric version (the data migration does this once)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from surveys.rubric_io import SHIPPED_RUBRIC, RubricFileError, rubric_install, rubric_read


class Command(BaseCommand):
    help = "Load the trust-infrastructure rubric YAML into the database (no-op if loaded)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(SHIPPED_RUBRIC))

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            data = rubric_read(Path(opts["path"]))
        except (OSError, RubricFileError) as exc:
            raise CommandError(f"{opts['path']}: {exc}") from exc
        with transaction.atomic():
            rubric = rubric_install(data=data)
        n_items = rubric.items.count()
        self.stdout.write(
            f"Rubric {rubric} loaded: {rubric.dimensions.count()} dimensions, {n_items} items."
        )
