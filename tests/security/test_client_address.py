"""The client's address: REMOTE_ADDR unless behind trusted proxies; DRF's throttles agree."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, SimpleTestCase, TestCase, override_settings
from rest_framework.throttling import BaseThrottle

from surveys.api import SurveyThrottle
from trustos.security import client_ip

SURVEY = "/api/v1/survey/no-such-token/"


def proxies(n: int) -> Any:
    return override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": n})


class ClientIpTests(SimpleTestCase):
    def _ip(self, **meta: str) -> tuple[str, str]:
        request = RequestFactory().get("/", **meta)
        return client_ip(request), BaseThrottle().get_ident(request)  # type: ignore[arg-type]

    def test_with_no_trusted_proxy_the_header_is_ignored(self) -> None:
        ip, drf = self._ip(REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        self.assertEqual((ip, drf), ("192.0.2.1", "192.0.2.1"))

    def test_with_n_trusted_proxies_the_nth_address_from_the_right_is_the_client(self) -> None:
        meta = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9, 10.0.0.1"}
        with proxies(1):
            self.assertEqual(self._ip(**meta), ("10.0.0.1", "10.0.0.1"))
        with proxies(2):
            self.assertEqual(self._ip(**meta), ("203.0.113.9", "203.0.113.9"))
        with proxies(5):  # fewer addresses than proxies: the left-most, as DRF does
            self.assertEqual(self._ip(**meta), ("6.6.6.6", "6.6.6.6"))

    def test_without_the_header_the_peer_is_the_client_even_behind_proxies(self) -> None:
        with proxies(1):
            self.assertEqual(self._ip(REMOTE_ADDR="192.0.2.1"), ("192.0.2.1", "192.0.2.1"))


class SurveyThrottleKeyTests(TestCase):
    """The survey API's per-address throttle, at a rate of 3 so a test can reach it."""

    def setUp(self) -> None:
        cache.clear()
        patcher = mock.patch.object(SurveyThrottle, "rate", "3/min")
        patcher.start()
        self.addCleanup(patcher.stop)
        self.addCleanup(cache.clear)

    def _get(self, addr: str, forwarded: str | None = None) -> int:
        headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
        return self.client.get(SURVEY, REMOTE_ADDR=addr, **headers).status_code

    def test_a_forged_forwarded_for_does_not_buy_a_fresh_allowance(self) -> None:
        codes = [self._get("192.0.2.1", f"203.0.113.{i}") for i in range(4)]
        self.assertEqual(codes, [404, 404, 404, 429])
        self.assertEqual(self._get("192.0.2.2"), 404)  # another peer has its own allowance

    def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance(self) -> None:
        with proxies(1):
            first = [self._get("10.0.0.1", "spoof, 203.0.113.1") for _ in range(4)]
            second = self._get("10.0.0.1", "203.0.113.2")
        self.assertEqual(first, [404, 404, 404, 429])
        self.assertEqual(second, 404)
