"""An import is all or nothing: a database failure half-way leaves no team, update or
deactivation behind."""

from __future__ import annotations

from unittest import mock

from django.db import DatabaseError

from core.models import AuditEntry
from orgs.importing import parse_people_csv
from orgs.models import Person, Team
from orgs.services import people_import_apply
from tests.base import BaseTestCase

CSV = (
    "email,name,team,parent_team\n"
    "member@example.com,Mia Renamed,Research,Engineering\n"
    "new@example.com,New Person,Research,Engineering\n"
)


class ImportAtomicityTests(BaseTestCase):
    def test_a_failure_after_the_first_writes_rolls_everything_back(self) -> None:
        rows = parse_people_csv(CSV.encode()).rows
        # Fault injection at the ORM boundary: the new people's insert fails after the team
        # was created and Mia was updated.
        with (
            mock.patch.object(
                Person.objects, "bulk_create", side_effect=DatabaseError("disk full")
            ),
            self.assertRaises(DatabaseError),
        ):
            people_import_apply(organization=self.org, actor=self.owner, rows=rows)
        self.assertFalse(Team.objects.filter(name="Research").exists())
        self.assertEqual(Person.objects.get(pk=self.member_person.pk).name, "Mia Member")
        self.assertEqual(Person.objects.get(pk=self.member_person.pk).team, self.platform)
        self.assertFalse(AuditEntry.objects.exists())

    def test_the_same_rows_then_import_cleanly(self) -> None:
        rows = parse_people_csv(CSV.encode()).rows
        result = people_import_apply(organization=self.org, actor=self.owner, rows=rows)
        self.assertEqual((result.created, result.updated, result.teams_created), (1, 1, 1))
        self.assertEqual(Person.objects.get(pk=self.member_person.pk).team.name, "Research")
