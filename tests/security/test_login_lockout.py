"""Login throttling: failed logins lock a username at one address until cool-off or an admin."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from orgs.models import Role
from tests.base import BaseTestCase
from tests.factories import PASSWORD, user_make

OFFICE = "198.51.100.10"
OTHER = "198.51.100.99"


class LoginLockoutTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.user = user_make(username="alice", org=self.org, role=Role.LEADER)

    def _login(self, password: str, *, addr: str = OFFICE, **headers: str) -> Any:
        return self.client.post(
            reverse("login"),
            {"username": "alice", "password": password},
            REMOTE_ADDR=addr,
            **headers,
        )

    def _fail(self, times: int, *, addr: str = OFFICE, **headers: str) -> None:
        for _ in range(times):
            r = self._login("wrong-password", addr=addr, **headers)
            self.assertIn(r.status_code, (200, 429))

    def _logged_in(self) -> bool:
        return "_auth_user_id" in self.client.session

    def test_thirty_wrong_passwords_then_the_right_one_is_refused(self) -> None:
        self._fail(30)
        r = self._login(PASSWORD)
        self.assertEqual(r.status_code, 429)
        self.assertFalse(self._logged_in())
        self.assertContains(r, "Too many failed logins", status_code=429)
        # The page says how long, and still offers the form with the username filled in.
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        self.assertContains(r, f"for {minutes} minutes", status_code=429)
        self.assertContains(r, 'value="alice"', status_code=429)

    def test_the_lock_starts_exactly_at_the_failure_limit(self) -> None:
        self._fail(settings.AXES_FAILURE_LIMIT - 1)
        r = self._login(PASSWORD)
        self.assertEqual(r.status_code, 302)
        self.client.logout()
        # A success resets the count; the limit in a row locks.
        self._fail(settings.AXES_FAILURE_LIMIT)
        self.assertEqual(self._login(PASSWORD).status_code, 429)

    def test_the_right_password_works_again_after_the_cool_off(self) -> None:
        self._fail(30)
        later = timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        with time_machine.travel(later, tick=False):
            r = self._login(PASSWORD)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(self._logged_in())

    def test_a_failed_try_while_locked_starts_the_cool_off_again(self) -> None:
        self._fail(settings.AXES_FAILURE_LIMIT)
        start = timezone.now()
        with time_machine.travel(start + settings.AXES_COOLOFF_TIME / 2, tick=False):
            self._fail(1)
        just_after_first_lock = start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        with time_machine.travel(just_after_first_lock, tick=False):
            self.assertEqual(self._login(PASSWORD).status_code, 429)

    def test_an_admin_unlocks_with_axes_reset_username(self) -> None:
        self._fail(30)
        self.assertEqual(self._login(PASSWORD).status_code, 429)
        call_command("axes_reset_username", "alice", stdout=io.StringIO())
        r = self._login(PASSWORD)
        self.assertEqual(r.status_code, 302)
        self.assertTrue(self._logged_in())

    def test_operators_see_and_can_delete_lockouts_in_the_django_admin(self) -> None:
        self._fail(settings.AXES_FAILURE_LIMIT)
        attempt = AccessAttempt.objects.get(username="alice")
        self.assertEqual(attempt.ip_address, OFFICE)
        operator = user_make(username="ops", is_staff=True, is_superuser=True)
        self.client.force_login(operator)
        listing = self.client.get("/ops/admin/axes/accessattempt/")
        self.assertContains(listing, "alice")
        r = self.client.post(f"/ops/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
        self.assertEqual(r.status_code, 302)
        self.client.logout()
        self.assertEqual(self._login(PASSWORD).status_code, 302)

    def test_a_forged_forwarded_for_does_not_bypass_the_lock(self) -> None:
        self.assertEqual(settings.REST_FRAMEWORK["NUM_PROXIES"], 0)
        self._fail(30, HTTP_X_FORWARDED_FOR="203.0.113.1")
        r = self._login(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.2")
        self.assertEqual(r.status_code, 429)
        self.assertFalse(self._logged_in())
        # Recorded against the real peer address, not the header.
        self.assertEqual(set(AccessAttempt.objects.values_list("ip_address", flat=True)), {OFFICE})

    def test_the_lock_is_per_address_so_another_address_still_logs_in(self) -> None:
        self._fail(30)
        r = self._login(PASSWORD, addr=OTHER)
        self.assertEqual(r.status_code, 302)

    def test_behind_one_trusted_proxy_the_client_is_the_last_forwarded_address(self) -> None:
        proxied = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
        with override_settings(REST_FRAMEWORK=proxied):
            # The proxy appends the peer it saw; anything before it is the client's own text.
            self._fail(30, addr="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
            locked = self._login(PASSWORD, addr="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.5")
            other = self._login(PASSWORD, addr="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.6")
        self.assertEqual(locked.status_code, 429)
        self.assertEqual(other.status_code, 302)
        self.assertEqual(
            set(AccessAttempt.objects.values_list("ip_address", flat=True)), {"203.0.113.5"}
        )
