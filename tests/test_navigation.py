"""The main navigation shows each role the pages it may use, and every page it links opens."""

from __future__ import annotations

import io
import re

from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from core.models import AuditEntry
from orgs.demo import DEMO_SLUG
from orgs.models import Membership, Organization, Person, Role, Team
from tests.base import BaseTestCase
from workshops.models import Workshop

DEMO_LOGINS = ("admin", "leader", "eng-leader", "facilitator", "employee")
HREF = re.compile(r'href="(/[^"#?]*)"')


class NavigationTests(BaseTestCase):
    def _nav_labels(self) -> list[str]:
        r = self.client.get(reverse("home"))
        return [item["label"] for item in r.context["nav_items"]]

    def test_every_page_names_an_icon_that_exists_so_browsers_log_no_404(self) -> None:
        # Without one, every page logged a failed /favicon.ico request in the console.
        page = self.client.get(reverse("login")).content.decode()
        icon = re.search(r'<link rel="icon" href="/static/([^"]+)"', page)
        assert icon is not None, "no icon link in base.html"
        self.assertIsNotNone(finders.find(icon.group(1)))

    def test_admin_sees_setup(self) -> None:
        self.login(self.owner)
        self.assertIn("Set-up", self._nav_labels())

    def test_leader_sees_results_but_not_setup(self) -> None:
        self.login(self.leader)
        labels = self._nav_labels()
        self.assertIn("Results", labels)
        self.assertNotIn("Set-up", labels)

    def test_employee_sees_decisions_only_when_org_allows_logging(self) -> None:
        self.login(self.member)
        self.assertNotIn("Decisions", self._nav_labels())
        self.org.employees_can_log_decisions = True
        self.org.save(update_fields=["employees_can_log_decisions"])
        self.assertIn("Decisions", self._nav_labels())


class EveryPageOpensTests(TestCase):
    """The demo org after a day of real use: a round sent, a decision logged, people imported.

    Each action goes through its page, as a user would, so its audit entry is the real one
    (a round's entry has a change named `items`, which once broke the audit table)."""

    @classmethod
    def setUpTestData(cls) -> None:
        call_command("seed_demo", "--today", "2026-11-20", "--periods", "2", stdout=io.StringIO())
        cls.org = Organization.objects.get(slug=DEMO_SLUG)
        cls.users = {
            u.username: u for u in get_user_model().objects.filter(username__in=DEMO_LOGINS)
        }

    def setUp(self) -> None:
        growth = Team.objects.get(organization=self.org, name="Growth")
        # The leader sends a round (/pulses/ → "Send a one-off round now").
        self.client.force_login(self.users["leader"])
        r = self.client.post(
            reverse("surveys:round_send"),
            {"teams": [growth.pk], "title": "Ad hoc", "questions": 8, "open_days": 5},
        )
        self.assertEqual(r.status_code, 302, r.content[:2000])
        # ... logs a decision ...
        r = self.client.post(
            reverse("decisions:create"),
            {
                "title": "Ship weekly",
                "decided_on": "2026-11-19",
                "affected_teams": [growth.pk],
                "status": "decided",
                "source": "logged",
            },
        )
        self.assertEqual(r.status_code, 302, r.content[:2000])
        # ... and the admin imports everyone again plus one new person.
        self.client.force_login(self.users["admin"])
        lines = ["email,name,team"] + [
            f"{p.email},{p.name},{p.team.name if p.team else ''}"
            for p in Person.objects.filter(organization=self.org).select_related("team")
        ]
        lines.append("new.person@northwind.example,New Person,Growth")
        upload = SimpleUploadedFile("people.csv", "\n".join(lines).encode(), "text/csv")
        r = self.client.post(reverse("orgs:import"), {"file": upload})
        self.assertEqual(r.status_code, 302, r.content[:2000])
        preview_id = self.client.session["orgs_import_preview"]["id"]
        r = self.client.post(reverse("orgs:import_preview"), {"preview_id": preview_id})
        self.assertEqual(r.status_code, 302, r.content[:2000])
        self.assertLessEqual(
            {"surveys.round.created", "decisions.decision.created", "orgs.people.imported"},
            set(AuditEntry.objects.values_list("action", flat=True)),
        )

    def _pages_of(self, username: str) -> list[str]:
        self.client.force_login(self.users[username])
        home = self.client.get(reverse("home"))
        self.assertEqual(home.status_code, 200)
        pages = ["/"] + [item["url"] for item in home.context["nav_items"]]
        if any(p == reverse("orgs:setup") for p in pages):
            setup = self.client.get(reverse("orgs:setup")).content.decode()
            pages += [p for p in HREF.findall(setup) if p.startswith("/setup/")]
        if any(p == reverse("execution:page") for p in pages):
            # The execution pages link each other (friction, handoffs, drivers; import for admins).
            page = self.client.get(reverse("execution:page")).content.decode()
            pages += [p for p in HREF.findall(page) if p.startswith("/execution/")]
        return sorted(set(pages))

    def test_every_demo_role_opens_every_page_it_is_linked_to(self) -> None:
        for username in DEMO_LOGINS:
            pages = self._pages_of(username)
            for url in pages:
                with self.subTest(user=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_every_role_hands_off_work_and_leaders_see_the_planted_handoff_gap(self) -> None:
        for username in DEMO_LOGINS:
            self.assertIn(reverse("handoffs:new"), self._pages_of(username))
        self.client.force_login(self.users["employee"])
        other = Person.objects.filter(organization=self.org).exclude(user__isnull=False).first()
        assert other is not None
        r = self.client.post(
            reverse("handoffs:new"), {"item": "Hand-over doc", "to_person": other.pk}
        )
        self.assertIn(r.status_code, (200, 302))
        self.assertNotIn(reverse("handoffs:pairs"), self._pages_of("employee"))
        for username in ("admin", "leader"):
            self.assertIn(reverse("handoffs:pairs"), self._pages_of(username))
        self.client.force_login(self.users["admin"])
        self.assertContains(self.client.get(reverse("handoffs:pairs")), "largest gap first")

    def test_admins_and_facilitators_reach_the_reliability_page_and_others_do_not(self) -> None:
        url = reverse("scoring:reliability")
        for username in ("admin", "facilitator"):
            self.assertIn(url, self._pages_of(username))
            self.assertContains(self.client.get(url), "Cronbach")
        for username in ("leader", "eng-leader", "employee"):
            self.assertNotIn(url, self._pages_of(username))

    def test_the_admin_reaches_the_audit_log_and_each_setup_page(self) -> None:
        pages = self._pages_of("admin")
        # Guards the test itself: the set-up links were really followed.
        for name in ("orgs:setup", "orgs:audit", "orgs:person_list", "orgs:roles", "orgs:lockouts"):
            self.assertIn(reverse(name), pages)

    def test_leaders_and_admins_reach_every_execution_page(self) -> None:
        views = ("execution:page", "execution:friction", "execution:handoffs", "execution:drivers")
        for username in ("admin", "leader", "facilitator"):
            pages = self._pages_of(username)
            for name in views:
                self.assertIn(reverse(name), pages, username)
        admin = self._pages_of("admin")
        for name in ("execution:import", "execution:metrics"):
            self.assertIn(reverse(name), admin)
        self.assertNotIn(reverse("execution:page"), self._pages_of("employee"))
        self.client.force_login(self.users["employee"])
        for name in (*views, "execution:import", "execution:metrics"):
            self.assertEqual(self.client.get(reverse(name)).status_code, 403, name)

    def test_every_dashboard_page_opens_for_every_role_that_sees_the_dashboard(self) -> None:
        dashboard = reverse("dashboards:overview")
        subpages = [
            reverse(n)
            for n in (
                "dashboards:heatmap",
                "dashboards:trends",
                "dashboards:comments",
                "dashboards:friction",
                "dashboards:drivers",
                "dashboards:handoffs",
            )
        ] + [reverse("dashboards:export", args=["heatmap", "csv"])]
        for username in DEMO_LOGINS:
            pages = self._pages_of(username)
            if dashboard not in pages:
                self.assertEqual(username, "employee")
                continue
            for url in [dashboard, *subpages]:
                with self.subTest(user=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)

    def test_facilitators_admins_and_leaders_reach_the_workshop_pages(self) -> None:
        url = reverse("workshops:list")
        for username in ("admin", "leader", "eng-leader", "facilitator"):
            pages = self._pages_of(username)
            self.assertIn(url, pages)
            for w in Workshop.objects.filter(organization=self.org):
                for name in ("workshops:detail", "workshops:report"):
                    target = reverse(name, args=[w.pk])
                    with self.subTest(user=username, url=target):
                        self.assertIn(self.client.get(target).status_code, (200, 404))
        self.assertNotIn(url, self._pages_of("employee"))
        for username in ("admin", "facilitator"):
            self.client.force_login(self.users[username])
            self.assertEqual(self.client.get(reverse("workshops:new")).status_code, 200)

    def test_the_facilitator_runs_a_demo_workshop_live_and_every_live_page_opens(self) -> None:
        fac = self.users["facilitator"]
        team_ids = list(
            Membership.objects.filter(user=fac, role=Role.FACILITATOR).values_list(
                "teams", flat=True
            )
        )
        # The demo's upcoming workshop when there is one (workshops' demo), else a new one.
        ws = Workshop.objects.filter(
            organization=self.org, team_id__in=team_ids, state=Workshop.State.DRAFT
        ).first() or Workshop.objects.create(
            organization=self.org, team_id=team_ids[0], facilitator=fac, title="Demo retro"
        )
        self.client.force_login(fac)
        self.client.post(reverse("workshops:go_live", args=[ws.pk]))
        self.client.post(
            reverse("workshops:poll_add", args=[ws.pk]),
            {"kind": "agree", "question": "Decisions hold here", "options": ""},
        )
        ws.refresh_from_db()
        poll = ws.polls.get()
        self.client.post(reverse("workshops:poll_action", args=[ws.pk, poll.pk, "open"]))
        live_pages = [
            reverse(name, args=[ws.pk])
            for name in ("workshops:run", "workshops:projector", "workshops:projector_live")
        ] + [reverse("workshops:join_qr", args=[ws.pk])]
        for username in ("facilitator", "admin"):
            self.client.force_login(self.users[username])
            for url in live_pages:
                with self.subTest(user=username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 200)
        for username in ("leader", "employee"):
            self.client.force_login(self.users[username])
            self.assertEqual(self.client.get(live_pages[0]).status_code, 404)
        self.client.logout()
        phone = reverse("workshops_participant:live", args=[ws.join_code])
        self.assertContains(self.client.get(phone), "Decisions hold here")
        self.assertEqual(self.client.get(reverse("workshops_participant:join")).status_code, 200)
