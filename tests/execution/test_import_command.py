"""manage.py import_execution: progress lines, the report, and a clear error for bad input."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command

from execution.models import WorkItem
from tests.base import BaseTestCase
from tests.execution.app_helpers import HISTORY_CSV, ITEMS_CSV


class ImportCommandTests(BaseTestCase):
    def _file(self, text: str, name: str) -> Path:
        d = Path(tempfile.mkdtemp())
        path = d / name
        path.write_text(text)
        return path

    def test_it_prints_progress_and_the_skipped_rows(self) -> None:
        items = self._file(ITEMS_CSV + "A-9,Nowhere,x,Done,,2026-10-01,,2026-10-02,\n", "items.csv")
        history = self._file(HISTORY_CSV, "history.csv")
        out = io.StringIO()
        call_command(
            "import_execution", str(items), "--org", "acme", "--history", str(history), stdout=out
        )
        text = out.getvalue()
        self.assertIn("[  5%] reading", text)
        self.assertIn("[100%]", text)
        self.assertRegex(text, r"skipped (line 5|row), column team \('Nowhere'\): unknown team")
        self.assertIn("8 rows imported; 1 skipped", text)
        self.assertEqual(WorkItem.objects.count(), 3)

    def test_an_empty_file_is_a_command_error_with_the_reason(self) -> None:
        path = self._file("", "empty.csv")
        with self.assertRaisesMessage(CommandError, "empty.csv is empty"):
            call_command("import_execution", str(path), "--org", "acme", stdout=io.StringIO())

    def test_an_unknown_org_is_named(self) -> None:
        path = self._file(ITEMS_CSV, "items.csv")
        with self.assertRaisesMessage(CommandError, "No organization with slug 'nope'"):
            call_command("import_execution", str(path), "--org", "nope", stdout=io.StringIO())
