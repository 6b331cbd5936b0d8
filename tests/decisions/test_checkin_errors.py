"""Check-in link errors are members of the core error family: one status per kind, answered by
core.api's handler on the API and by the check-in's own page, with the same words as before."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import SimpleTestCase
from django.urls import reverse
from django.utils import timezone

from core import errors
from core.links import USED_STATUS
from decisions.checkins import (
    USED_ANSWER,
    CheckInDeleted,
    CheckInError,
    CheckInExpired,
    CheckInUnknown,
    CheckInUsed,
)
from decisions.services import decision_delete
from surveys.services.errors import TokenUsed
from tests.decisions.base import DecisionTestCase

UNKNOWN = "This check-in link is not valid."
EXPIRED = "This check-in link has expired (links work for 21 days)."
DELETED_ON_OPEN = (
    "The decision this check-in asked about has been deleted, so there is nothing to answer"
    " any more. Thank you anyway."
)
ANSWER = {"holding": "4", "acted": "yes", "rediscussed": "never"}


class CheckInErrorFamilyTests(SimpleTestCase):
    def test_each_check_in_error_is_a_family_member_with_its_status_and_code(self) -> None:
        cases = [
            (CheckInUnknown(), errors.NotFound, 404, "unknown", UNKNOWN),
            (CheckInUsed(), errors.Gone, 410, "used", USED_ANSWER),
            (CheckInExpired(), errors.Gone, 410, "expired", EXPIRED),
            (CheckInDeleted(), errors.Gone, 410, "deleted", None),
        ]
        for exc, kind, status, code, message in cases:
            with self.subTest(exc=type(exc).__name__):
                self.assertIsInstance(exc, CheckInError)
                self.assertIsInstance(exc, kind)
                self.assertEqual((exc.status, exc.code), (status, code))
                if message is not None:
                    self.assertEqual(exc.message, message)

    def test_already_used_takes_the_one_used_status_of_core_links(self) -> None:
        self.assertEqual(CheckInUsed.status, USED_STATUS)
        self.assertEqual(TokenUsed.status, USED_STATUS)


class CheckInAPIErrorTests(DecisionTestCase):
    """The API answers through core.api.exception_handler: detail, code and (empty) errors."""

    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.url = reverse("decisionsapi:checkin", kwargs={"token": self.raw})

    def body(self, detail: str, code: str) -> dict[str, object]:
        return {"detail": detail, "code": code, "errors": {}}

    def test_an_unknown_link_is_404_with_the_family_body(self) -> None:
        r = self.client.get(reverse("decisionsapi:checkin", kwargs={"token": "x" * 43}))
        self.assertEqual((r.status_code, r.json()), (404, self.body(UNKNOWN, "unknown")))

    def test_a_used_link_is_410_with_the_family_body(self) -> None:
        self.client.post(self.url, ANSWER, content_type="application/json")
        for r in (
            self.client.get(self.url),
            self.client.post(self.url, ANSWER, content_type="application/json"),
        ):
            self.assertEqual((r.status_code, r.json()), (410, self.body(USED_ANSWER, "used")))

    def test_an_expired_link_is_410_with_the_family_body(self) -> None:
        with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
            r = self.client.get(self.url)
        self.assertEqual((r.status_code, r.json()), (410, self.body(EXPIRED, "expired")))

    def test_a_deleted_decision_is_410_with_the_family_body(self) -> None:
        decision_delete(decision=self.d, actor=self.owner)
        r = self.client.get(self.url)
        self.assertEqual((r.status_code, r.json()), (410, self.body(DELETED_ON_OPEN, "deleted")))

    def test_bad_values_are_400_with_the_field_messages(self) -> None:
        r = self.client.post(self.url, {**ANSWER, "holding": 9}, content_type="application/json")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(
            r.json(),
            {"holding": ["“Still holding” takes a whole number from 1 to 5, or no answer."]},
        )


class CheckInPageErrorTests(DecisionTestCase):
    """The page keeps its own template (no site navigation, a heading per kind)."""

    def setUp(self) -> None:
        self.d = self.decide()
        self.raw = self.invite(self.d, self.member_person)
        self.url = reverse("decisions:checkin", kwargs={"token": self.raw})

    def test_each_kind_has_its_heading_message_and_status(self) -> None:
        unknown = self.client.get(reverse("decisions:checkin", kwargs={"token": "x" * 43}))
        self.assertContains(unknown, "Link not valid", status_code=404)
        self.assertContains(unknown, UNKNOWN, status_code=404)
        with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
            expired = self.client.get(self.url)
        self.assertContains(expired, "Link expired", status_code=410)
        self.client.post(self.url, ANSWER)
        used = self.client.get(self.url)
        self.assertContains(used, "Already answered", status_code=410)
        self.assertContains(used, USED_ANSWER, status_code=410)
        decision_delete(decision=self.d, actor=self.owner)
        deleted = self.client.get(self.url)
        self.assertContains(deleted, "Decision deleted", status_code=410)
