"""Counts in import and report messages read as English: "1 team", never "1 teams"."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase

from core.text import count_text
from orgs.importing import parse_people_csv
from orgs.services_import import ImportResult
from tests.base import BaseTestCase

HEADER = "email,name,team,parent_team,external_id,location,tenure_band\n"


class CountTextTests(SimpleTestCase):
    def test_it_uses_the_singular_for_one_only(self) -> None:
        assert count_text(1, "team") == "1 team"
        assert count_text(0, "team") == "0 teams"
        assert count_text(2, "person", "people") == "2 people"
        assert count_text(1, "person", "people") == "1 person"

    def test_the_import_summary_counts_in_words(self) -> None:
        one = ImportResult(1, 0, 0, 0, 0, teams_created=1, teams_moved=0).summary()
        assert one.startswith("1 person created") and "1 team created" in one
        assert "1 teams" not in one
        many = ImportResult(3, 1, 0, 0, 0, teams_created=2, teams_moved=1).summary()
        assert many.startswith("3 people created") and "2 teams created, 1 moved" in many

    def test_a_row_with_one_value_is_not_one_values(self) -> None:
        parsed = parse_people_csv((HEADER + "solo@example.com\n").encode())
        [error] = parsed.errors
        assert "the line has 1 value," in error.message


class ImportPageWordingTests(BaseTestCase):
    def test_importing_one_new_team_says_1_team_created(self) -> None:
        self.login(self.owner)
        data = (HEADER + "new@example.com,New Person,Research,,,,\n").encode()
        upload = SimpleUploadedFile("people.csv", data, "text/csv")
        self.client.post("/setup/people/import/", {"file": upload})
        preview_id = self.client.session["orgs_import_preview"]["id"]
        r = self.client.post(
            "/setup/people/import/preview/",
            {"preview_id": preview_id, "confirm_deactivation": "on"},
            follow=True,
        )
        html = r.content.decode()
        assert "1 person created" in html and "1 team created" in html, html[-3000:]
