"""Uploads are refused by size as they stream (core.uploads): 413, the limit named, body unread."""

from __future__ import annotations

from typing import Any

from django.test import RequestFactory, override_settings
from django.urls import resolve

from core.uploads import FORM_OVERHEAD_BYTES, upload_limit, upload_limit_for
from orgs.importing import MAX_BYTES
from tests.base import BaseTestCase
from tests.factories import api_token_make

BOUNDARY = "BoUnDaRy"
MB = 1024 * 1024


class StreamedBody:
    """A multipart body made on the fly (nothing held in memory) that counts what is read."""

    def __init__(self, file_bytes: int, *, csrf: str = "") -> None:
        head = ""
        if csrf:
            head += (
                f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
                f'name="csrfmiddlewaretoken"\r\n\r\n{csrf}\r\n'
            )
        head += (
            f"--{BOUNDARY}\r\nContent-Disposition: form-data; "
            'name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n'
            "email,name\r\n"
        )
        self.head = head.encode()
        self.tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.file_bytes = file_bytes
        self.length = len(self.head) + file_bytes + len(self.tail)
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        remaining = self.length - self.read_bytes
        size = remaining if size is None or size < 0 else min(size, remaining)
        out = bytearray()
        pos = self.read_bytes
        end = pos + size
        head_end = len(self.head)
        body_end = head_end + self.file_bytes
        if pos < head_end:
            out += self.head[pos : min(end, head_end)]
        if end > head_end and pos < body_end:
            out += b"a" * (min(end, body_end) - max(pos, head_end))
        if end > body_end:
            out += self.tail[max(pos, body_end) - body_end : end - body_end]
        self.read_bytes += len(out)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:  # WSGI asks for it; the parser never does
        return self.read(size)

    def environ(self, *, declared: int | None = None) -> dict[str, Any]:
        return {
            "wsgi.input": self,
            "CONTENT_LENGTH": str(self.length if declared is None else declared),
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        }


class PageUploadLimitTests(BaseTestCase):
    url = "/setup/people/import/"

    def setUp(self) -> None:
        super().setUp()
        self.login(self.owner)

    def _post(self, body: StreamedBody) -> Any:
        return self.client.generic("POST", self.url, b"", **body.environ())

    def test_a_50_mb_upload_is_refused_before_a_byte_is_read(self) -> None:
        body = StreamedBody(50 * MB)
        r = self._post(body)
        self.assertContains(r, "the limit of 2.0 MB (UPLOAD_MAX_BYTES)", status_code=413)
        self.assertEqual(body.read_bytes, 0)

    def test_a_file_passing_the_limit_is_stopped_at_the_limit_not_read_to_the_end(self) -> None:
        # Declared length inside the form allowance, so it is the counting that stops it.
        body = StreamedBody(MAX_BYTES + FORM_OVERHEAD_BYTES - 1000)
        r = self._post(body)
        self.assertContains(r, "UPLOAD_MAX_BYTES", status_code=413)
        # At most the limit plus the parser's read-ahead (64 KiB chunks), whatever was sent.
        self.assertLessEqual(body.read_bytes, MAX_BYTES + 2 * 64 * 1024)

    def test_the_413_page_is_the_styled_error_page(self) -> None:
        r = self._post(StreamedBody(5 * MB))
        self.assertContains(r, "Error 413", status_code=413)
        self.assertEqual(r["Content-Type"], "text/html; charset=utf-8")

    @override_settings(UPLOAD_MAX_BYTES=10)
    def test_a_view_s_own_limit_wins_over_the_setting(self) -> None:
        r = self._post(StreamedBody(1000))
        self.assertNotEqual(r.status_code, 413)

    def test_an_upload_within_the_limit_reaches_the_view(self) -> None:
        r = self._post(StreamedBody(100))
        self.assertNotEqual(r.status_code, 413)
        self.assertNotEqual(r.status_code, 500)


class ApiUploadLimitTests(BaseTestCase):
    def test_the_api_answers_413_in_json_naming_the_setting(self) -> None:
        key = api_token_make(user=self.owner, org=self.org)
        body = StreamedBody(3 * MB)
        r = self.client.generic(
            "POST", "/api/v1/teams/", b"", HTTP_AUTHORIZATION=f"Token {key}", **body.environ()
        )
        self.assertEqual(r.status_code, 413, r.content)
        self.assertEqual(r.json()["code"], "too_large")
        self.assertIn("UPLOAD_MAX_BYTES", r.json()["detail"])
        self.assertEqual(body.read_bytes, 0)

    @override_settings(UPLOAD_MAX_BYTES=50_000)
    def test_the_api_stops_counting_at_the_setting(self) -> None:
        key = api_token_make(user=self.owner, org=self.org)
        body = StreamedBody(110_000)  # within the declared-length allowance: counted
        r = self.client.generic(
            "POST", "/api/v1/teams/", b"", HTTP_AUTHORIZATION=f"Token {key}", **body.environ()
        )
        self.assertEqual(r.status_code, 413, r.content)
        self.assertLess(body.read_bytes, body.length)


class LimitLookupTests(BaseTestCase):
    def test_a_view_without_a_limit_uses_the_setting(self) -> None:
        request = RequestFactory().post("/setup/teams/new/")
        request.resolver_match = resolve("/setup/teams/new/")
        with override_settings(UPLOAD_MAX_BYTES=1234):
            self.assertEqual(upload_limit_for(request), 1234)

    def test_a_decorated_function_view_has_its_own_limit(self) -> None:
        @upload_limit(777)
        def view(request: Any) -> None:
            return None

        request = RequestFactory().post("/x/")
        request.resolver_match = type("Match", (), {"func": view})()
        self.assertEqual(upload_limit_for(request), 777)

    def test_the_import_page_declares_its_limit(self) -> None:
        request = RequestFactory().post("/setup/people/import/")
        request.resolver_match = resolve("/setup/people/import/")
        self.assertEqual(upload_limit_for(request), MAX_BYTES)
