"""Attack 2 of issue 9: k must count people, not answers.

Two people answering three rounds of one period are 2 respondents, never 6; three
stakeholders answering a decision's check-ins at +7 and +30 are 3, never 6 — at every
moment: rounds open, closed, the period over; windows open, closed, the decision done.
And once a round or window closes, no per-person invitation row is left behind.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from decisions.checkins import (
    CHECKIN_ANSWER_DAYS,
    CHECKIN_LINK,
    CheckInExpired,
    checkin_invitation_new,
    checkin_lookup,
    checkin_submit,
)
from decisions.counts import checkin_windows_close
from decisions.models import CheckInInvitation, CheckInWindowCount, Decision
from decisions.selectors_counts import decision_respondents_count
from orgs.periods import next_period
from surveys.models import Invitation, PeriodRespondentCount, PeriodRespondentKey
from surveys.selectors_counts import respondents_by_team, respondents_count
from surveys.services.counts import periods_close_out
from surveys.services.errors import RoundClosed
from surveys.services.responses import invitation_for_token, response_submit
from surveys.services.rounds import round_close
from tests.base import BaseTestCase
from tests.factories import invitation_token
from tests.surveys.helpers import add_people, open_round


class PulsePeopleTests(BaseTestCase):
    def test_two_people_answering_three_rounds_of_a_period_are_two_respondents(self) -> None:
        add_people(self.org, self.sales, 2)
        rounds, tokens = [], []
        for _ in range(3):
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [self.sales])
            key = rnd.round_items.first().item.key
            for inv in Invitation.objects.filter(round=rnd):
                tokens.append(invitation_token(inv))
                response_submit(token=tokens[-1], answers={key: 4})
            rounds.append(rnd)
        period = rounds[0].period
        assert {r.period for r in rounds} == {period}
        for rnd in rounds:
            assert round_close(round_id=rnd.pk)
            assert respondents_count(org=self.org, team_ids=[self.sales.pk], period=period) == 2
        assert not Invitation.objects.exists()  # only counts are left of who was asked
        assert respondents_by_team(org=self.org, period=period) == {self.sales.pk: 2}
        with pytest.raises(RoundClosed):  # an old link still says "closed", not "unknown"
            invitation_for_token(token=tokens[0])

        # The period ends: the keyed hashes go, the people count stays 2 (never 6).
        later = dt.datetime.combine(
            next_period(period, self.org.reporting_period), dt.time(12), tzinfo=self.org.tz
        )
        assert periods_close_out(organization=self.org, now=later) == 1
        assert not PeriodRespondentKey.objects.exists()
        assert PeriodRespondentCount.objects.get(team=self.sales, period=period).people == 2
        assert respondents_count(org=self.org, team_ids=[self.sales.pk], period=period) == 2

    def test_a_person_who_moved_between_rounds_is_not_counted_twice_in_a_union(self) -> None:
        [mover] = add_people(self.org, self.platform, 1)
        others = add_people(self.org, self.mobile, 2)
        for _ in range(2):  # a Platform round, then (after the move) a Mobile one
            with self.captureOnCommitCallbacks(execute=True):
                rnd = open_round(self.org, [self.eng])
            key = rnd.round_items.first().item.key
            for inv in Invitation.objects.filter(round=rnd, person__in=[mover, *others]):
                response_submit(token=invitation_token(inv), answers={key: 3})
            round_close(round_id=rnd.pk)
            mover.team = self.mobile  # moves before the second round
            mover.save()
        teams = [self.platform.pk, self.mobile.pk]
        period = rnd.period
        assert respondents_count(org=self.org, team_ids=teams, period=period) == 3
        later = dt.datetime.combine(
            next_period(period, self.org.reporting_period), dt.time(12), tzinfo=self.org.tz
        )
        periods_close_out(organization=self.org, now=later)
        # Per team: Platform 1, Mobile 3 (the mover answered in both); their union is 3.
        assert respondents_count(org=self.org, team_ids=teams, period=period) == 3


class CheckInPeopleTests(BaseTestCase):
    def test_three_stakeholders_answering_at_7_and_30_days_are_three_respondents(self) -> None:
        people = add_people(self.org, self.sales, 3)
        decided = dt.date(2026, 1, 5)
        decision = Decision.objects.create(
            organization=self.org, title="Weekly releases", decided_on=decided
        )
        start = dt.datetime(2026, 1, 12, 9, tzinfo=dt.UTC)
        tokens = []
        for offset in (7, 30):
            sent = start + dt.timedelta(days=offset - 7)
            for person in people:
                inv = checkin_invitation_new(
                    org_id=self.org.pk,
                    decision_id=decision.pk,
                    offset_days=offset,
                    person_id=person.pk,
                    team_id=self.sales.pk,
                )
                inv.sent_at = sent
                inv.save()
                tokens.append(CHECKIN_LINK.token(inv))
                checkin_submit(
                    raw_token=tokens[-1], holding=4, acted="yes", rediscussed="never", now=sent
                )
            assert decision_respondents_count(org=self.org, decision_id=decision.pk) == 3

        # The +7 window closes (its links expired); +30 is still open: still 3.
        after_first = start + dt.timedelta(days=CHECKIN_ANSWER_DAYS + 1)
        assert checkin_windows_close(org=self.org, now=after_first) == 1
        assert decision_respondents_count(org=self.org, decision_id=decision.pk) == 3
        assert not CheckInInvitation.objects.filter(offset_days=7).exists()
        assert CheckInWindowCount.objects.get(decision=decision, offset_days=7).answered == 3
        with pytest.raises(CheckInExpired):  # an old link reads "expired", not "unknown"
            checkin_lookup(raw_token=tokens[0], now=after_first)

        # Both windows over and no later offset can open: only the count stays, still 3.
        the_end = start + dt.timedelta(days=120)
        assert checkin_windows_close(org=self.org, now=the_end) == 1
        assert not CheckInInvitation.objects.exists()
        assert decision_respondents_count(org=self.org, decision_id=decision.pk) == 3
        assert decision.respondent_count.people == 3  # type: ignore[attr-defined]
        assert not decision.respondent_keys.exists()  # type: ignore[attr-defined]

    def test_an_open_window_is_not_closed(self) -> None:
        [person] = add_people(self.org, self.sales, 1)
        decision = Decision.objects.create(
            organization=self.org, title="Keep", decided_on=dt.date(2026, 1, 5)
        )
        inv = checkin_invitation_new(
            org_id=self.org.pk,
            decision_id=decision.pk,
            offset_days=7,
            person_id=person.pk,
            team_id=self.sales.pk,
        )
        inv.sent_at = timezone.now()
        inv.save()
        assert checkin_windows_close(org=self.org) == 0
        assert CheckInInvitation.objects.filter(pk=inv.pk).exists()
