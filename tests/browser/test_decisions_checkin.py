"""The check-in page on a small phone in a real browser: one tap per answer, no sideways scroll."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.checkins import CHECKIN_LINK, checkin_invitation_new
from decisions.models import CheckInResponse, Decision
from orgs.models import Organization, Person, Team

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_stakeholder_answers_on_a_phone(live_server: object, phone_page: Any) -> None:

    org = Organization.objects.create(name="Phone", slug="phone-decisions")
    team = Team.objects.create(organization=org, name="Mobile")
    person = Person.objects.create(organization=org, name="P", email="p@x.example", team=team)
    decision = Decision.objects.create(
        organization=org,
        title="Releases every two weeks on a train",
        decided_on=timezone.localdate() - dt.timedelta(days=7),
    )
    inv = checkin_invitation_new(
        org_id=org.pk, decision_id=decision.pk, offset_days=7, person_id=person.pk, team_id=team.pk
    )
    inv.sent_at = timezone.now()
    inv.save()
    raw = CHECKIN_LINK.token(inv)
    url = live_server.url + reverse("decisions:checkin", kwargs={"token": raw})  # type: ignore[attr-defined]
    page = phone_page
    page.goto(url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("Not yet — waiting for confirmation").check()
    page.get_by_label("Several times").check()
    page.get_by_role("button", name="Send answers").click()
    assert "Thank you" in page.content()
    r = CheckInResponse.objects.get()
    assert (r.holding, r.acted, r.rediscussed) == (4, "waiting_confirmation", "several")
