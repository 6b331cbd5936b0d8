"""The emailed survey and check-in links in a real browser: the server never sees the token
in a URL (its access log, with the Referer of each request, is recorded and searched)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import testcases
from django.utils import timezone

from decisions.checkins import CHECKIN_LINK, checkin_invitation_new
from decisions.models import CheckInInvitation, Decision
from orgs.models import Organization, Person, Team
from surveys.models import Invitation
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.dispatch import round_dispatch
from surveys.services.rounds import round_create
from tests.factories import link_from_email

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def access_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every request line the live server logs (what a web server's access log holds), each
    followed by the request's Referer header."""
    lines: list[str] = []

    def record(handler: Any, fmt: str, *args: Any) -> None:
        lines.append(fmt % args)
        lines.append(f"Referer: {handler.headers.get('Referer', '')}")

    # The live server's request handler is made per request, so patching its class takes.
    monkeypatch.setattr(testcases.QuietWSGIRequestHandler, "log_message", record)
    yield lines


def logged(lines: list[str], needle: str, times: int = 1) -> bool:
    """Wait briefly for the server to finish logging (it logs after sending the response)."""
    for _ in range(50):
        if sum(needle in line for line in lines) >= times:
            return True
        time.sleep(0.05)
    return False


def test_the_emailed_survey_link_is_answered_without_the_token_in_the_access_log(
    live_server: Any, phone_page: Any, access_log: list[str]
) -> None:
    rubric_install(data=rubric_read())  # transactional tests flush the migrated rubric
    org = Organization.objects.create(name="Log Co", slug="log", anonymity_k=5)
    team = Team.objects.create(organization=org, name="Field")
    for i in range(5):
        Person.objects.create(organization=org, name=f"P {i}", email=f"p{i}@x.example", team=team)
    rnd = round_create(organization=org, teams=[team], questions=8)
    round_dispatch(round_id=rnd.pk)  # a no-op if opening the round already sent them
    path, token = link_from_email(mail.outbox[-1].body, landing="/s/")
    page = phone_page
    page.goto(live_server.url + path + "#" + token)
    page.wait_for_url(live_server.url + "/s/answer/")
    for fieldset in page.locator("fieldset").all():
        fieldset.locator("label.opt").nth(3).tap()  # "Agree"
    page.get_by_role("button", name="Send my answers").tap()
    page.get_by_role("heading", name="Thank you!").wait_for()
    assert Invitation.objects.filter(round=rnd, used=True).count() == 1
    assert logged(access_log, '"POST /s/answer/ ', times=2)  # opened, then answered
    assert any('"GET /s/ ' in line for line in access_log)
    assert not [line for line in access_log if token in line]


def test_the_check_in_link_is_answered_without_the_token_in_the_access_log(
    live_server: Any, phone_page: Any, access_log: list[str]
) -> None:
    org = Organization.objects.create(name="Log D", slug="log-decisions")
    team = Team.objects.create(organization=org, name="Mobile")
    person = Person.objects.create(organization=org, name="P", email="p@x.example", team=team)
    decision = Decision.objects.create(
        organization=org, title="Weekly trains", decided_on=timezone.localdate()
    )
    inv = checkin_invitation_new(
        org_id=org.pk, decision_id=decision.pk, offset_days=7, person_id=person.pk, team_id=team.pk
    )
    inv.sent_at = timezone.now() - dt.timedelta(hours=1)
    inv.save()
    link, token = CHECKIN_LINK.url(inv), CHECKIN_LINK.token(inv)
    assert link.endswith("/decisions/c/#" + token)
    page = phone_page
    page.goto(live_server.url + "/decisions/c/#" + token)
    page.wait_for_url(live_server.url + "/decisions/c/answer/")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_label("Several times").check()
    page.locator("input[name=acted]").first.check()
    page.get_by_role("button", name="Send answers").click()
    page.get_by_text("Thank you").first.wait_for()
    assert CheckInInvitation.objects.get(pk=inv.pk).used
    assert logged(access_log, '"POST /decisions/c/answer/ ', times=2)
    assert not [line for line in access_log if token in line]
