"""Known gaps 12: handoff answers have no round, so a person may answer several handoffs of one
pair in a period. A pair-period is released once, when it can no longer change: before, a
person answering k more handoffs between two releases was isolated by their difference."""

from __future__ import annotations

import datetime as dt
import random

import time_machine
from django.urls import reverse
from django.utils import timezone

from handoffs.closing import handoff_last_ask, handoff_period_closes, handoff_release_due
from handoffs.flush import handoff_answers_flush
from handoffs.models import HandoffAnswer, HandoffRelease, PendingHandoffAnswer, Side
from handoffs.releases import handoff_pairs_publish
from handoffs.selectors import handoff_pairs_for_viewer
from orgs.models_ledger import ReleasedSet
from orgs.periods import period_label, period_start
from orgs.tenancy import tenant_for_user
from tests.base import BaseTestCase
from tests.factories import people_make
from tests.handoffs.helpers import answered_pair, checkin_sent, closed_moment, handoff_make


class ReleasedOnceTests(BaseTestCase):
    def setUp(self) -> None:
        k = self.org.k
        self.plat = people_make(org=self.org, team=self.platform, n=k, prefix="plat")
        self.sales_people = people_make(org=self.org, team=self.sales, n=k, prefix="sales")

    def _shown(self) -> list[dict[str, object]]:
        tenant = tenant_for_user(self.owner)
        assert tenant is not None
        return [p for p in handoff_pairs_for_viewer(tenant=tenant) if not p["suppressed"]]

    def _answer(
        self, receivers: list[tuple[object, int, str]], *, senders: bool = True, **at: object
    ) -> None:
        """Platform → Sales answered by ``receivers`` (and every Platform sender), ``at`` a
        time when given (answered_pair's default: in a period that has closed)."""
        answered_pair(
            org=self.org,
            from_team=self.platform,
            to_team=self.sales,
            senders=[(p, 5) for p in self.plat] if senders else [],
            receivers=receivers,  # type: ignore[arg-type]
            **at,  # type: ignore[arg-type]
        )

    def _answer_now(self, receivers: list[tuple[object, int, str]], senders: bool) -> None:
        self._answer(receivers, senders=senders, at=timezone.now() - dt.timedelta(minutes=5))

    def test_a_person_answering_several_handoffs_cannot_be_isolated_by_differencing(self) -> None:
        k = self.org.k
        self._answer_now([(p, 2, "several") for p in self.sales_people], senders=True)
        seen: set[tuple[object, object]] = set()
        handoff_pairs_publish(org=self.org)
        seen |= {(p["receiver_score"], p["period"]) for p in self._shown()}
        # One receiver answers k more handoffs of the same pair (2 a week over some weeks):
        # k more answers, one person. Compared in answers, the difference passed the ledger.
        victim = self.sales_people[0]
        self._answer_now([(victim, 5, "never")] * k, senders=False)
        handoff_pairs_publish(org=self.org)
        seen |= {(p["receiver_score"], p["period"]) for p in self._shown()}
        # Once the period has closed, the pair is released once, with every answer.
        with time_machine.travel(timezone.now() + dt.timedelta(days=70), tick=False):
            handoff_pairs_publish(org=self.org)
            seen |= {(p["receiver_score"], p["period"]) for p in self._shown()}
        # Never two different receiver figures of one pair-period: nothing to subtract.
        periods = [period for _score, period in seen]
        assert len(periods) == len(set(periods)) == 1, seen

    def test_the_current_period_shows_no_number_and_says_when_it_is_released(self) -> None:
        self._answer_now([(p, 2, "several") for p in self.sales_people], senders=True)
        assert handoff_pairs_publish(org=self.org) == 0
        assert self._shown() == []
        current = period_start(timezone.localdate(timezone=self.org.tz), "month")
        label = period_label(current, self.org.reporting_period)
        closes = handoff_period_closes(org=self.org, period=current).isoformat()
        self.login(self.owner)
        for url in (reverse("handoffs:pairs"), reverse("dashboards:handoffs")):
            body = self.client.get(url).content.decode()
            assert f"released when {label} closes (on {closes})" in body, url
            i = body.find("Platform → Sales")
            assert i < 0, body[i - 300 : i + 300]

    def test_a_closed_period_is_released_once_and_recorded_once(self) -> None:
        self._answer([(p, 2, "several") for p in self.sales_people])
        assert handoff_pairs_publish(org=self.org) == 1
        first = self._shown()
        sets = list(ReleasedSet.objects.filter(organization=self.org).values_list("pk", flat=True))
        assert len(sets) == 3  # sender, receiver, chase: once each
        for _ in range(2):
            assert handoff_pairs_publish(org=self.org) == 1
        assert self._shown() == first
        assert list(ReleasedSet.objects.values_list("pk", flat=True)) == sets

    def test_a_closed_periods_buffered_answers_are_flushed_into_its_one_release(self) -> None:
        k = self.org.k
        at = closed_moment()
        self._answer([(p, 2, "several") for p in self.sales_people[:-1]], at=at)
        # The last receiver's answer still waits in the buffer (a group under k).
        last = self.sales_people[-1]
        h = handoff_make(
            org=self.org, from_team=self.platform, to_team=self.sales, to_person=last, at=at
        )
        inv, _ = checkin_sent(handoff=h, person=last, side=Side.RECEIVER, sent_at=at)
        type(inv).objects.filter(pk=inv.pk).update(used=True)
        PendingHandoffAnswer.objects.create(
            organization=self.org,
            from_team=self.platform,
            to_team=self.sales,
            side=Side.RECEIVER,
            period=inv.period,
            answered_on=at.date(),
            context=2,
            chased="several",
        )
        assert handoff_answers_flush(org=self.org, rng=random.Random(1), now=at) == 0
        assert handoff_pairs_publish(org=self.org) == 1
        assert not PendingHandoffAnswer.objects.exists()
        assert HandoffAnswer.objects.filter(side=Side.RECEIVER).count() == k
        assert self._shown()[0]["receivers"] == k

    def test_a_release_stored_before_the_rule_shows_nothing_until_recomputed(self) -> None:
        self._answer([(p, 2, "several") for p in self.sales_people])
        handoff_pairs_publish(org=self.org)
        release = HandoffRelease.objects.get(organization=self.org)
        release.pairs = release.pairs.replace('"final": true', '"final": null')
        release.save()
        assert self._shown() == []
        handoff_pairs_publish(org=self.org)
        assert len(self._shown()) == 1


class ReleaseDueTests(BaseTestCase):
    def test_the_hourly_dispatch_releases_a_period_closed_by_time_alone_once(self) -> None:
        tz = self.org.tz
        october = dt.date(2026, 10, 1)
        last_ask = handoff_last_ask(org=self.org, period=october)
        assert dt.date(2026, 10, 31) < last_ask < dt.date(2026, 11, 20)

        def at(day: dt.date) -> dt.datetime:
            return dt.datetime.combine(day, dt.time(12), tzinfo=tz)

        # Released while October could still change, and October has closed since: due.
        assert handoff_release_due(
            org=self.org, released_at=at(last_ask), now=at(dt.date(2026, 11, 20))
        )
        # Released after it closed: not again.
        later = last_ask + dt.timedelta(days=1)
        assert not handoff_release_due(
            org=self.org, released_at=at(later), now=at(dt.date(2026, 11, 20))
        )
        # Not closed yet: not due.
        assert not handoff_release_due(
            org=self.org, released_at=at(dt.date(2026, 11, 2)), now=at(last_ask)
        )
