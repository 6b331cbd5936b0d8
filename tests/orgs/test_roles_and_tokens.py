"""Roles (admin, leader of teams, facilitator of teams); API tokens are in test_api_tokens."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.test import APIClient

from core.models import AuditEntry
from orgs.models import Membership, Person, Role
from orgs.tenancy import tenant_for_user
from tests.base import BaseTestCase
from tests.factories import person_make


class RoleGrantTests(BaseTestCase):
    def setUp(self) -> None:
        self.login(self.owner)
        self.ann = person_make(
            org=self.org, name="Ann Ames", email="ann@example.com", team=self.mobile
        )

    def test_granting_a_role_creates_a_login_and_mails_a_password_link(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            r = self.client.post(
                "/setup/roles/",
                {"email": "ANN@example.com", "role": "leader", "teams": [self.eng.pk]},
            )
        self.assertRedirects(r, "/setup/roles/")
        self.ann.refresh_from_db()
        user = self.ann.user
        self.assertIsNotNone(user)
        self.assertFalse(user.has_usable_password())
        tenant = tenant_for_user(user)
        self.assertEqual(tenant.roles, {Role.LEADER})
        self.assertEqual(tenant.led_team_ids, {self.eng.pk, self.platform.pk, self.mobile.pk})
        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["ann@example.com"])
        link = re.search(r"http://\S+/accounts/reset/\S+/", mail.outbox[0].body).group(0)
        # The link really sets a password.
        self.assertTrue(link.startswith(settings.SITE_URL))
        path = link.removeprefix(settings.SITE_URL)
        self.client.logout()
        r = self.client.get(path, follow=True)
        self.assertEqual(r.status_code, 200)
        r = self.client.post(
            r.redirect_chain[-1][0],
            {
                "new_password1": "a-long-new-passphrase-42",
                "new_password2": "a-long-new-passphrase-42",
            },
        )
        self.assertRedirects(r, "/accounts/reset/done/")
        self.assertTrue(
            get_user_model().objects.get(pk=user.pk).check_password("a-long-new-passphrase-42")
        )

    def test_granting_a_second_role_reuses_the_login_and_sends_no_mail(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post("/setup/roles/", {"email": "ann@example.com", "role": "employee"})
            self.client.post(
                "/setup/roles/",
                {"email": "ann@example.com", "role": "facilitator", "teams": [self.sales.pk]},
            )
        self.ann.refresh_from_db()
        self.assertEqual(
            set(Membership.objects.filter(user=self.ann.user).values_list("role", flat=True)),
            {"employee", "facilitator"},
        )
        self.assertEqual(len(mail.outbox), 1)

    def test_leader_and_facilitator_need_teams_admin_takes_none(self) -> None:
        r = self.client.post("/setup/roles/", {"email": "ann@example.com", "role": "leader"})
        self.assertContains(r, "needs at least one team", status_code=400)
        r = self.client.post(
            "/setup/roles/", {"email": "ann@example.com", "role": "admin", "teams": [self.eng.pk]}
        )
        self.assertContains(r, "covers no particular teams", status_code=400)
        self.assertIsNone(Person.objects.get(pk=self.ann.pk).user)

    def test_an_email_that_is_nobody_here_is_refused(self) -> None:
        r = self.client.post("/setup/roles/", {"email": "stranger@example.com", "role": "admin"})
        self.assertContains(r, "add the person first", status_code=400)
        # A person of another org is nobody here either.
        r = self.client.post("/setup/roles/", {"email": "otto@other.example", "role": "admin"})
        self.assertEqual(r.status_code, 400)
        self.assertFalse(Membership.objects.filter(user__email="otto@other.example").exists())

    def test_an_existing_member_gets_another_role_by_email(self) -> None:
        r = self.client.post("/setup/roles/", {"email": "leader@example.com", "role": "admin"})
        self.assertRedirects(r, "/setup/roles/")
        self.assertEqual(tenant_for_user(self.leader).roles, {Role.LEADER, Role.ADMIN})

    def test_revoke_and_the_last_admin_stays(self) -> None:
        m = Membership.objects.get(user=self.leader, role=Role.LEADER)
        self.client.post(f"/setup/roles/{m.pk}/revoke/")
        self.assertFalse(Membership.objects.filter(pk=m.pk).exists())
        self.assertEqual(
            AuditEntry.objects.get(action="orgs.role.revoked").changes["teams"], ["Engineering"]
        )
        own = Membership.objects.get(user=self.owner, role=Role.ADMIN)
        r = self.client.post(f"/setup/roles/{own.pk}/revoke/", follow=True)
        self.assertContains(r, "last admin")
        self.assertTrue(Membership.objects.filter(pk=own.pk).exists())

    def test_the_roles_page_lists_roles_with_teams(self) -> None:
        r = self.client.get("/setup/roles/")
        self.assertContains(r, "facilitator")
        self.assertContains(r, "<td>Platform</td>", html=True)


class MembershipApiTests(BaseTestCase):
    def setUp(self) -> None:
        self.api = APIClient()
        self.api.force_authenticate(self.owner)
        person_make(org=self.org, name="Ann Ames", email="ann@example.com")

    def test_create_update_and_delete_a_membership(self) -> None:
        r = self.api.post(
            "/api/v1/memberships/",
            {"email": "ann@example.com", "role": "leader", "teams": [self.sales.pk]},
            format="json",
        )
        self.assertEqual(r.status_code, 201, r.json())
        mid = r.json()["id"]
        self.assertEqual(r.json()["teams"], [self.sales.pk])
        r = self.api.patch(f"/api/v1/memberships/{mid}/", {"teams": [self.eng.pk]}, format="json")
        self.assertEqual(r.json()["teams"], [self.eng.pk])
        r = self.api.patch(f"/api/v1/memberships/{mid}/", {"role": "admin"}, format="json")
        self.assertEqual(r.status_code, 400)
        self.assertIn("role", r.json())
        self.assertEqual(self.api.delete(f"/api/v1/memberships/{mid}/").status_code, 204)

    def test_bad_input_names_the_field(self) -> None:
        for payload, field in (
            ({"role": "admin"}, "email"),
            ({"email": "ann@example.com", "role": "king"}, "role"),
            ({"email": "ann@example.com", "role": "leader"}, "teams"),
            (
                {"email": "ann@example.com", "role": "leader", "teams": [self.other_team.pk]},
                "teams",
            ),
            ({"email": "nobody@example.com", "role": "admin"}, "email"),
        ):
            r = self.api.post("/api/v1/memberships/", payload, format="json")
            self.assertEqual(r.status_code, 400, payload)
            self.assertIn(field, r.json(), payload)
