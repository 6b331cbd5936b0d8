"""Org facts on the model: the time zone, the floored k and the team tree (one cached load)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from core.constants import K_DEFAULT, K_FLOOR
from orgs.models import Organization, Team
from orgs.services import team_create, team_update
from orgs.tree import TeamTree
from tests.base import BaseTestCase


class OrgFactTests(BaseTestCase):
    def test_tz_is_the_orgs_zone(self) -> None:
        self.org.time_zone = "Pacific/Tongatapu"
        assert self.org.tz == ZoneInfo("Pacific/Tongatapu")

    def test_an_unknown_time_zone_reads_as_utc(self) -> None:
        for bad in ("Mars/Olympus_Mons", "../etc/passwd", ""):
            self.org.time_zone = bad
            assert self.org.tz == ZoneInfo("UTC"), bad

    def test_k_is_never_below_the_floor_whatever_the_database_holds(self) -> None:
        Organization.objects.filter(pk=self.org.pk).update(anonymity_k=2)
        assert Organization.objects.get(pk=self.org.pk).k == K_FLOOR
        Organization.objects.filter(pk=self.org.pk).update(anonymity_k=7)
        assert Organization.objects.get(pk=self.org.pk).k == 7
        assert Organization(name="New", slug="new").k == K_DEFAULT

    def test_the_team_tree_is_loaded_once_per_instance(self) -> None:
        org = Organization.objects.get(pk=self.org.pk)
        with CaptureQueriesContext(connection) as first:
            tree = org.team_tree()
        with CaptureQueriesContext(connection) as again:
            assert org.team_tree() is tree
        assert (len(first), len(again)) == (1, 0)
        assert tree.ids == {self.eng.pk, self.platform.pk, self.mobile.pk, self.sales.pk}
        assert self.other_team.pk not in tree.ids

    def test_refresh_sees_a_team_added_after_the_first_load(self) -> None:
        org = Organization.objects.get(pk=self.org.pk)
        org.team_tree()
        sre = Team.objects.create(organization=self.org, name="SRE", parent=self.platform)
        assert sre.pk not in org.team_tree().ids
        assert org.team_tree_refresh().ancestors(sre.pk) == [self.platform.pk, self.eng.pk]

    def test_a_cycle_check_sees_teams_added_after_the_tree_was_cached(self) -> None:
        org = Organization.objects.get(pk=self.org.pk)
        org.team_tree()  # cached before the new sub-team exists
        sre = team_create(organization=org, actor=self.owner, name="SRE", parent=self.platform)
        eng = Team.objects.get(pk=self.eng.pk)
        eng.organization = org  # the instance whose tree was cached
        with self.assertRaises(ValidationError):
            team_update(team=eng, actor=self.owner, parent=sre)
        assert Team.objects.get(pk=self.eng.pk).parent_id is None


class TeamTreeTests(SimpleTestCase):
    # 1 Eng (2 platform, 3 Mobile (5 iOS)), 4 Sales (inactive)
    tree = TeamTree.from_rows(
        [
            (1, None, "Eng", True),
            (2, 1, "platform", True),
            (3, 1, "Mobile", True),
            (4, None, "Sales", False),
            (5, 3, "iOS", True),
        ]
    )

    def test_children_are_sorted_by_name_ignoring_case(self) -> None:
        assert self.tree.roots == (1, 4)
        assert self.tree.children[1] == (3, 2)

    def test_descendants_include_the_roots_and_ignore_unknown_ids(self) -> None:
        assert self.tree.descendants([1]) == {1, 2, 3, 5}
        assert self.tree.descendants([3, 99]) == {3, 5}
        assert self.tree.descendants([]) == set()

    def test_ancestors_are_nearest_first_and_depth_counts_them(self) -> None:
        assert self.tree.ancestors(5) == [3, 1]
        assert self.tree.ancestors(4) == []
        assert (self.tree.depth(5), self.tree.depth(1)) == (2, 0)

    def test_inactive_teams_stay_in_the_tree_but_not_in_active(self) -> None:
        assert 4 in self.tree.ids and 4 not in self.tree.active
        assert self.tree.names[2] == "platform"

    def test_a_cycle_in_stored_rows_does_not_loop(self) -> None:
        looped = TeamTree.from_rows([(1, 2, "A", True), (2, 1, "B", True)])
        assert looped.ancestors(1) == [2]
        assert looped.descendants([1]) == {1, 2}  # each visited once; nothing hangs
