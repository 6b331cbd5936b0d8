"""QA findings on the decision register: a team filter that is malformed or not of the org is
a 4xx with a message (not an empty list), and a decision says who logged it by their role."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from decisions.models import Decision
from tests.base import BaseTestCase


class RegisterQATests(BaseTestCase):
    def _decision(self, creator: object) -> Decision:
        d = Decision.objects.create(
            organization=self.org,
            title="Move to trunk-based development",
            decided_on=dt.date(2026, 10, 1),
            created_by=creator,
        )
        d.affected_teams.add(self.platform)
        return d

    def test_an_unknown_or_foreign_team_filter_is_a_404_with_a_message(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("decisions:list"), {"team": "999999"})
        self.assertEqual(page.status_code, 404)
        self.assertContains(page, "team 999999 not found", status_code=404)
        foreign = self.client.get(reverse("decisions:list"), {"team": self.other_team.pk})
        self.assertEqual(foreign.status_code, 404)

    def test_a_malformed_team_filter_is_a_400(self) -> None:
        self.login(self.owner)
        page = self.client.get(reverse("decisions:list"), {"team": "abc"})
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "whole numbers", status_code=400)

    def test_a_known_team_filter_still_lists(self) -> None:
        self._decision(self.owner)
        self.login(self.owner)
        page = self.client.get(reverse("decisions:list"), {"team": self.eng.pk})
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "Move to trunk-based development")

    def test_an_admin_logged_decision_says_so(self) -> None:
        d = self._decision(self.owner)
        self.login(self.owner)
        page = self.client.get(reverse("decisions:detail", args=[d.pk]))
        self.assertContains(page, "Logged by an org admin")
        self.assertNotContains(page, "Logged by a leader")

    def test_a_leader_logged_decision_says_a_leader(self) -> None:
        d = self._decision(self.leader)
        self.login(self.leader)
        page = self.client.get(reverse("decisions:detail", args=[d.pk]))
        self.assertContains(page, "Logged by a leader")
