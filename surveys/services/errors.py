"""Errors raised by the survey services; each carries the HTTP status a view should answer."""

from __future__ import annotations


class SurveyError(Exception):
    """Bad input or state; `errors` maps a field name to what is wrong with it."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class TokenUnknown(SurveyError):
    status = 404
    code = "unknown_token"


class TokenUsed(SurveyError):
    status = 410
    code = "used_token"


class RoundClosed(SurveyError):
    status = 410
    code = "round_closed"


class RoundNotOpen(SurveyError):
    status = 409
    code = "round_not_open"


class InvalidSubmission(SurveyError):
    status = 400
    code = "invalid"
