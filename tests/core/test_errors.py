"""One domain error family: the same status and message from the API handler and the pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.test import Client, SimpleTestCase, override_settings
from rest_framework.exceptions import NotFound as DRFNotFound

from core import errors
from core.api import exception_handler
from core.views import server_error
from surveys.services.errors import (
    InvalidSubmission,
    RoundClosed,
    RoundNotOpen,
    SurveyError,
    TokenUnknown,
    TokenUsed,
)
from tests.base import BaseTestCase

STATUSES = {"invalid": 400, "denied": 403, "missing": 404, "conflict": 409, "gone": 410}


class FamilyTests(SimpleTestCase):
    def test_each_kind_has_its_status_code_and_a_default_message(self) -> None:
        kinds = [errors.InvalidInput, errors.PermissionDenied, errors.NotFound]
        kinds += [errors.Conflict, errors.Gone]
        self.assertEqual([k.status for k in kinds], [400, 403, 404, 409, 410])
        for kind in kinds:
            exc = kind()
            self.assertTrue(exc.message)
            self.assertEqual(str(exc), exc.message)

    def test_a_code_can_be_named_per_raise(self) -> None:
        exc = errors.Gone("Used.", code="used_token")
        self.assertEqual((exc.code, exc.status, exc.errors), ("used_token", 410, {}))

    def test_survey_errors_keep_their_status_and_code_as_members_of_the_family(self) -> None:
        cases = [
            (SurveyError("x"), 400, "invalid", errors.DomainError),
            (InvalidSubmission("x"), 400, "invalid", errors.InvalidInput),
            (TokenUnknown("x"), 404, "unknown_token", errors.NotFound),
            (TokenUsed("x"), 410, "used_token", errors.Gone),
            (RoundClosed("x"), 410, "round_closed", errors.Gone),
            (RoundNotOpen("x"), 409, "round_not_open", errors.Conflict),
        ]
        for exc, status, code, kind in cases:
            with self.subTest(exc=type(exc).__name__):
                self.assertIsInstance(exc, kind)
                self.assertEqual((exc.status, exc.code), (status, code))


class HandlerTests(SimpleTestCase):
    def test_a_domain_error_answers_its_status_with_message_code_and_field_errors(self) -> None:
        r = exception_handler(errors.Conflict("Not open yet.", {"token": "round not open"}), {})
        assert r is not None
        self.assertEqual(r.status_code, 409)
        self.assertEqual(
            r.data,
            {"detail": "Not open yet.", "code": "conflict", "errors": {"token": "round not open"}},
        )

    def test_a_django_validation_error_with_fields_is_a_400_with_the_message_dict(self) -> None:
        r = exception_handler(
            DjangoValidationError({"parent": ["A team can't be its own parent."]}), {}
        )
        assert r is not None
        self.assertEqual(r.status_code, 400)
        self.assertEqual(r.data, {"parent": ["A team can't be its own parent."]})

    def test_a_django_validation_error_without_fields_is_a_400_with_its_messages(self) -> None:
        r = exception_handler(DjangoValidationError(["First.", "Second."]), {})
        assert r is not None
        self.assertEqual((r.status_code, r.data), (400, {"detail": ["First.", "Second."]}))

    def test_everything_else_is_drfs_answer(self) -> None:
        r = exception_handler(DRFNotFound("nope"), {})
        assert r is not None
        self.assertEqual((r.status_code, r.data), (404, {"detail": "nope"}))
        self.assertIsNone(exception_handler(RuntimeError("boom"), {}))


@override_settings(ROOT_URLCONF="tests.core.error_urls", DEBUG=False)
class ApiErrorTests(BaseTestCase):
    def test_a_domain_error_raised_in_an_api_view_is_answered_by_the_handler(self) -> None:
        for kind, status in STATUSES.items():
            with self.subTest(kind=kind):
                r = self.client.get(f"/test-errors/api/{kind}/")
                self.assertEqual(r.status_code, status)
                self.assertEqual(r.json()["detail"], f"Raised {kind} on purpose.")
                self.assertEqual(r.json()["errors"], {"field": "why"})

    def test_a_service_validation_error_in_the_api_is_still_a_400_naming_the_field(self) -> None:
        # Behaviour moved from trustos.api: a team with sub-teams can't be deleted.
        self.login(self.owner)
        r = self.client.delete(f"/api/v1/teams/{self.eng.pk}/")
        self.assertEqual(r.status_code, 400)
        self.assertEqual(list(r.json()), ["team"])
        self.assertIn("deactivate it instead", r.json()["team"][0])


@override_settings(ROOT_URLCONF="tests.core.error_urls", DEBUG=False)
class ErrorPageTests(BaseTestCase):
    def assertStyledPage(self, r, status: int, *texts: str) -> None:
        self.assertEqual(r.status_code, status)
        self.assertContains(r, "/static/css/app.css", status_code=status)  # the site's look
        self.assertContains(r, f"Error {status}", status_code=status)
        for text in texts:
            self.assertContains(r, text, status_code=status)

    def test_an_unknown_address_is_the_styled_404(self) -> None:
        self.login(self.member)
        self.assertStyledPage(self.client.get("/no/such/page/"), 404, "Page not found")

    def test_another_orgs_object_is_the_styled_404_without_the_developer_text(self) -> None:
        self.login(self.outsider)
        r = self.client.get(f"/setup/teams/{self.eng.pk}/")
        self.assertStyledPage(r, 404, "Page not found")
        self.assertNotContains(r, "matches the given query", status_code=404)

    def test_a_page_the_role_may_not_open_is_the_styled_403_with_the_reason(self) -> None:
        self.login(self.member)
        self.assertStyledPage(self.client.get("/setup/"), 403, "Your role does not allow this.")
        self.assertStyledPage(
            self.client.get("/test-errors/denied/"), 403, "Only the owner may look here."
        )

    def test_a_domain_error_raised_in_a_page_renders_the_page_of_its_status(self) -> None:
        self.login(self.member)
        headings = {
            "invalid": "This can",
            "denied": "You can",
            "missing": "Page not found",
            "conflict": "This can",
            "gone": "This is no longer available",
        }
        for kind, status in STATUSES.items():
            with self.subTest(kind=kind):
                r = self.client.get(f"/test-errors/page/{kind}/")
                self.assertStyledPage(r, status, headings[kind], f"Raised {kind} on purpose.")

    def test_a_crash_is_the_self_contained_500(self) -> None:
        client = Client(raise_request_exception=False)
        with self.assertLogs("django.request", "ERROR"):
            r = client.get("/test-errors/crash/")
        self.assertEqual(r.status_code, 500)
        self.assertContains(r, "Something went wrong on our side", status_code=500)
        self.assertNotContains(r, "boom", status_code=500)


class ServerErrorPageTests(SimpleTestCase):
    # SimpleTestCase refuses database queries: the 500 page must render without one.
    def test_the_500_page_renders_without_request_or_database(self) -> None:
        r = server_error()
        self.assertEqual(r.status_code, 500)
        body = r.content.decode()
        self.assertIn("Something went wrong on our side", body)
        # Styled without the static files manifest (a plain file: the CSP forbids <style>).
        self.assertIn('href="/static/css/error.css"', body)
        self.assertNotIn("{%", body)
