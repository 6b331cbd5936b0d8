"""A recompute lost with a killed worker: the beat finds rounds closed after the last release."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from scoring.models_release import ResultRelease
from scoring.selectors_stale import rounds_unreleased
from scoring.tasks import recompute_unreleased_rounds
from tests.base import BaseTestCase
from tests.factories import people_make, round_make

GRACE = dt.timedelta(minutes=10)


class UnreleasedRoundsTests(BaseTestCase):
    def _closed_round(self, *, ago: dt.timedelta) -> int:
        people_make(org=self.org, team=self.sales, n=3)
        rnd = round_make(org=self.org, teams=[self.sales])
        rnd.closed_at = timezone.now() - ago
        rnd.save(update_fields=["closed_at"])
        return rnd.pk

    def _release(self, *, ago: dt.timedelta) -> None:
        ResultRelease.objects.create(
            organization=self.org, released_at=timezone.now() - ago, trigger="round_close"
        )

    def test_it_lists_a_round_closed_after_the_last_release(self) -> None:
        self._release(ago=dt.timedelta(hours=2))
        pk = self._closed_round(ago=dt.timedelta(hours=1))
        assert rounds_unreleased(now=timezone.now(), grace=GRACE) == [pk]

    def test_it_lists_a_closed_round_of_an_org_never_released(self) -> None:
        pk = self._closed_round(ago=dt.timedelta(hours=1))
        assert rounds_unreleased(now=timezone.now(), grace=GRACE) == [pk]

    def test_it_leaves_a_round_released_after_its_close(self) -> None:
        self._closed_round(ago=dt.timedelta(hours=1))
        self._release(ago=dt.timedelta(minutes=30))
        assert rounds_unreleased(now=timezone.now(), grace=GRACE) == []

    def test_it_gives_a_fresh_close_time_for_its_own_recompute(self) -> None:
        self._closed_round(ago=dt.timedelta(minutes=2))
        assert rounds_unreleased(now=timezone.now(), grace=GRACE) == []

    def test_the_beat_task_recomputes_and_releases_the_round(self) -> None:
        self._closed_round(ago=dt.timedelta(hours=1))
        with self.captureOnCommitCallbacks(execute=True):
            assert recompute_unreleased_rounds() == 1
        assert ResultRelease.objects.filter(organization=self.org).exists()
        assert rounds_unreleased(now=timezone.now(), grace=GRACE) == []
