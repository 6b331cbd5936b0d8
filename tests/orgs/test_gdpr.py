"""GDPR per person: export everything stored about them, or erase them. Neither touches the
anonymous responses, which have no link to a person."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from core.links import link_hash, link_nonce
from core.models import AuditEntry
from core.registry import person_data
from decisions.models import CheckInInvitation, CheckInResponse, Decision
from orgs.models import Membership, Person, Role
from orgs.selectors import person_erase_summary
from surveys.models import Invitation, PulseRound, Response, RubricVersion
from tests.base import BaseTestCase


class GdprTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)
        rubric = RubricVersion.objects.create(organization=None, version=1, name="Rubric")
        now = timezone.now()
        self.round = PulseRound.objects.create(
            organization=self.org,
            rubric=rubric,
            title="March pulse",
            period=dt.date(2026, 3, 1),
            opens_at=now,
            closes_at=now + dt.timedelta(days=5),
        )
        Invitation.objects.create(
            organization=self.org,
            round=self.round,
            person=self.member_person,
            team=self.platform,
            token_hash=link_hash(link_nonce()),
            sent_at=now,
            used=True,
        )
        # Someone else's invitation and the round's anonymous answers.
        self.bo = Person.objects.create(organization=self.org, name="Bo", email="bo@example.com")
        Invitation.objects.create(
            organization=self.org,
            round=self.round,
            person=self.bo,
            token_hash=link_hash(link_nonce()),
        )
        for _ in range(3):
            Response.objects.create(
                organization=self.org,
                round=self.round,
                team=self.platform,
                period=self.round.period,
                submitted_on=dt.date(2026, 3, 2),
                comment="anonymous",
            )
        # Mia's own history.
        self.client.post(
            f"/setup/people/{self.member_person.pk}/",
            {
                "name": "Mia Member",
                "email": "member@example.com",
                "team": self.mobile.pk,
                "location": "Berlin",
            },
        )

    def test_export_holds_the_persons_data_and_no_responses(self) -> None:
        r = self.client.get(f"/setup/people/{self.member_person.pk}/export/")
        self.assertEqual(r.status_code, 200)
        self.assertIn("attachment", r["Content-Disposition"])
        data = json.loads(r.content)
        self.assertEqual(data["person"]["email"], "member@example.com")
        self.assertEqual(data["person"]["team"], "Mobile")
        self.assertEqual(data["person"]["attributes"], {"location": "Berlin"})
        self.assertEqual(data["account"]["username"], "member")
        self.assertEqual(
            data["roles"], [{"role": "employee", "teams": [], "since": data["roles"][0]["since"]}]
        )
        self.assertEqual(len(data["invitations"]), 1)
        self.assertEqual(data["invitations"][0]["round"], "March pulse")
        self.assertIs(data["invitations"][0]["sent"], True)
        self.assertNotIn("used", data["invitations"][0])  # whether answered: never exported
        self.assertEqual([h["action"] for h in data["history"]], ["orgs.person.updated"])
        self.assertNotIn("anonymous", r.content.decode())  # no response comments
        self.assertTrue(AuditEntry.objects.filter(action="orgs.person.exported").exists())

    def test_delete_erases_the_person_invitations_login_and_history_values(self) -> None:
        pk, user_pk = self.member_person.pk, self.member.pk
        r = self.client.get(f"/setup/people/{pk}/delete/")
        self.assertContains(r, "1 survey invitation")
        r = self.client.post(f"/setup/people/{pk}/delete/")
        self.assertRedirects(r, "/setup/people/")
        self.assertFalse(Person.objects.filter(pk=pk).exists())
        self.assertFalse(Invitation.objects.filter(person_id=pk).exists())
        self.assertFalse(get_user_model().objects.filter(pk=user_pk).exists())
        self.assertFalse(Membership.objects.filter(user_id=user_pk).exists())
        # The anonymous answers and other people's invitations are untouched.
        self.assertEqual(Response.objects.filter(round=self.round).count(), 3)
        self.assertEqual(Invitation.objects.filter(person=self.bo).count(), 1)
        # The audit trail keeps that something happened, without the personal values.
        history = AuditEntry.objects.filter(object_type="orgs.Person", object_id=str(pk))
        self.assertEqual(
            sorted(history.values_list("action", flat=True)),
            ["orgs.person.deleted", "orgs.person.updated"],
        )
        self.assertNotIn("Berlin", json.dumps(list(history.values_list("changes", flat=True))))
        self.assertEqual(history.get(action="orgs.person.deleted").actor, self.owner)

    def test_the_delete_confirmation_counts_invitations_roles_and_history(self) -> None:
        r = self.client.get(f"/setup/people/{self.member_person.pk}/delete/")
        self.assertContains(r, "<li>1 survey invitation</li>", html=False)
        self.assertContains(r, "<li>their role here</li>", html=False)
        self.assertContains(r, "<li>the personal values in 1 history entry about them</li>")
        for absent in ("check-in invitation", "ownership of", "stakeholders of"):
            self.assertNotContains(r, absent)  # no lines for what the person has none of

    def test_a_login_that_also_serves_another_org_is_kept(self) -> None:
        Membership.objects.create(user=self.member, organization=self.other_org, role=Role.EMPLOYEE)
        self.client.post(f"/setup/people/{self.member_person.pk}/delete/")
        self.assertTrue(get_user_model().objects.filter(pk=self.member.pk).exists())
        self.assertFalse(
            Membership.objects.filter(user=self.member, organization=self.org).exists()
        )

    def test_the_last_admin_cannot_be_erased(self) -> None:
        me = Person.objects.create(
            organization=self.org, name="Owner", email="owner@example.com", user=self.owner
        )
        r = self.client.post(f"/setup/people/{me.pk}/delete/", follow=True)
        self.assertContains(r, "last admin")
        self.assertTrue(Person.objects.filter(pk=me.pk).exists())
        self.assertTrue(get_user_model().objects.filter(pk=self.owner.pk).exists())
        r = APIClient()
        r.force_authenticate(self.owner)
        self.assertEqual(r.delete(f"/api/v1/people/{me.pk}/").status_code, 400)

    def test_the_api_exports_and_deletes_too(self) -> None:
        api = APIClient()
        api.force_authenticate(self.owner)
        r = api.get(f"/api/v1/people/{self.bo.pk}/export/")
        self.assertEqual(r.json()["person"]["name"], "Bo")
        r = api.delete(f"/api/v1/people/{self.bo.pk}/")
        self.assertEqual(r.status_code, 204)
        self.assertFalse(Person.objects.filter(pk=self.bo.pk).exists())
        self.assertEqual(Response.objects.count(), 3)


class DecisionStakeholderGdprTests(BaseTestCase):
    """Decisions' part of the export and erase comes through the registry (issue 8)."""

    def setUp(self) -> None:
        self.login(self.owner)
        self.mia = self.member_person
        self.owned = Decision.objects.create(
            organization=self.org, title="Move to weekly releases", decided_on=dt.date(2026, 3, 2)
        )
        self.owned.owner = self.mia
        self.owned.save()
        self.asked = Decision.objects.create(
            organization=self.org, title="Drop the Friday demo", decided_on=dt.date(2026, 3, 9)
        )
        self.asked.stakeholders.add(self.mia)
        self.other = Decision.objects.create(
            organization=self.org, title="Someone else's decision", decided_on=dt.date(2026, 3, 9)
        )
        CheckInInvitation.objects.create(
            organization=self.org,
            decision=self.asked,
            offset_days=14,
            person=self.mia,
            team=self.platform,
            nonce="n1",
            token_hash="h" * 64,
            sent_at=timezone.now(),
        )
        CheckInResponse.objects.create(
            organization=self.org,
            decision=self.asked,
            team=self.platform,
            period=dt.date(2026, 3, 1),
            answered_on=dt.date(2026, 3, 23),
            holding=4,
            acted="yes",
            rediscussed="no",
            comment="anonymous check-in",
            decision_status_at_answer="decided",
        )

    def test_the_export_of_a_stakeholder_lists_their_decisions_and_check_in_invitations(
        self,
    ) -> None:
        r = self.client.get(f"/setup/people/{self.mia.pk}/export/")
        data = json.loads(r.content)
        assert [d["title"] for d in data["decisions_owned"]] == ["Move to weekly releases"]
        assert [d["title"] for d in data["decisions_as_stakeholder"]] == ["Drop the Friday demo"]
        [inv] = data["checkin_invitations"]
        assert inv["decision"] == "Drop the Friday demo" and inv["offset_days"] == 14
        assert inv["sent_at"] is not None and "used" not in inv
        assert "Someone else's decision" not in r.content.decode()
        assert "anonymous check-in" not in r.content.decode()  # answers never name anyone

    def test_erasure_takes_the_person_off_decisions_and_keeps_decisions_and_answers(self) -> None:
        r = self.client.post(f"/setup/people/{self.mia.pk}/delete/")
        assert r.status_code == 302
        assert not CheckInInvitation.objects.filter(person_id=self.mia.pk).exists()
        self.owned.refresh_from_db()
        assert self.owned.owner_id is None
        assert not self.asked.stakeholders.exists()
        assert Decision.objects.filter(organization=self.org).count() == 3
        assert CheckInResponse.objects.filter(decision=self.asked).count() == 1
        entry = AuditEntry.objects.get(action="orgs.person.deleted")
        assert entry.changes["checkin_invitations_deleted"] == 1
        assert entry.changes["decisions_unowned"] == 1
        assert entry.changes["stakeholder_of_removed"] == 1

    def test_the_delete_confirmation_lists_what_every_app_will_erase(self) -> None:
        r = self.client.get(f"/setup/people/{self.mia.pk}/delete/")
        self.assertEqual(r.status_code, 200)
        for line in (
            "1 decision check-in invitation",
            "their ownership of 1 decision (the decision stays, without an owner)",
            "their place among the stakeholders of 1 decision",
            "their role here",
            "their login <strong>member</strong>",
        ):
            self.assertContains(r, line)
        self.assertNotContains(r, "survey invitation")  # Mia has none: no empty lines

    def test_the_confirmation_lines_come_from_every_registered_app(self) -> None:
        self.assertEqual(
            set(person_data.keys()), {"orgs", "surveys", "decisions", "execution", "workshops"}
        )
        lines = person_erase_summary(person=self.mia)
        per_app = {key: part.summary(self.mia) for key, part in person_data.items()}
        self.assertEqual(lines, [line for part in per_app.values() for line in part])
        self.assertTrue(all(per_app[key] for key in ("orgs", "decisions")))
