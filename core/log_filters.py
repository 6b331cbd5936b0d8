"""Logging filters: an expected refusal (4xx) is one INFO line, not a WARNING with a traceback."""

from __future__ import annotations

import logging


class ExpectedClientErrors(logging.Filter):
    """For django.request records of a 4xx answer: INFO level and no traceback.

    Django logs a refused request (PermissionDenied, a domain 403/404/409 …) at WARNING with
    the exception's traceback: every expected 403 filled the `make run` console with one.
    A 4xx is the domain working as designed; 5xx records pass unchanged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
            record.levelno = logging.INFO
            record.levelname = logging.getLevelName(logging.INFO)
        return True
