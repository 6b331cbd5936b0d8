"""Pair figures are released, not computed per request, and a period's pairs only once, when
the period has closed: a late answer changes nothing anyone sees (Known gaps 12)."""

from __future__ import annotations

import pytest

from handoffs.models import HandoffRelease
from handoffs.releases import handoff_pairs_publish
from handoffs.selectors import handoff_pairs_for_viewer
from orgs.models_ledger import ReleasedSet
from orgs.tenancy import tenant_for_user
from tests.base import BaseTestCase
from tests.factories import people_make
from tests.handoffs.helpers import answered_pair


class PairReleaseTests(BaseTestCase):
    def setUp(self) -> None:
        k = self.org.k
        self.plat = people_make(org=self.org, team=self.platform, n=k + 1, prefix="plat")
        self.sales_people = people_make(org=self.org, team=self.sales, n=k + 1, prefix="sales")
        answered_pair(
            org=self.org,
            from_team=self.platform,
            to_team=self.sales,
            senders=[(p, 5) for p in self.plat[:k]],
            receivers=[(p, 2, "several") for p in self.sales_people[:k]],
        )

    def _pair(self) -> dict[str, object]:
        tenant = tenant_for_user(self.owner)
        assert tenant is not None
        pairs = handoff_pairs_for_viewer(tenant=tenant)
        assert len(pairs) == 1
        return pairs[0]

    def test_nothing_is_shown_before_the_first_release(self) -> None:
        tenant = tenant_for_user(self.owner)
        assert tenant is not None
        assert handoff_pairs_for_viewer(tenant=tenant) == []

    def test_a_release_stores_the_figures_and_records_their_answer_sets(self) -> None:
        assert handoff_pairs_publish(org=self.org) == 1
        assert HandoffRelease.objects.filter(organization=self.org).exists()
        pair = self._pair()
        assert pair["gap"] == pytest.approx(75.0)
        measures = set(
            ReleasedSet.objects.filter(organization=self.org).values_list("measure", flat=True)
        )
        assert measures == {"handoff:sender", "handoff:receiver", "handoff:chase"}

    def test_a_late_answer_changes_nothing_anyone_sees(self) -> None:
        handoff_pairs_publish(org=self.org)
        before = self._pair()
        recorded = ReleasedSet.objects.filter(organization=self.org).count()
        # One more answer about a handoff of the released (closed) period.
        answered_pair(
            org=self.org,
            from_team=self.platform,
            to_team=self.sales,
            senders=[],
            receivers=[(self.sales_people[-1], 5, "never")],
        )
        assert self._pair() == before  # reads serve the stored release only
        handoff_pairs_publish(org=self.org)
        assert self._pair() == before  # the closed period was released once, final
        assert ReleasedSet.objects.filter(organization=self.org).count() == recorded

    def test_a_release_of_the_same_answers_again_shows_the_same_figures(self) -> None:
        handoff_pairs_publish(org=self.org)
        first = self._pair()
        handoff_pairs_publish(org=self.org)
        assert self._pair() == first
