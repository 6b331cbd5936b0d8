"""The framework work around an anonymous survey submit is cut without changing an answer:
the CSP header is built once per process (same header, per-view policies and nonces still
honoured), the submit route is tried first, a JSON client skips DRF's Accept parsing, and the
serialised writer turn holds only the statements."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any
from unittest import mock

from csp.constants import NONCE, SELF
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from core.middleware import ContentSecurityPolicyMiddleware
from surveys.models import Invitation, PendingResponse
from surveys.selectors_forms import round_form
from surveys.services import responses
from tests.base import BaseTestCase
from tests.factories import invitation_token, people_make, round_make

SUBMIT = "/api/v1/responses/"


def _middleware(view: Any) -> ContentSecurityPolicyMiddleware:
    return ContentSecurityPolicyMiddleware(view)


def _run(view: Any, path: str = "/somewhere/") -> HttpResponse:
    return _middleware(view)(RequestFactory().get(path))  # type: ignore[return-value]


class PolicyBuiltOnceTests(SimpleTestCase):
    def test_a_plain_response_carries_the_policy_django_csp_builds_from_settings(self) -> None:
        response = _run(lambda request: HttpResponse("ok"))
        self.assertEqual(response["Content-Security-Policy"], build_policy())

    def test_a_changed_policy_setting_is_served_at_once(self) -> None:
        _run(lambda request: HttpResponse("ok"))  # the settings' policy is now cached
        with override_settings(CONTENT_SECURITY_POLICY={"DIRECTIVES": {"default-src": [SELF]}}):
            response = _run(lambda request: HttpResponse("ok"))
            self.assertEqual(response["Content-Security-Policy"], "default-src 'self'")
        self.assertEqual(_run(lambda r: HttpResponse())["Content-Security-Policy"], build_policy())

    def test_a_view_that_uses_its_nonce_gets_it_in_its_policy(self) -> None:
        seen: list[str] = []

        def view(request: HttpRequest) -> HttpResponse:
            seen.append(str(request.csp_nonce))  # type: ignore[attr-defined]
            return HttpResponse("ok")

        policy = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}
        with override_settings(CONTENT_SECURITY_POLICY=policy):
            response = _run(view)
        self.assertIn(f"'nonce-{seen[0]}'", response["Content-Security-Policy"])

    def test_a_response_with_its_own_policy_update_keeps_it(self) -> None:
        def view(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("ok")
            response._csp_update = {"img-src": ["https://img.example"]}  # type: ignore[attr-defined]
            return response

        self.assertIn("https://img.example", _run(view)["Content-Security-Policy"])

    def test_an_exempt_response_or_one_with_its_own_header_is_left_alone(self) -> None:
        def exempt(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("ok")
            response._csp_exempt = True  # type: ignore[attr-defined]
            return response

        def own(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("ok")
            response["Content-Security-Policy"] = "default-src 'none'"
            return response

        self.assertNotIn("Content-Security-Policy", _run(exempt))
        self.assertEqual(_run(own)["Content-Security-Policy"], "default-src 'none'")

    def test_a_nonce_asked_for_after_the_header_is_written_is_an_error(self) -> None:
        request = RequestFactory().get("/")
        _middleware(lambda r: HttpResponse("ok"))(request)
        with self.assertRaises(CSPNonceError):
            str(request.csp_nonce)  # type: ignore[attr-defined]


def _example(pattern: URLPattern | URLResolver) -> dict[str, str]:
    """Values for a route's parameters that its converters accept."""
    if isinstance(pattern.pattern, RoutePattern):
        samples = {"IntConverter": "7", "UUIDConverter": "8c5e8f7e-6a47-4c3e-9a3f-1c2b3d4e5f60"}
        return {
            name: samples.get(type(conv).__name__, "abc")
            for name, conv in pattern.pattern.converters.items()
        }
    assert isinstance(pattern.pattern, RegexPattern)
    return dict.fromkeys(pattern.pattern.regex.groupindex, "7")


def _named_routes(
    patterns: list[Any], namespace: str = "", kwargs: dict[str, str] | None = None
) -> list[tuple[str, dict[str, str]]]:
    out: list[tuple[str, dict[str, str]]] = []
    for p in patterns:
        here = {**(kwargs or {}), **_example(p)}
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            out += _named_routes(p.url_patterns, ns, here)
        elif p.name:
            out.append((f"{namespace}:{p.name}".strip(":"), here))
    return out


class SubmitRouteFirstTests(SimpleTestCase):
    def test_the_submit_route_is_the_first_pattern_django_tries(self) -> None:
        api = get_resolver().url_patterns[0]
        assert isinstance(api, URLResolver)
        assert isinstance(api.url_patterns[0], URLResolver)
        first = api.url_patterns[0].url_patterns[0]
        self.assertEqual(str(api.pattern) + str(first.pattern), SUBMIT.lstrip("/"))
        self.assertEqual(resolve(SUBMIT).view_name, "surveysapi:response_submit")

    def test_every_named_route_still_resolves_to_itself(self) -> None:
        routes = _named_routes(get_resolver().url_patterns)
        self.assertGreater(len(routes), 50)
        for name, kwargs in routes:
            with self.subTest(name=name):
                try:
                    url = reverse(name, kwargs=kwargs)
                except Exception:  # a name reused by another route: checked by that one
                    continue
                self.assertEqual(resolve(url).view_name, name)


class JsonNegotiationTests(BaseTestCase):
    def post(self, **headers: Any) -> Any:
        body = {"token": "x" * 30, "answers": {}}
        return self.client.post(SUBMIT, body, content_type="application/json", **headers)

    def test_a_json_client_gets_json_with_or_without_an_accept_header(self) -> None:
        for accept in ("", "*/*", "application/json"):
            with self.subTest(accept=accept):
                response = self.post(HTTP_ACCEPT=accept) if accept else self.post()
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response["Content-Type"], "application/json")
                self.assertEqual(response.json()["code"], "unknown_token")
                self.assertEqual(response["Content-Security-Policy"], build_policy())

    def test_any_other_accept_is_negotiated_by_drf_as_before(self) -> None:
        self.assertEqual(self.post(HTTP_ACCEPT="application/xml").status_code, 406)
        # DRF's JSON renderer honours the indent it negotiated
        self.assertIn(b'\n  "detail"', self.post(HTTP_ACCEPT="application/json; indent=2").content)


class WriterTurnHoldsOnlyStatementsTests(BaseTestCase):
    def test_the_buffered_row_is_prepared_before_the_writer_turn_and_stored_once(self) -> None:
        people_make(org=self.org, team=self.platform, n=5)
        rnd = round_make(org=self.org, teams=[self.platform])
        inv = Invitation.objects.filter(round=rnd).order_by("id").first()
        assert inv is not None
        keys = [it.key for it in round_form(round=rnd, form_index=0)]
        in_turn: list[bool] = []
        events: list[str] = []
        real_params = responses._pending_params

        @contextlib.contextmanager
        def turn() -> Iterator[None]:
            in_turn.append(True)
            events.append("turn")
            yield
            in_turn.pop()

        def params(pending: PendingResponse) -> list[Any]:
            events.append("params in turn" if in_turn else "params")
            return real_params(pending)

        with (
            mock.patch.object(responses, "survey_writer_turn", turn),
            mock.patch.object(responses, "_pending_params", params),
        ):
            pending = responses.response_submit(
                token=invitation_token(inv), answers=dict.fromkeys(keys, 4), form=0
            )
        self.assertEqual(events, ["params", "turn"])
        stored = PendingResponse.objects.get(pk=pending.pk)
        self.assertEqual(stored.answers, pending.answers)
        self.assertEqual((stored.round_id, stored.team_id), (rnd.pk, self.platform.pk))
        inv.refresh_from_db()
        self.assertTrue(inv.used)
