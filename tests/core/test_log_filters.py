"""An expected refusal (403, 404 …) is logged as one INFO line, a 500 still with its traceback."""

from __future__ import annotations

import io
import logging

from django.test import override_settings

from tests.base import BaseTestCase


def _console_of(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]


class ExpectedRefusalLoggingTests(BaseTestCase):
    def test_a_403_is_logged_at_info_without_a_traceback(self) -> None:
        handlers = _console_of(logging.getLogger("django"))
        self.assertTrue(handlers)
        out = io.StringIO()
        old = [h.setStream(out) for h in handlers]
        try:
            self.login(self.member)
            with override_settings(DEBUG=True):
                r = self.client.get("/dashboard/")
        finally:
            for h, stream in zip(handlers, old, strict=True):
                h.setStream(stream)  # type: ignore[arg-type]
        self.assertEqual(r.status_code, 403)
        text = out.getvalue()
        self.assertIn("Forbidden", text)
        self.assertNotIn("Traceback", text)

    def test_a_server_error_keeps_its_traceback(self) -> None:
        handler = _console_of(logging.getLogger("django"))[0]
        out = io.StringIO()
        old = handler.setStream(out)
        try:
            try:
                raise ValueError("boom")
            except ValueError:
                logging.getLogger("django.request").error(
                    "Internal Server Error", exc_info=True, extra={"status_code": 500}
                )
        finally:
            handler.setStream(old)  # type: ignore[arg-type]
        self.assertIn("Traceback", out.getvalue())
