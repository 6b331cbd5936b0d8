"""The check-in page on a small phone in a real browser: one tap per answer, no sideways scroll."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import CheckInInvitation, CheckInResponse, Decision
from orgs.models import Organization, Person, Team
from surveys.tokens import token_new

CHROMIUM = "/usr/bin/chromium"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _chromium_or_skip() -> str:
    path = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI for browser tests")
        pytest.skip("LOUD SKIP: Chromium not installed (/usr/bin/chromium); browser test not run")
    return path


def test_a_stakeholder_answers_on_a_phone(live_server: object) -> None:
    chromium = _chromium_or_skip()
    from playwright.sync_api import sync_playwright

    org = Organization.objects.create(name="Phone", slug="phone-decisions")
    team = Team.objects.create(organization=org, name="Mobile")
    person = Person.objects.create(organization=org, name="P", email="p@x.example", team=team)
    decision = Decision.objects.create(
        organization=org,
        title="Releases every two weeks on a train",
        decided_on=timezone.localdate() - dt.timedelta(days=7),
    )
    raw, hashed = token_new()
    CheckInInvitation.objects.create(
        organization=org,
        decision=decision,
        offset_days=7,
        person=person,
        team=team,
        token_hash=hashed,
        sent_at=timezone.now(),
    )
    url = live_server.url + reverse("decisions:checkin", kwargs={"token": raw})  # type: ignore[attr-defined]
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 740}, java_script_enabled=False)
        page.goto(url)
        width = page.locator("body").bounding_box()["width"]
        assert width <= 360
        page.get_by_label("Agree", exact=True).check()
        page.get_by_label("Not yet — waiting for confirmation").check()
        page.get_by_label("Several times").check()
        page.get_by_role("button", name="Send answers").click()
        assert "Thank you" in page.content()
        browser.close()
    r = CheckInResponse.objects.get()
    assert (r.holding, r.acted, r.rediscussed) == (4, "waiting_confirmation", "several")
