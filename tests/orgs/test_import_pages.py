"""CSV import through the set-up pages: upload → preview → confirm, all or nothing."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEntry
from orgs.models import Person, Team
from tests.base import BaseTestCase

HEADER = "email,name,team,parent_team,external_id,location,tenure_band\n"
GOOD = (
    HEADER
    + "member@example.com,Mia Member,Platform,Engineering,E1,Berlin,1-3y\n"
    + "ann@example.com,Ann Ames,Platform,Engineering,E2,Lisbon,<1y\n"
    + "bo@example.com,Bo Berg,Research,Product,E3,Remote,5y+\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


class ImportPageTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)

    def post_file(self, content: str | bytes, name: str = "people.csv"):  # type: ignore[no-untyped-def]
        data = content.encode() if isinstance(content, str) else content
        return self.client.post("/setup/people/import/", {"file": upload(name, data)})

    def preview_id(self) -> str:
        return self.client.session["orgs_import_preview"]["id"]

    def snapshot(self) -> tuple:
        return (
            sorted(
                Person.objects.values_list("email", "name", "team_id", "is_active", "attributes")
            ),
            sorted(Team.objects.values_list("name", "parent_id", "is_active")),
        )

    def test_the_page_documents_the_format_with_a_downloadable_example(self) -> None:
        r = self.client.get("/setup/people/import/")
        self.assertContains(r, "parent_team")
        self.assertContains(r, "more than a third")
        r = self.client.get("/setup/people/import/example.csv")
        self.assertEqual(r["Content-Type"], "text/csv; charset=utf-8")
        self.assertTrue(r.content.startswith(b"email,name,team,parent_team"))

    def test_a_good_file_is_previewed_then_imported(self) -> None:
        r = self.post_file(GOOD)
        self.assertRedirects(r, "/setup/people/import/preview/")
        self.assertEqual(Person.objects.filter(organization=self.org).count(), 1)  # nothing yet
        r = self.client.get("/setup/people/import/preview/")
        self.assertContains(r, "ann@example.com")
        self.assertContains(r, "Research")  # team to create, shown
        self.assertContains(r, "<strong>2</strong> to create", html=False)
        r = self.client.post(
            "/setup/people/import/preview/", {"preview_id": self.preview_id()}, follow=True
        )
        self.assertContains(r, "2 people created, 1 updated")
        ann = Person.objects.get(organization=self.org, email="ann@example.com")
        self.assertEqual(ann.team, self.platform)
        self.assertEqual(ann.attributes, {"location": "Lisbon", "tenure_band": "<1y"})
        research = Team.objects.get(organization=self.org, name="Research")
        self.assertEqual(research.parent.name, "Product")
        self.assertIsNone(research.parent.parent)
        self.assertEqual(Person.objects.get(pk=self.member_person.pk).external_id, "E1")
        self.assertTrue(
            AuditEntry.objects.filter(organization=self.org, action="orgs.people.imported").exists()
        )
        self.assertNotIn("orgs_import_preview", self.client.session)

    def test_bad_rows_are_all_listed_and_nothing_is_written(self) -> None:
        before = self.snapshot()
        r = self.post_file(
            HEADER
            + "ok@example.com,Ok,NewTeam,,,,\n"
            + "broken,Broken,Platform,,,,\n"
            + "nameless@example.com,,Platform,,,,\n"
            + "OK@example.com,Twice,Platform,,,,\n"
            + "loop@example.com,Loop,Engineering,Platform,,,\n"
        )
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "4 problems", status_code=400)
        for line, column in ((3, "email"), (4, "name"), (5, "email"), (6, "parent_team")):
            self.assertContains(
                r, f'<td class="num">{line}</td><td>{column}</td>', status_code=400, html=False
            )
        self.assertContains(r, "cycle", status_code=400)
        self.assertEqual(self.snapshot(), before)
        self.assertNotIn("orgs_import_preview", self.client.session)

    def test_wrong_columns_are_named(self) -> None:
        r = self.post_file("mail,full_name\na@example.com,A\n")
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "mail", status_code=400)
        self.assertContains(r, "unknown column", status_code=400)
        self.assertContains(r, "required column is missing", status_code=400)

    def test_an_empty_file_gets_a_clear_message(self) -> None:
        for content in (b"", b"\n\n"):
            r = self.post_file(content)
            self.assertEqual(r.status_code, 400)
            self.assertContains(r, "empty", status_code=400)

    def test_a_non_utf8_file_names_the_byte_offset(self) -> None:
        data = (HEADER + "jose@example.com,José Núñez,,,,,\n").encode("cp1252")
        r = self.post_file(data)
        self.assertEqual(r.status_code, 400)
        offset = data.index("é".encode("cp1252"))
        self.assertContains(r, f"byte offset {offset}", status_code=400)
        self.assertContains(r, "CSV UTF-8", status_code=400)
        self.assertFalse(Person.objects.filter(email="jose@example.com").exists())

    def test_a_file_over_the_size_limit_is_refused(self) -> None:
        r = self.post_file(b"email,name\n" + b"x" * (2 * 1024 * 1024 + 1))
        # Refused while it streams in (core.uploads), before the view reads it.
        self.assertContains(r, "the limit of 2.0 MB (UPLOAD_MAX_BYTES)", status_code=413)

    def test_idempotent_reimport_changes_nothing(self) -> None:
        self.post_file(GOOD)
        self.client.post("/setup/people/import/preview/", {"preview_id": self.preview_id()})
        after_first = self.snapshot()
        stamps = sorted(Person.objects.values_list("email", "updated_at"))
        r = self.post_file(GOOD)
        r = self.client.get("/setup/people/import/preview/")
        self.assertContains(r, "importing changes nothing")
        r = self.client.post(
            "/setup/people/import/preview/", {"preview_id": self.preview_id()}, follow=True
        )
        self.assertContains(
            r, "0 people created, 0 updated, 0 reactivated, 3 unchanged, 0 deactivated"
        )
        self.assertEqual(self.snapshot(), after_first)
        self.assertEqual(sorted(Person.objects.values_list("email", "updated_at")), stamps)

    def test_the_preview_is_kept_on_the_server_not_in_the_form(self) -> None:
        self.post_file(GOOD)
        r = self.client.get("/setup/people/import/preview/")
        hidden = set(re.findall(r'type="hidden" name="(\w+)"', r.content.decode()))
        self.assertEqual(hidden, {"csrfmiddlewaretoken", "preview_id"})  # no rows in the form
        r = self.client.post(
            "/setup/people/import/preview/",
            {"preview_id": "forged", "email": "evil@example.com", "name": "Evil"},
        )
        self.assertRedirects(r, "/setup/people/import/")
        self.assertFalse(
            Person.objects.filter(email__in=["ann@example.com", "evil@example.com"]).exists()
        )

    def test_the_preview_is_planned_again_at_confirm_time(self) -> None:
        self.post_file(GOOD)
        # Someone else creates Ann meanwhile: the confirm updates her instead of failing.
        Person.objects.create(organization=self.org, name="Ann Old", email="ann@example.com")
        r = self.client.post(
            "/setup/people/import/preview/", {"preview_id": self.preview_id()}, follow=True
        )
        self.assertContains(r, "1 person created, 2 updated")
        self.assertEqual(Person.objects.get(email="ann@example.com").name, "Ann Ames")


class DeactivationGuardTests(BaseTestCase):
    """Acme has 1 active person (Mia); these tests give it 9 more first."""

    def setUp(self) -> None:
        self.login(self.owner)
        for i in range(9):
            Person.objects.create(organization=self.org, name=f"P{i}", email=f"p{i}@example.com")

    def upload_keep(self, keep: list[str]) -> None:
        body = "".join(f"{e},Name {e},,,,,\n" for e in keep)
        self.client.post(
            "/setup/people/import/",
            {
                "file": upload(
                    "p.csv",
                    f"email,name,team,parent_team,external_id,location,tenure_band\n{body}".encode(),
                )
            },
        )

    def confirm(self, **extra: str):  # type: ignore[no-untyped-def]
        pid = self.client.session["orgs_import_preview"]["id"]
        return self.client.post("/setup/people/import/preview/", {"preview_id": pid, **extra})

    def test_it_stops_when_more_than_a_third_would_be_deactivated(self) -> None:
        self.upload_keep([f"p{i}@example.com" for i in range(6)])  # 4 of 10 would go
        r = self.client.get("/setup/people/import/preview/")
        self.assertContains(r, "4 of 10 active people")
        self.assertContains(r, 'name="confirm_deactivation"')
        r = self.confirm()
        self.assertEqual(r.status_code, 400)
        self.assertContains(r, "confirm the deactivation explicitly", status_code=400)
        self.assertEqual(Person.objects.filter(organization=self.org, is_active=True).count(), 10)
        self.assertEqual(Person.objects.get(email="p0@example.com").name, "P0")  # nothing written

    def test_it_proceeds_with_the_confirmation_and_deactivates_without_deleting(self) -> None:
        self.upload_keep([f"p{i}@example.com" for i in range(6)])
        r = self.confirm(confirm_deactivation="on")
        self.assertRedirects(r, "/setup/people/")
        self.assertEqual(Person.objects.filter(organization=self.org, is_active=True).count(), 6)
        self.assertEqual(Person.objects.filter(organization=self.org).count(), 10)
        self.assertFalse(Person.objects.get(pk=self.member_person.pk).is_active)
        entry = AuditEntry.objects.get(organization=self.org, action="orgs.people.imported")
        self.assertEqual(entry.changes["deactivated"], 4)
        self.assertTrue(entry.changes["deactivation_confirmed"])

    def test_up_to_a_third_needs_no_confirmation(self) -> None:
        keep = [f"p{i}@example.com" for i in range(7)]  # Mia, p7, p8 go: 3 of 10
        self.upload_keep(keep)
        r = self.client.get("/setup/people/import/preview/")
        self.assertNotContains(r, 'name="confirm_deactivation"')
        self.confirm()
        self.assertEqual(Person.objects.filter(organization=self.org, is_active=True).count(), 7)

    def test_people_of_another_org_are_never_touched(self) -> None:
        self.upload_keep([f"p{i}@example.com" for i in range(7)])
        self.confirm()
        self.assertTrue(Person.objects.get(pk=self.other_person.pk).is_active)
