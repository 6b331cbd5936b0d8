"""`manage.py import_people ORG FILE [--confirm-deactivation]`: the page's rules, from a shell."""

from __future__ import annotations

import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

from orgs.models import Person, Team
from tests.base import BaseTestCase

HEADER = "email,name,team,parent_team,external_id,location,tenure_band\n"


class ImportCommandTests(BaseTestCase):
    def write(self, content: str | bytes) -> Path:
        with tempfile.NamedTemporaryFile("wb", suffix=".csv", delete=False) as tmp:
            tmp.write(content.encode() if isinstance(content, str) else content)
        self.addCleanup(Path(tmp.name).unlink)
        return Path(tmp.name)

    def run_cmd(self, path: Path, *args: str) -> str:
        out = StringIO()
        call_command("import_people", "acme", str(path), *args, stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_it_imports_with_progress_output(self) -> None:
        path = self.write(
            HEADER
            + "member@example.com,Mia Member,Platform,Engineering,,,\n"
            + "new@example.com,New Person,Data,Engineering,,Berlin,\n"
        )
        out = self.run_cmd(path)
        self.assertIn("2 rows read", out)
        self.assertIn("Plan: 1 to create", out)
        self.assertIn("teams: 1 created", out)
        self.assertIn("Imported: 1 person created", out)
        self.assertEqual(Team.objects.get(organization=self.org, name="Data").parent, self.eng)
        self.assertTrue(
            Person.objects.filter(organization=self.org, email="new@example.com").exists()
        )

    def test_bad_rows_are_listed_and_nothing_is_written(self) -> None:
        path = self.write(HEADER + "new@example.com,New,,,,,\nbad,Bad,,,,,\n,Empty,,,,,\n")
        err = StringIO()
        with self.assertRaisesMessage(CommandError, "2 problem(s)"):
            call_command("import_people", "acme", str(path), stdout=StringIO(), stderr=err)
        self.assertIn("line 3, column 'email'", err.getvalue())
        self.assertIn("line 4, column 'email'", err.getvalue())
        self.assertFalse(Person.objects.filter(email="new@example.com").exists())

    def test_the_deactivation_guard_needs_the_flag(self) -> None:
        for i in range(3):
            Person.objects.create(organization=self.org, name=f"P{i}", email=f"p{i}@example.com")
        path = self.write(HEADER + "p0@example.com,P0,,,,,\n")  # 3 of 4 would go
        with self.assertRaisesMessage(CommandError, "--confirm-deactivation"):
            self.run_cmd(path)
        self.assertEqual(Person.objects.filter(organization=self.org, is_active=True).count(), 4)
        self.run_cmd(path, "--confirm-deactivation")
        self.assertEqual(Person.objects.filter(organization=self.org, is_active=True).count(), 1)

    def test_dry_run_writes_nothing(self) -> None:
        path = self.write(HEADER + "new@example.com,New,,,,,\nmember@example.com,Mia,,,,,\n")
        self.assertIn("Dry run", self.run_cmd(path, "--dry-run"))
        self.assertFalse(Person.objects.filter(email="new@example.com").exists())

    def test_file_problems_and_unknown_org_are_command_errors(self) -> None:
        with self.assertRaisesMessage(CommandError, "not UTF-8"):
            self.run_cmd(self.write("email,name\na@example.com,Zoë\n".encode("latin-1")))
        with self.assertRaisesMessage(CommandError, "empty"):
            self.run_cmd(self.write(""))
        with self.assertRaisesMessage(CommandError, "No organization"):
            call_command("import_people", "nope", str(self.write(HEADER)), stdout=StringIO())
        with self.assertRaisesMessage(CommandError, "Cannot read"):
            call_command("import_people", "acme", "/nonexistent/file.csv", stdout=StringIO())
