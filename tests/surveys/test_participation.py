"""Participation for leaders: counts and rates per team, never names, small teams suppressed."""

from __future__ import annotations

from django.urls import reverse

from orgs.models import Team
from orgs.tenancy import tenant_for_user
from surveys.selectors import participation_for_round
from surveys.services.responses import response_submit
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round, token_of


class ParticipationTests(BaseTestCase):
    def setUp(self) -> None:
        add_people(self.org, self.platform, 6)  # + the base member = 7
        add_people(self.org, self.mobile, 3)
        add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.eng, self.sales])
        key = self.round.round_items.first().item.key
        # 4 of 7 in Platform, 1 of 3 in Mobile, 5 of 5 in Sales answer.
        for team, n in ((self.platform, 4), (self.mobile, 1), (self.sales, 5)):
            for inv in self.round.invitations.filter(team=team).order_by("id")[:n]:
                response_submit(token=token_of(inv), answers={key: 3})

    def rows(self, user: object) -> dict[str, tuple[int, int | None]]:
        p = participation_for_round(round=self.round, tenant=tenant_for_user(user))
        out = {r.label: (r.invited, r.responded) for r in p.rows}
        if p.small_teams:
            out["small"] = (p.small_teams.invited, p.small_teams.responded)
        out["total"] = (p.total.invited, p.total.responded)
        return out

    def test_a_leader_sees_rates_of_their_teams_and_no_answered_count_for_a_small_team(
        self,
    ) -> None:
        rows = self.rows(self.leader)
        assert rows["Platform"] == (7, 4)
        assert rows["Mobile"] == (3, None)
        assert "Sales" not in rows  # not their team
        # The small team alone in the pool stays hidden, and so does the total that would
        # let it be subtracted back (7 + 3 invited, 4 + ? answered).
        assert rows["small"] == (3, None)
        assert rows["total"] == (10, None)

    def test_small_teams_pooled_to_at_least_k_are_shown_combined(self) -> None:
        design = Team.objects.create(organization=self.org, name="Design", parent=self.eng)
        add_people(self.org, design, 2)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.eng])
        self.round = rnd
        rows = self.rows(self.leader)
        assert rows["Mobile"] == (3, None) and rows["Design"] == (2, None)
        assert rows["small"] == (5, 0)
        assert rows["total"] == (12, 0)

    def test_the_admin_sees_every_team(self) -> None:
        rows = self.rows(self.owner)
        assert rows["Sales"] == (5, 5)
        assert rows["Platform"] == (7, 4)

    def test_the_round_page_never_shows_a_name(self) -> None:
        self.login(self.leader)
        html = self.client.get(
            reverse("surveys:round_detail", args=[self.round.pk])
        ).content.decode()
        assert "Platform" in html and "fewer than 5 invited" in html
        for name in ("Person0", "Mia Member", "@example.com"):
            assert name not in html
        listing = self.client.get(reverse("surveys:round_list")).content.decode()
        assert "Person0" not in listing

    def test_a_leader_cannot_open_a_round_of_teams_they_do_not_see(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            other = open_round(self.org, [self.sales])
        self.login(self.leader)
        assert self.client.get(reverse("surveys:round_detail", args=[other.pk])).status_code == 404
        self.login(self.outsider)
        assert (
            self.client.get(reverse("surveys:round_detail", args=[self.round.pk])).status_code
            == 404
        )
