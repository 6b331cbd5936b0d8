"""Who sees which workshop: facilitator only their teams', leaders read report and
commitments, employees 403, other orgs 404 (pages and PDF alike)."""

from __future__ import annotations

from django.urls import reverse

from tests.base import BaseTestCase
from tests.workshops.helpers import workshop_make


class WorkshopRoleTests(BaseTestCase):
    def setUp(self) -> None:
        self.mine = workshop_make(org=self.org, team=self.platform, title="Platform retro")
        self.sales = workshop_make(org=self.org, team=self.sales, title="Sales retro")

    def test_the_facilitator_lists_only_the_workshops_of_teams_they_facilitate(self) -> None:
        self.login(self.facilitator)
        r = self.client.get(reverse("workshops:list"))
        self.assertContains(r, "Platform retro")
        self.assertNotContains(r, "Sales retro")
        self.assertEqual(
            self.client.get(reverse("workshops:detail", args=[self.sales.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("workshops:report_pdf", args=[self.sales.pk])).status_code, 404
        )

    def test_admins_see_every_workshop(self) -> None:
        self.login(self.owner)
        r = self.client.get(reverse("workshops:list"))
        self.assertContains(r, "Platform retro")
        self.assertContains(r, "Sales retro")

    def test_leaders_read_the_report_and_commitments_but_cannot_edit(self) -> None:
        self.login(self.leader)
        self.assertEqual(
            self.client.get(reverse("workshops:report", args=[self.mine.pk])).status_code, 200
        )
        r = self.client.get(reverse("workshops:detail", args=[self.mine.pk]))
        self.assertContains(r, "Commitments")
        self.assertNotContains(r, "Record a commitment")
        self.assertEqual(
            self.client.post(
                reverse("workshops:detail", args=[self.mine.pk]), {"title": "x"}
            ).status_code,
            403,
        )
        self.assertEqual(
            self.client.post(
                reverse("workshops:commitment_create", args=[self.mine.pk]), {"what": "x"}
            ).status_code,
            403,
        )
        self.assertEqual(self.client.get(reverse("workshops:new")).status_code, 403)
        self.assertEqual(
            self.client.get(reverse("workshops:detail", args=[self.sales.pk])).status_code, 404
        )

    def test_employees_get_403_on_every_workshop_page(self) -> None:
        self.login(self.member)
        for url in (
            reverse("workshops:list"),
            reverse("workshops:new"),
            reverse("workshops:detail", args=[self.mine.pk]),
            reverse("workshops:report_pdf", args=[self.mine.pk]),
        ):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 403)

    def test_another_orgs_admin_gets_404(self) -> None:
        self.login(self.outsider)
        for name in ("workshops:detail", "workshops:report", "workshops:report_pdf"):
            with self.subTest(name=name):
                self.assertEqual(
                    self.client.get(reverse(name, args=[self.mine.pk])).status_code, 404
                )

    def test_anonymous_users_are_sent_to_log_in(self) -> None:
        r = self.client.get(reverse("workshops:report_pdf", args=[self.mine.pk]))
        self.assertEqual(r.status_code, 302)
