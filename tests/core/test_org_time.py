"""Date-times are shown in the org's time zone, with the zone named, on pages and in emails."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.urls import reverse

from core import emails
from decisions.models import Decision, DecisionStatusChange
from tests.base import BaseTestCase
from tests.surveys.helpers import add_people, open_round

UTC = dt.UTC


class OrgTimeTests(BaseTestCase):
    def setUp(self) -> None:
        self.org.time_zone = "America/New_York"
        self.org.save(update_fields=["time_zone"])

    def test_the_decision_history_shows_the_orgs_time_and_names_the_zone(self) -> None:
        decision = Decision.objects.create(
            organization=self.org, title="Ship weekly", decided_on=dt.date(2026, 11, 1)
        )
        # 15:00 UTC is 10:00 in New York (EST, UTC−5) on 20 November.
        DecisionStatusChange.objects.create(
            decision=decision,
            to_status="decided",
            changed_at=dt.datetime(2026, 11, 20, 15, 0, tzinfo=UTC),
        )
        self.login(self.owner)
        html = self.client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
        assert "2026-11-20 10:00" in html and "2026-11-20 15:00" not in html
        assert "When (America/New_York)" in html

    def test_the_pulse_email_states_the_closing_time_in_the_orgs_zone_with_its_name(self) -> None:
        add_people(self.org, self.sales, 1)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales], title="Pulse", questions=8)
        rnd.refresh_from_db()
        [m] = mail.outbox
        local = rnd.closes_at.astimezone(self.org.tz)
        assert f"until {local:%A %d %B, %H:%M} (EST, America/New_York)." in m.body

    def test_the_time_label_names_the_zone_and_its_abbreviation(self) -> None:
        at = dt.datetime(2026, 11, 28, 18, 46, tzinfo=UTC)
        assert emails.local_time_label(at, self.org.tz) == (
            "Saturday 28 November, 13:46 (EST, America/New_York)"
        )
        assert emails.local_time_label(at, UTC) == "Saturday 28 November, 18:46 (UTC)"
