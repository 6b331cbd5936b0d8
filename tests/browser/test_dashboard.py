"""The leader's journey through the dashboard on a laptop, and the overview on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from orgs.models import Role
from scoring.services import snapshot_recompute
from tests.browser.test_accessibility import axe_violations
from tests.factories import PASSWORD, org_make, team_make, user_make
from tests.scoring.db_fixture import build

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LAPTOP = {"width": 1366, "height": 800}


def _org_with_results() -> Any:
    org = org_make(name="Acme", slug="acme-browser")
    eng = team_make(org=org, name="Engineering")
    teams = {
        "platform": team_make(org=org, name="Platform", parent=eng),
        "mobile": team_make(org=org, name="Mobile", parent=eng),
        "sales": team_make(org=org, name="Sales"),
    }
    build(org, teams)
    snapshot_recompute(org_id=org.id)
    return user_make(username="lead-browser", org=org, role=Role.LEADER, teams=[eng])


def _login(page: Any, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_a_leader_lands_on_the_overview_and_drills_into_a_team(
    live_server: Any, browser_page_factory: Any
) -> None:
    _org_with_results()
    # bypass_csp: the policy (script-src 'self') would refuse the injected axe script.
    page = browser_page_factory(viewport=LAPTOP, bypass_csp=True)
    found: list[str] = []
    _login(page, live_server.url, "lead-browser")
    page.wait_for_selector("h1")
    assert "Engineering" in page.inner_text("h1")
    assert page.is_visible("text=Weakest dimensions")
    found += axe_violations(page)
    page.click("nav[aria-label=Dashboard] >> text=Heatmap")
    page.wait_for_selector("table.heatmap")
    assert "n=" in page.inner_text("table.heatmap")
    found += axe_violations(page)
    # Drill into a team by its name.
    page.click("table.heatmap >> text=Platform")
    page.wait_for_selector("h1:has-text('Heatmap')")
    assert "team=" in page.url
    page.click("nav[aria-label=Dashboard] >> text=Trends")
    page.wait_for_selector("figure.chart svg", timeout=30_000)
    assert page.locator("figure.chart figcaption").count() >= 1
    found += axe_violations(page)
    for tab in ("Friction", "Drivers", "Comments"):
        page.click(f"nav[aria-label=Dashboard] >> text={tab}")
        page.wait_for_selector(f"h1:has-text('{tab}')")
        found += axe_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)


def test_the_overview_is_usable_on_a_phone(live_server: Any, browser_page_factory: Any) -> None:
    _org_with_results()
    page = browser_page_factory(
        viewport={"width": 360, "height": 740}, has_touch=True, bypass_csp=True
    )
    _login(page, live_server.url, "lead-browser")
    page.wait_for_selector("h1")
    assert page.is_visible("text=Trust index")
    # Nothing wider than the screen except inside a scrollable table wrapper.
    overflow = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert overflow
    found = axe_violations(page)
    assert not found, "axe-core found serious or critical violations:\n" + "\n".join(found)
