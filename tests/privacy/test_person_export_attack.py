"""Attack 5 of issue 9: an admin reads the per-person export to learn who answered.

Two people of one team get the same pulse and check-in: one answers both, the other
answers neither (and is reminded). Their exports, with names and times blanked, must be
identical: nothing in them says who answered.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.urls import reverse
from django.utils import timezone

from decisions.checkins import CHECKIN_LINK, checkin_invitation_new, checkin_submit
from decisions.models import CheckInInvitation, Decision
from orgs.models import Person
from surveys.models import Invitation
from surveys.services.responses import response_submit
from tests.base import BaseTestCase
from tests.factories import invitation_token
from tests.surveys.helpers import add_people, open_round

_TIME = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.+\-]+(Z)?")


class PersonExportTests(BaseTestCase):
    def blank(self, person: Person) -> dict[str, object]:
        res = self.client.get(reverse("orgs:person_export", args=[person.pk]))
        assert res.status_code == 200
        data = json.loads(_TIME.sub("T", res.content.decode()))
        for key in ("person", "account", "history", "roles"):
            data.pop(key, None)
        return data

    def test_the_exports_of_someone_who_answered_and_someone_who_did_not_are_the_same(
        self,
    ) -> None:
        a, b, *_ = add_people(self.org, self.sales, 5)
        with self.captureOnCommitCallbacks(execute=True):
            rnd = open_round(self.org, [self.sales])
        key = rnd.round_items.first().item.key
        inv_a = Invitation.objects.get(round=rnd, person=a)
        response_submit(token=invitation_token(inv_a), answers={key: 4})
        Invitation.objects.filter(round=rnd, person=b).update(
            reminder_count=1, last_reminded_at=timezone.now()
        )
        decision = Decision.objects.create(
            organization=self.org, title="Weekly releases", decided_on=dt.date(2026, 3, 1)
        )
        now = timezone.now()
        for person in (a, b):
            inv = checkin_invitation_new(
                org_id=self.org.pk,
                decision_id=decision.pk,
                offset_days=7,
                person_id=person.pk,
                team_id=self.sales.pk,
            )
            inv.sent_at = now
            inv.save()
            if person == a:
                checkin_submit(
                    raw_token=CHECKIN_LINK.token(inv),
                    holding=4,
                    acted="yes",
                    rediscussed="never",
                    now=now,
                )
        assert CheckInInvitation.objects.filter(person=a, used=True).exists()
        self.login(self.owner)
        export_a, export_b = self.blank(a), self.blank(b)
        assert export_a == export_b
        assert "used" not in json.dumps(export_a) and "remind" not in json.dumps(export_a)
