"""Errors raised by the survey services: the core domain error family, with survey codes."""

from __future__ import annotations

from core.errors import Conflict, DomainError, Gone, InvalidInput, NotFound
from core.links import USED_STATUS


class SurveyError(DomainError):
    """Bad input or state; `errors` maps a field name to what is wrong with it.

    Defines no status of its own, so each subclass takes the status of its kind."""


class TokenUnknown(SurveyError, NotFound):
    code = "unknown_token"


class TokenUsed(SurveyError, Gone):
    code = "used_token"
    status = USED_STATUS.value  # the one "already used" status of every link (core.links)


class RoundClosed(SurveyError, Gone):
    code = "round_closed"


class RoundNotOpen(SurveyError, Conflict):
    code = "round_not_open"


class InvalidSubmission(SurveyError, InvalidInput):
    code = "invalid"
