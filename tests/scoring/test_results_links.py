"""Every link on the results page opens for the reader it is shown to (no 403/404 links)."""

from __future__ import annotations

import io
import re
from html import unescape

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase

from orgs.demo import DEMO_SLUG
from orgs.models import Organization

DEMO_LOGINS = ("admin", "leader", "eng-leader", "facilitator", "employee")
HREF = re.compile(r'href="(/[^"#]*)"')


def internal_links(html: str) -> set[str]:
    """The site-internal hrefs of a page, minus static files."""
    return {unescape(h) for h in HREF.findall(html) if not h.startswith("/static/")}


class ResultsLinksTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "2", stdout=io.StringIO())
        cls.org = Organization.objects.get(slug=DEMO_SLUG)
        # The setting under which the employee reads results (and once met a 403 link).
        cls.org.employees_see_team_results = True
        cls.org.save(update_fields=["employees_see_team_results"])
        cls.users = {
            u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)
        }

    def test_every_link_on_the_results_page_opens_for_every_demo_role(self) -> None:
        assert set(self.users) == set(DEMO_LOGINS)
        for username in DEMO_LOGINS:
            self.client.force_login(self.users[username])
            page = self.client.get("/results/")
            self.assertEqual(page.status_code, 200, username)
            html = page.content.decode()
            assert "Trust index" in html, username  # the table (and its footer) is shown
            links = internal_links(html)
            assert "/results/" in links or any(h.startswith("/results") for h in links)
            for url in sorted(links):
                with self.subTest(user=username, url=url):
                    status = self.client.get(url).status_code
                    self.assertNotIn(status, (403, 404))

    def test_the_employee_does_not_see_the_check_in_figures_link_but_a_leader_does(self) -> None:
        self.client.force_login(self.users["employee"])
        html = self.client.get("/results/").content.decode()
        assert "/decisions/stability/" not in html
        assert "never averaged into the pulse score" in html  # the note itself stays
        self.client.force_login(self.users["leader"])
        assert "/decisions/stability/" in self.client.get("/results/").content.decode()
