"""Import refusals are InvalidInput members of the core error family: status 400, a message,
and `errors` naming the file, each line/column, or the deactivation confirmation."""

from __future__ import annotations

from core.errors import InvalidInput
from orgs.importing import ImportFileError, parse_people_csv
from orgs.models import Person
from orgs.services_import import ImportRejected, people_import_apply
from tests.base import BaseTestCase
from tests.factories import people_make

CYCLE = (
    "email,name,team,parent_team\n"
    "member@example.com,Mia Member,Alpha,Beta\n"
    "new@example.com,New Person,Beta,Alpha\n"
)


class ImportErrorFamilyTests(BaseTestCase):
    def test_an_unreadable_file_is_invalid_input_of_the_file_field(self) -> None:
        with self.assertRaises(ImportFileError) as ctx:
            parse_people_csv(b"")
        exc = ctx.exception
        self.assertIsInstance(exc, InvalidInput)
        self.assertEqual((exc.status, exc.code), (400, "import_file"))
        self.assertEqual(exc.message, "The file is empty.")
        self.assertEqual(exc.errors, {"file": "The file is empty."})

    def test_rows_refused_by_the_plan_are_named_by_line_and_column(self) -> None:
        rows = parse_people_csv(CYCLE.encode()).rows
        with self.assertRaises(ImportRejected) as ctx:
            people_import_apply(organization=self.org, actor=self.owner, rows=rows)
        exc = ctx.exception
        self.assertIsInstance(exc, InvalidInput)
        self.assertEqual((exc.status, exc.code), (400, "import_rows"))
        self.assertEqual(
            exc.message, f"{len(exc.row_errors)} problem(s) in the file; nothing was imported."
        )
        self.assertTrue(exc.row_errors)
        self.assertEqual(exc.errors, {e.where: e.message for e in exc.row_errors})
        self.assertTrue(
            all(k.startswith("line ") and "column 'parent_team'" in k for k in exc.errors)
        )

    def test_the_deactivation_guard_names_the_confirmation(self) -> None:
        people_make(org=self.org, team=self.platform, n=3)
        rows = parse_people_csv(b"email,name\nmember@example.com,Mia Member\n").rows
        active = Person.objects.filter(organization=self.org, is_active=True).count()
        with self.assertRaises(ImportRejected) as ctx:
            people_import_apply(organization=self.org, actor=self.owner, rows=rows)
        exc = ctx.exception
        self.assertEqual((exc.status, exc.code, exc.row_errors), (400, "confirm_deactivation", []))
        self.assertIn(f"deactivate {active - 1} of {active} active people", exc.message)
        self.assertEqual(exc.errors, {"confirm_deactivation": exc.message})
