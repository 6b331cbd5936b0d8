"""The round pages: "send reminders now" (who may, audited, same cap and gap as the automatic
reminders) and the warning before a pulse to a team smaller than k."""

from __future__ import annotations

from collections import Counter

import time_machine
from django.core import mail
from django.urls import reverse

from core.models import AuditEntry
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round
from tests.surveys.test_reminders import MON, at


def reminders() -> Counter[str]:
    return Counter(m.to[0] for m in mail.outbox if m.subject.startswith("Reminder"))


class RemindNowTests(BaseTestCase):
    def setUp(self) -> None:
        self.people = add_people(self.org, self.platform, 5)
        with time_machine.travel(MON, tick=False), self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.platform], open_days=8)
        self.url = reverse("surveys:round_remind", args=[self.round.pk])

    def press(self, user: object) -> int:
        self.login(user)
        with (
            time_machine.travel(at(1, 22), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):  # Tuesday 22:00, before half-time: the automatic rules would send nothing
            return self.client.post(self.url).status_code

    def test_a_leader_of_the_round_team_reminds_every_non_responder_now_and_it_is_audited(
        self,
    ) -> None:
        self.login(self.leader)
        page = self.client.get(reverse("surveys:round_detail", args=[self.round.pk]))
        self.assertContains(page, "Send reminders now")
        self.assertEqual(self.press(self.leader), 302)
        invited = {i.person.email for i in self.round.invitations.select_related("person")}
        self.assertEqual(reminders(), Counter(dict.fromkeys(invited, 1)))
        entry = AuditEntry.objects.get(action="surveys.round.reminded")
        self.assertEqual(entry.actor_id, self.leader.pk)
        self.assertEqual(self.press(self.leader), 302)  # again at once: the 2-day gap holds
        self.assertEqual(sum(reminders().values()), len(invited))

    def test_others_may_not_remind(self) -> None:
        self.assertEqual(self.press(self.facilitator), 403)
        self.assertEqual(self.press(self.member), 403)
        self.assertEqual(reminders(), Counter())

    def test_reminding_takes_a_post(self) -> None:
        self.login(self.owner)
        self.assertEqual(self.client.get(self.url).status_code, 405)


class SmallTeamWarningTests(BaseTestCase):
    def test_the_send_form_lists_teams_smaller_than_k_and_still_sends(self) -> None:
        add_people(self.org, self.platform, self.org.k + 1)
        add_people(self.org, self.mobile, 1)
        self.login(self.owner)
        page = self.client.get(reverse("surveys:round_send"))
        small = {t.name: t.people for t in page.context["small_teams"]}
        self.assertIn("Mobile", small)
        self.assertNotIn("Platform", small)
        self.assertContains(page, f"Fewer than {self.org.k} people")
