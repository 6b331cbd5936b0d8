"""The Content-Security-Policy in a real browser: the survey, results and API docs pages load
and work with zero CSP violations (nothing inline was left behind, nothing is blocked)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from orgs.models import Organization, Person, Role, Team
from surveys.rubric_io import rubric_install, rubric_read
from surveys.services.dispatch import invitation_link, round_dispatch
from surveys.services.rounds import round_create
from tests.factories import PASSWORD, user_make

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Runs before any page script and outside the page's CSP: records each violation event.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + e.sourceFile);
});
"""


class Watched:
    """A page whose CSP console messages and violation events are both kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)

    def _console(self, msg: Any) -> None:
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            self.console.append(msg.text)

    def goto(self, url: str) -> Any:
        response = self.page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        return response

    def violations(self) -> list[str]:
        return self.console + list(self.page.evaluate("window.__csp || []"))


@pytest.fixture
def org_with_round() -> tuple[Organization, str]:
    """An org with a dispatched round; returns (org, path of one person's survey link)."""
    rubric_install(data=rubric_read())  # transactional tests flush the migrated rubric
    org = Organization.objects.create(name="CSP Co", slug="csp", anonymity_k=5)
    team = Team.objects.create(organization=org, name="Field")
    for i in range(5):
        Person.objects.create(organization=org, name=f"P {i}", email=f"p{i}@x.example", team=team)
    rnd = round_create(organization=org, teams=[team], questions=8)
    round_dispatch(round_id=rnd.pk)
    inv = rnd.invitations.order_by("id").first()
    return org, "/" + invitation_link(inv).split("/", 3)[3]


def test_survey_results_and_api_docs_load_without_a_csp_violation(
    live_server: Any, browser_page_factory: Any, org_with_round: tuple[Organization, str]
) -> None:
    org, survey = org_with_round
    user_make(username="lead", org=org, role=Role.ADMIN)
    page = Watched(browser_page_factory({"width": 1280, "height": 900}))

    page.goto(live_server.url + survey)
    page.page.locator("fieldset").first.wait_for()
    assert page.page.locator("fieldset").count() == 8

    page.goto(live_server.url + reverse("login"))
    page.page.get_by_label("Username").fill("lead")
    page.page.get_by_label("Password").fill(PASSWORD)
    page.page.get_by_role("button", name="Log in").click()
    page.page.wait_for_url(live_server.url + reverse("home"))

    results = page.goto(live_server.url + reverse("scoring:results"))
    assert results.status == 200
    teams = page.goto(live_server.url + reverse("orgs:team_list"))
    assert teams.status == 200

    page.goto(live_server.url + reverse("api-docs"))
    # Swagger UI rendered the schema: its scripts ran and its styles applied.
    page.page.locator(".swagger-ui .info .title").wait_for()
    page.page.locator(".opblock").first.wait_for()
    assert page.page.locator(".opblock").count() > 10

    assert page.violations() == []


def test_an_inline_style_would_be_reported(
    live_server: Any, browser_page_factory: Any, org_with_round: tuple[Organization, str]
) -> None:
    """Guards the test above: a style the policy blocks is seen by both recorders."""
    _, survey = org_with_round
    page = Watched(browser_page_factory({"width": 1280, "height": 900}))
    page.goto(live_server.url + survey)
    page.page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')"
    )
    page.page.wait_for_timeout(200)
    assert any("style-src" in v for v in page.console)
    assert any("style-src" in v for v in page.page.evaluate("window.__csp"))
