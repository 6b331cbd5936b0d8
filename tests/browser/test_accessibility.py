"""Accessibility checked by a machine: axe-core on every kind of page, as the role that uses it.

axe-core comes from the npm registry (`make axe`, pinned in the Makefile, a git-ignored file
under var/); Playwright injects it into each page. A serious or critical violation fails the
test, with the rule, the page and the offending elements. Keyboard-only answering of the survey
is tested in test_survey_page.py.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from decisions.models import Decision
from orgs.demo import DEMO_SLUG
from orgs.demo_logins import DEMO_PASSWORD
from orgs.models import Organization, Person
from surveys.rubric_io import rubric_shipped_ensure
from surveys.services.dispatch import invitation_link, round_dispatch
from surveys.services.rounds import round_create
from tests.factories import checkin_invite

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(__file__).resolve().parent.parent.parent
FAILING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def axe_file() -> Path:
    """The axe-core file `make axe` fetched (the newest, should several versions be there)."""
    if os.environ.get("TRUSTOS_AXE"):
        return Path(os.environ["TRUSTOS_AXE"])
    found = sorted(ROOT.glob("var/axe-core-*/axe.min.js"))
    if not found:
        reason = "ACCESSIBILITY TESTS NOT RUN: axe-core missing; run `make axe` (needs npm)."
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return found[-1]


def axe_violations(page: Any) -> list[str]:
    """Serious and critical axe violations of the page as it is now, one line per element."""
    page.add_script_tag(path=str(axe_file()))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    lines = []
    for v in result["violations"]:
        if v["impact"] not in FAILING_IMPACTS:
            continue
        for node in v["nodes"][:5]:
            lines.append(
                f"{page.url} [{v['impact']}] {v['id']}: {v['help']} — {' '.join(node['target'])}"
                f" — {node.get('failureSummary', '').splitlines()[-1:]}"
            )
    return lines


def login(page: Any, base: str, username: str) -> None:
    page.goto(base + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert reverse("login") not in page.url, f"{username} could not log in"


def open_link(page: Any, url: str, answer_path: str) -> None:
    """Open an emailed /…/#<token> link: its landing page posts the token, then shows the form."""
    with page.expect_response(lambda r: r.url.endswith(answer_path)):
        page.goto(url)
    page.wait_for_load_state()


@pytest.fixture
def demo() -> dict[str, Any]:
    """The demo org (seed_demo) plus an open round and a sent check-in to answer."""
    # A transactional test that ran before on this worker flushed the database; whether the
    # shipped rubric (a data migration's row) is back depends on the order of fixtures, and
    # the suite once met it missing here. Make sure, as tests/conftest.py does for TestCase.
    rubric_shipped_ensure()
    call_command("seed_demo", "--periods", "2", stdout=io.StringIO())
    org = Organization.objects.get(slug=DEMO_SLUG)
    person = Person.objects.filter(organization=org, team__isnull=False).order_by("id").first()
    assert person is not None and person.team is not None
    rnd = round_create(organization=org, teams=[person.team], questions=8)
    round_dispatch(round_id=rnd.pk)
    invitation = rnd.invitations.order_by("id").first()
    decision = Decision.objects.filter(organization=org).order_by("id").first()
    assert decision is not None
    return {
        "survey": "/" + invitation_link(invitation).split("/", 3)[3],
        "checkin": reverse("decisions:checkin_open")
        + "#"
        + checkin_invite(decision=decision, person=person),
        "decision": reverse("decisions:detail", kwargs={"pk": decision.pk}),
    }


def test_no_serious_or_critical_violations_on_any_kind_of_page(
    live_server: Any, browser_page_factory: Callable[..., Any], demo: dict[str, Any]
) -> None:
    base = live_server.url
    found: list[str] = []
    # bypass_csp: the policy (script-src 'self') would refuse the injected axe script.
    anonymous = browser_page_factory(PHONE, bypass_csp=True)
    for path in (reverse("login"), reverse("password_reset")):
        anonymous.goto(base + path)
        found += axe_violations(anonymous)
    for link, answer_path in (
        (demo["survey"], "/s/answer/"),
        (demo["checkin"], "/decisions/c/answer/"),
    ):
        open_link(anonymous, base + link, answer_path)
        assert anonymous.locator("input[type=radio]").count() > 0, "not the answer form"
        found += axe_violations(anonymous)

    pages_of = {
        "employee": ["/"],
        "leader": [
            "/",
            reverse("scoring:results"),
            reverse("decisions:list"),
            demo["decision"],
            reverse("decisions:at_risk"),
            reverse("surveys:round_list"),
            reverse("dashboards:overview"),
            reverse("dashboards:heatmap"),
            reverse("dashboards:trends"),
            reverse("dashboards:friction"),
            reverse("dashboards:drivers"),
            reverse("dashboards:handoffs"),
            reverse("handoffs:pairs"),
            reverse("dashboards:comments"),
            reverse("execution:page"),
            reverse("execution:friction"),
            reverse("execution:handoffs"),
            reverse("execution:drivers"),
        ],
        "admin": [
            reverse("orgs:setup"),
            reverse("orgs:settings"),
            reverse("orgs:team_list"),
            reverse("orgs:person_list"),
            reverse("orgs:import"),
            reverse("orgs:roles"),
            reverse("orgs:tokens"),
            reverse("orgs:audit"),
            reverse("orgs:lockouts"),
        ],
    }
    for username, paths in pages_of.items():
        page = browser_page_factory(DESKTOP, bypass_csp=True)
        login(page, base, username)
        for path in paths:
            page.goto(base + path)
            page.wait_for_load_state()
            found += axe_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_axe_reports_a_violation_it_should(
    live_server: Any, browser_page_factory: Callable[..., Any]
) -> None:
    """Guards the harness: a button without a name, added to a real page, is reported."""
    page = browser_page_factory(PHONE, bypass_csp=True)
    page.goto(live_server.url + reverse("login"))
    page.evaluate(
        "() => { const b = document.createElement('button');"
        " document.querySelector('main').appendChild(b); }"
    )
    assert any("button-name" in line for line in axe_violations(page))
