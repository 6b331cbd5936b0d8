"""A live workshop in real Chromium: the facilitator runs it, three phones join by code and
vote, and the projector view updates without a reload (htmx polling), CSP-clean."""

from __future__ import annotations

from typing import Any

import pytest

from orgs.models import Role
from tests.browser.test_accessibility import axe_violations
from tests.factories import PASSWORD, org_make, team_make, user_make
from tests.workshops.live_factory import poll_make, votes_make
from workshops.models import Workshop
from workshops.services_live import poll_set_state, workshop_go_live

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 360, "height": 740}


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_three_phones_vote_while_the_projector_updates_without_reload(
    live_server: Any, browser_page_factory: Any
) -> None:
    org = org_make(name="Acme", slug="acme-live")
    team = team_make(org=org, name="Platform")
    fac = user_make(username="fac-live", org=org, role=Role.FACILITATOR, teams=[team])
    ws = Workshop.objects.create(organization=org, team=team, facilitator=fac, title="Retro live")
    base = live_server.url

    # The facilitator goes live and adds a poll on the run page.
    run = browser_page_factory(viewport=LAPTOP)
    _login(run, base, "fac-live")
    run.goto(f"{base}/workshops/{ws.pk}/run/")
    run.click("text=Go live")
    code = run.inner_text("#ws-join-code").strip()
    assert len(code) == 6
    run.select_option("#add-kind", "choice")
    run.fill("#add-question", "Which do we fix first?")
    run.fill("#add-options", "Handoffs\nDecisions")
    run.click("button:has-text('Add poll')")
    run.wait_for_selector("text=Poll added")

    # The projector, on a second tab of the facilitator; console errors (CSP) are collected.
    projector = run.context.new_page()
    errors: list[str] = []
    projector.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    navigations: list[str] = []
    projector.on(
        "framenavigated",
        lambda f: navigations.append(f.url) if f == projector.main_frame else None,
    )
    projector.goto(f"{base}/workshops/{ws.pk}/projector/")
    projector.wait_for_selector("text=Waiting for the first question")
    assert projector.locator("img.ws-qr").evaluate("img => img.naturalWidth > 0")
    navigations.clear()

    # Three phones join by typing the code (lower case, as people do).
    phones = []
    for _ in range(3):
        phone = browser_page_factory(viewport=PHONE, has_touch=True, is_mobile=True)
        phone.goto(f"{base}/w/")
        phone.fill("#code", code.lower())
        phone.click("button:has-text('Join')")
        phone.wait_for_selector("text=Waiting for the next question")
        phones.append(phone)

    run.click("button:has-text('Open')")
    run.wait_for_selector("text=Open", state="attached")
    projector.wait_for_selector("#ws-question:has-text('Which do we fix first?')")
    projector.wait_for_selector("#ws-count:has-text('0 answered')")

    # The phones notice the open question by themselves (their status poll) and answer.
    for i, phone in enumerate(phones):
        phone.wait_for_selector("text=Which do we fix first?", timeout=15_000)
        phone.click(f"label.ws-opt:has-text('{'Handoffs' if i < 2 else 'Decisions'}')")
        phone.click("button.ws-send")
        phone.wait_for_selector("text=Your answer is recorded")
        projector.wait_for_selector(f"#ws-count:has-text('{i + 1} answered')", timeout=15_000)

    # One phone changes its mind: still three answers.
    phones[2].click("label.ws-opt:has-text('Handoffs')")
    phones[2].click("button.ws-send")
    phones[2].wait_for_selector("text=Your answer is recorded")

    # Closing: the phones go back to waiting (their status poll reloads them once).
    run.reload()
    run.click("button:has-text('Close')")
    phone_navs: list[list[str]] = []
    for phone in phones:
        phone.wait_for_selector("text=Waiting for the next question", timeout=15_000)
        navs: list[str] = []
        phone.on(
            "framenavigated",
            lambda f, navs=navs, phone=phone: navs.append(f.url) if f == phone.main_frame else None,
        )
        phone_navs.append(navs)

    run.click("button:has-text('Reveal')")
    projector.wait_for_selector("#ws-results", timeout=15_000)
    assert "3 (100 %)" in projector.inner_text("#ws-results")
    assert "3 answered" in projector.inner_text("#ws-count")
    assert navigations == [], navigations  # every change came without a reload
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # The phones show the revealed result too, by htmx polling, without a reload.
    for phone, navs in zip(phones, phone_navs, strict=True):
        phone.wait_for_selector("#ws-results", timeout=15_000)
        assert "3 (100 %)" in phone.inner_text("#ws-results")
        assert navs == [], navs


def test_join_participant_projector_and_run_pages_pass_axe(
    live_server: Any, browser_page_factory: Any
) -> None:
    """axe-core (the shared helper of test_accessibility.py) on the join page with and without
    an error, the phone page with each poll kind and waiting, the projector and the run page."""

    org = org_make(name="Acme", slug="acme-axe")
    team = team_make(org=org, name="Platform")
    fac = user_make(username="fac-axe", org=org, role=Role.FACILITATOR, teams=[team])
    ws = Workshop.objects.create(organization=org, team=team, facilitator=fac, title="Axe retro")
    ws = workshop_go_live(workshop=ws)
    base = live_server.url
    found: list[str] = []
    phone = browser_page_factory(viewport=PHONE, has_touch=True, bypass_csp=True)
    phone.goto(f"{base}/w/")
    found += axe_violations(phone)
    phone.goto(f"{base}/w/?code=WRONG1")
    found += axe_violations(phone)
    phone.goto(f"{base}/w/{ws.join_code}/")  # waiting for the first question
    found += axe_violations(phone)
    kinds = {
        "agree": [],
        "choice": ["Handoffs", "Decisions"],
        "rank": ["Handoffs", "Decisions", "Reviews"],
        "text": [],
        "matrix": ["Docs", "Tests"],
    }
    for kind, options in kinds.items():
        poll = poll_make(workshop=ws, kind=kind, options=options)
        phone.goto(f"{base}/w/{ws.join_code}/")
        phone.wait_for_selector("form.ws-vote")
        found += axe_violations(phone)
    phone.click("button.ws-send")  # an empty 2×2 answer: the error message on the page
    phone.wait_for_selector("#vote-error")
    found += axe_violations(phone)
    votes_make(poll=poll, raws=[{f"place_{i}": ["quick_win"] for i in range(2)}] * 3)
    poll_set_state(poll=poll, action="reveal")
    phone.goto(f"{base}/w/{ws.join_code}/")  # waiting, with the revealed result
    phone.wait_for_selector("#ws-results")
    found += axe_violations(phone)
    desk = browser_page_factory(viewport=LAPTOP, bypass_csp=True)
    _login(desk, base, "fac-axe")
    for path in (f"/workshops/{ws.pk}/run/", f"/workshops/{ws.pk}/projector/"):
        desk.goto(base + path)
        desk.wait_for_load_state()
        found += axe_violations(desk)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
