"""The set-up page of locked-out logins: own org's logins only, unlocked by an admin, audited."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from core.models import AuditEntry
from orgs.models import Role
from tests.base import BaseTestCase
from tests.factories import PASSWORD, user_make

OFFICE = "198.51.100.10"


class LockoutPageTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.alice = user_make(username="alice", org=self.org, role=Role.LEADER)
        self.olga = user_make(username="olga", org=self.other_org, role=Role.EMPLOYEE)

    def _lock(self, username: str) -> None:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.client.post(
                reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=OFFICE
            )

    def _login_works(self, username: str) -> Any:
        r = self.client.post(
            reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR=OFFICE
        )
        self.client.logout()
        return r.status_code == 302

    def test_the_admin_sees_own_org_lockouts_and_never_another_org_s(self) -> None:
        self._lock("alice")
        self._lock("olga")
        self._lock("nobody-at-all")
        self.login(self.owner)
        r = self.client.get(reverse("orgs:lockouts"))
        self.assertContains(r, "alice")
        self.assertContains(r, "locked")
        self.assertNotContains(r, "olga")
        self.assertNotContains(r, "nobody-at-all")

    def test_unlocking_lets_the_login_in_at_once_and_is_audited(self) -> None:
        self._lock("alice")
        self.assertFalse(self._login_works("alice"))
        self.login(self.owner)
        r = self.client.post(reverse("orgs:lockouts"), {"username": "alice"})
        self.assertRedirects(r, reverse("orgs:lockouts"))
        self.assertFalse(AccessAttempt.objects.filter(username="alice").exists())
        entry = AuditEntry.objects.get(action="orgs.login.unlocked")
        self.assertEqual(entry.organization_id, self.org.pk)
        self.assertEqual(entry.actor_id, self.owner.pk)
        self.assertEqual(entry.changes["user"], "alice")
        self.assertTrue(self._login_works("alice"))

    def test_another_org_s_login_cannot_be_unlocked_from_here(self) -> None:
        self._lock("olga")
        self.login(self.owner)
        r = self.client.post(reverse("orgs:lockouts"), {"username": "olga"})
        self.assertEqual(r.status_code, 404)
        self.assertTrue(AccessAttempt.objects.filter(username="olga").exists())
        self.assertFalse(AuditEntry.objects.filter(action="orgs.login.unlocked").exists())

    def test_only_admins_open_the_page(self) -> None:
        for user in (self.leader, self.facilitator, self.member):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(reverse("orgs:lockouts")).status_code, 403)
                r = self.client.post(reverse("orgs:lockouts"), {"username": "alice"})
                self.assertEqual(r.status_code, 403)

    def test_the_page_says_when_nobody_is_locked(self) -> None:
        self.login(self.owner)
        self.assertContains(
            self.client.get(reverse("orgs:lockouts")), "No login of this organization"
        )
