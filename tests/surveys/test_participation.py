"""Participation for leaders: counts per team (with sub-teams), never names, suppressed on the whole tree."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

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
        out["total"] = (p.total.invited, p.total.responded)
        return out

    def test_a_leader_sees_their_teams_with_sub_teams_and_no_answered_count_for_a_small_team(
        self,
    ) -> None:
        rows = self.rows(self.leader)
        assert rows["Mobile"] == (3, None)
        assert "Sales" not in rows  # not their team
        # Engineering (10) minus Platform (7) would give Mobile's 3, so Platform is hidden
        # (complementary suppression) and only Engineering as a whole is shown.
        assert rows["Platform"] == (7, None)
        assert rows["Engineering"] == (10, 5)
        assert rows["total"] == (10, 5)

    def test_when_every_team_together_is_below_k_no_answered_count_is_shown(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.round = open_round(self.org, [self.mobile])
        rows = self.rows(self.leader)
        assert rows == {"Engineering": (3, None), "Mobile": (3, None), "total": (3, None)}

    def test_small_sub_teams_together_reaching_k_leave_their_parent_and_siblings_shown(
        self,
    ) -> None:
        design = Team.objects.create(organization=self.org, name="Design", parent=self.eng)
        add_people(self.org, design, 2)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.eng])
        self.round = rnd
        rows = self.rows(self.leader)
        assert rows["Mobile"] == (3, None) and rows["Design"] == (2, None)
        # Engineering minus Platform covers Mobile and Design together: 5 people, k = 5.
        assert rows["Platform"] == (7, 0)
        assert rows["Engineering"] == (12, 0)
        assert rows["total"] == (12, 0)

    def test_the_admin_sees_the_same_decision_for_every_team(self) -> None:
        rows = self.rows(self.owner)
        assert rows["Engineering"] == (10, 5)
        assert rows["Platform"] == (7, None) and rows["Mobile"] == (3, None)
        assert rows["Sales"] == (5, 5)
        assert rows["total"] == (15, 10)

    def test_a_closed_round_shows_the_same_participation_from_its_counts(self) -> None:
        from surveys.models import Invitation
        from surveys.services.rounds import round_close

        before = {u: self.rows(u) for u in (self.owner, self.leader)}
        assert round_close(round_id=self.round.pk)
        assert not Invitation.objects.filter(round=self.round).exists()
        assert {u: self.rows(u) for u in (self.owner, self.leader)} == before

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

    def test_a_closed_rounds_page_says_when_it_closed_and_no_sent_count_of_deleted_invitations(
        self,
    ) -> None:
        from surveys.services.rounds import round_close

        self.login(self.owner)
        url = reverse("surveys:round_detail", args=[self.round.pk])
        self.assertContains(self.client.get(url), "Invitations sent:")
        assert round_close(round_id=self.round.pk)
        page = self.client.get(url)
        self.assertNotContains(page, "Invitations sent:")  # the invitations are gone
        self.assertContains(page, "closed ")
        self.assertNotContains(page, "Runs ")
        self.round.refresh_from_db()
        planned = timezone.localtime(self.round.closes_at, self.org.tz).strftime("%d %b %H:%M")
        closed = timezone.localtime(self.round.closed_at, self.org.tz).strftime("%d %b %H:%M")
        listing = self.client.get(reverse("surveys:round_list"))
        self.assertContains(listing, closed)
        self.assertNotContains(listing, planned)

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

    def test_a_sub_team_leader_sees_a_round_sent_to_the_parent_department(self) -> None:
        from orgs.models import Role
        from tests.base import make_user

        platform_lead = make_user("platform-lead", self.org, Role.LEADER, [self.platform])
        self.login(platform_lead)
        res = self.client.get(reverse("surveys:round_detail", args=[self.round.pk]))
        assert res.status_code == 200
        rows = self.rows(platform_lead)
        assert set(rows) == {"Platform", "total"}
        # The whole-tree decision hides Platform for everyone, its own leader included:
        # otherwise this leader's 7 and the Engineering leader's 10 would give Mobile's 3.
        assert rows["Platform"] == (7, None) and rows["total"] == (7, None)

    def test_the_k_floor_applies_even_when_the_database_holds_less(self) -> None:
        # A k below the floor (an old row, a manual edit) is read as the floor (org.k).
        type(self.org).objects.filter(pk=self.org.pk).update(anonymity_k=1)
        p = participation_for_round(round=self.round, tenant=tenant_for_user(self.leader))
        assert p.k == 3


class PulseListQueryTests(BaseTestCase):
    def test_the_pulse_list_reads_in_a_constant_number_of_queries(self) -> None:
        add_people(self.org, self.sales, 5)
        self.login(self.owner)

        def count_queries() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                assert self.client.get(reverse("surveys:round_list")).status_code == 200
            return len(ctx.captured_queries)

        from surveys.services.schedules import schedule_create

        def schedule(name: str) -> None:
            schedule_create(
                organization=self.org,
                actor=self.owner,
                teams=[self.sales],
                name=name,
                cadence="weekly",
                questions_per_round=8,
                open_days=3,
            )

        schedule("s0")
        with self.captureOnCommitCallbacks(execute=True):
            open_round(self.org, [self.sales])
        one = count_queries()
        for i in range(3):
            schedule(f"s{i + 1}")
        with self.captureOnCommitCallbacks(execute=True):
            for _ in range(4):
                open_round(self.org, [self.sales])
        with self.assertNumQueries(one):
            self.client.get(reverse("surveys:round_list"))
