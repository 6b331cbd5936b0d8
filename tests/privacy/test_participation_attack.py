"""Attack 4 of issue 9: two leaders of sibling sub-trees and the admin pool what they see.

Each viewer's participation rows are collected and combined by any sums and differences
(linear algebra in tests/privacy/attack.py); nothing may give the answered count of a
group of 1 to k − 1 invited people, and a team seen by two viewers reads the same.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from orgs.models import Organization, Role, Team
from orgs.services import team_update
from orgs.tenancy import tenant_for_user
from surveys.models import Invitation, PulseRound, RoundStatus
from surveys.selectors import participation_for_round, rubric_active
from tests.base import BaseTestCase
from tests.factories import org_make, people_make, team_make, user_make
from tests.privacy.attack import recoverable_groups
from tests.surveys.helpers import add_people, open_round


def _round(org: Organization, sizes: dict[Team, tuple[int, int]]) -> PulseRound:
    """An open round with `invited` people of each team, the first `answered` of them used."""
    now = timezone.now()
    rnd = PulseRound.objects.create(
        organization=org,
        rubric=rubric_active(organization=org),
        title="Attack",
        period=now.date().replace(day=1),
        opens_at=now,
        closes_at=now + dt.timedelta(days=5),
        status=RoundStatus.OPEN,
    )
    rows = []
    for team, (invited, answered) in sizes.items():
        for i, person in enumerate(people_make(org=org, team=team, n=invited)):
            rows.append(
                Invitation(
                    organization=org,
                    round=rnd,
                    person=person,
                    team=team,
                    token_hash=uuid.uuid4().hex,
                    used=i < answered,
                )
            )
    Invitation.objects.bulk_create(rows)
    return rnd


def _views(rnd: PulseRound, users: list[object]) -> dict[int | None, tuple[int, int | None]]:
    """Every (team roll-up → invited, answered) any of the users sees; None = the org."""
    seen: dict[int | None, tuple[int, int | None]] = {}
    for user in users:
        p = participation_for_round(round=rnd, tenant=tenant_for_user(user))
        rows = [(r.team_id, r) for r in p.rows]
        if p.total is not None and p.total.label == "Everyone invited":
            rows.append((None, p.total))
        for team_id, row in rows:
            value = (row.invited, row.responded)
            # The same for every viewer: one decision, never the viewer's subset.
            assert seen.setdefault(team_id, value) == value, (team_id, seen[team_id], value)
    return seen


def _recovered(
    org: Organization, sizes: dict[int, int], seen: dict[int | None, tuple[int, int | None]]
) -> list[tuple[frozenset[int], int]]:
    tree = org.team_tree()
    shown = [
        frozenset(tree.descendants([t]) if t is not None else tree.ids)
        for t, (_, answered) in seen.items()
        if answered is not None
    ]
    for t, (_, answered) in seen.items():
        if answered is not None and t is not None:
            # A shown "all answered" / "none answered" needs a group of at least k.
            invited = seen[t][0]
            assert invited >= org.k or answered not in (0, invited)
    return recoverable_groups(shown, sizes, k=org.k)


class ParticipationDifferencingTests(BaseTestCase):
    def test_two_sibling_leaders_and_the_admin_recover_nothing_under_k(self) -> None:
        # Engineering: Platform 7, Mobile 4 (the 4-person team: "3 of 4" must not leak);
        # Sales: Sales itself 2 people, Field 6.
        field = team_make(org=self.org, name="Field", parent=self.sales)
        sizes = {self.platform: (7, 5), self.mobile: (4, 3), self.sales: (2, 2), field: (6, 1)}
        rnd = _round(self.org, sizes)
        sales_lead = user_make(org=self.org, role=Role.LEADER, teams=[self.sales])
        platform_lead = user_make(org=self.org, role=Role.LEADER, teams=[self.platform])
        seen = _views(rnd, [self.leader, sales_lead, platform_lead, self.owner])
        assert seen[self.mobile.pk] == (4, None)
        recovered = _recovered(self.org, {t.pk: n for t, (n, _) in sizes.items()}, seen)
        assert recovered == []
        # The pools of the two leaders sum to the org, and still nothing under k falls out.
        assert seen[self.eng.pk][1] is not None and seen[None][1] is not None


class RandomTreeParticipationTests(HypothesisTestCase):
    @settings(max_examples=12, deadline=None)
    @given(
        shape=st.lists(
            st.tuples(st.integers(0, 4), st.integers(0, 9), st.integers(0, 9)),
            min_size=2,
            max_size=6,
        ),
        k=st.integers(3, 6),
    )
    def test_no_viewer_combination_recovers_a_group_under_k(
        self, shape: list[tuple[int, int, int]], k: int
    ) -> None:
        org = org_make(anonymity_k=k)
        teams: list[Team] = []
        sizes: dict[Team, tuple[int, int]] = {}
        for parent_pick, invited, answered in shape:
            parent = teams[parent_pick % len(teams)] if teams and parent_pick else None
            team = team_make(org=org, parent=parent)
            teams.append(team)
            if invited:
                sizes[team] = (invited, min(answered, invited))
        if not sizes:
            return
        rnd = _round(org, sizes)
        admin = user_make(org=org, role=Role.ADMIN)
        leaders = [user_make(org=org, role=Role.LEADER, teams=[t]) for t in teams]
        seen = _views(rnd, [admin, *leaders])
        atoms = {t.pk: n for t, (n, _) in sizes.items()}
        assert _recovered(org, atoms, seen) == []


class ParticipationTreeMoveAttackTests(BaseTestCase):
    """Attack 3 on participation: an admin moves a small team under another team, reads,
    moves it back and reads again. Each round is decided on the tree of its dispatch, so
    every read is the same and the small team's answered count never comes out."""

    def read(self, rnd: PulseRound) -> dict[int | None, tuple[int, int | None]]:
        return _views(rnd, [self.owner, self.leader])

    def test_moving_a_team_and_back_between_reads_changes_nothing(self) -> None:
        for team, n in ((self.platform, 7), (self.mobile, 3), (self.sales, 6)):
            add_people(self.org, team, n, prefix=f"m{team.pk}")
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.eng, self.sales])
        for team, used in ((self.platform, 4), (self.mobile, 2), (self.sales, 3)):
            ids = Invitation.objects.filter(round=rnd, team=team).values_list("pk", flat=True)
            Invitation.objects.filter(pk__in=list(ids)[:used]).update(used=True)
        first = self.read(rnd)
        assert first[self.mobile.pk] == (3, None)  # the small team's count is hidden
        with self.captureOnCommitCallbacks(execute=True):
            team_update(team=self.mobile, actor=self.owner, parent=self.sales)
        self.org.team_tree_refresh()
        moved = self.read(rnd)
        with self.captureOnCommitCallbacks(execute=True):
            team_update(team=self.mobile, actor=self.owner, parent=self.eng)
        self.org.team_tree_refresh()
        back = self.read(rnd)
        assert moved == first and back == first
        # Pooled over the three reads, no group of 1 … k − 1 invited people is recoverable.
        sizes = {self.platform.pk: 7, self.mobile.pk: 3, self.sales.pk: 6}
        assert _recovered(self.org, sizes, first) == []
