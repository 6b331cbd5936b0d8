"""The domain error family: what a service refuses, said once for the API and the HTML pages.

Each error carries a user-facing `message`, a machine `code`, optional per-field `errors`,
and the HTTP `status` both the DRF handler (core.api) and the error pages (core.views) use.
Plain Python, no Django: the pure packages may raise these too.

Raise them and let the answer be given in one place: core.api.exception_handler for the API,
core.middleware.DomainErrorMiddleware (styled error pages) for pages. A view catches one only
to answer differently: re-render its form with the message, or show a page of its own that
says more (the survey and check-in link pages).

Field validation in services may keep raising Django's ValidationError instead: forms turn it
into field errors and the API handler into a 400 with the message dict, so both understand it.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the domain refuses. Subclass one of the kinds below, not this."""

    status = 400
    code = "invalid"
    default_message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        errors: dict[str, str] | None = None,
        *,
        code: str | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.errors = dict(errors or {})
        if code is not None:
            self.code = code
        super().__init__(self.message)


class InvalidInput(DomainError):
    """The input is wrong; `errors` names each field and what is wrong with it."""

    status = 400
    code = "invalid"
    default_message = "Some of the input is not valid."


class PermissionDenied(DomainError):
    """The user is known but their role does not allow this."""

    status = 403
    code = "permission_denied"
    default_message = "Your role does not allow this."


class NotFound(DomainError):
    """No such object, or not one of the user's organization (we never say which)."""

    status = 404
    code = "not_found"
    default_message = "This page does not exist."


class Conflict(DomainError):
    """The object is not in a state that allows this (yet)."""

    status = 409
    code = "conflict"
    default_message = "This can't be done in the current state."


class Gone(DomainError):
    """It existed and is over for good: a link already used, a round closed."""

    status = 410
    code = "gone"
    default_message = "This is no longer available."


class PayloadTooLarge(DomainError):
    """The request body or an uploaded file passes its size limit (core.uploads)."""

    status = 413
    code = "too_large"
    default_message = "The upload is too large."
