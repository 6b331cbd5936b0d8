"""Uploads refused by size while they stream: never spooled whole to memory or disk first.

`LimitedUploadHandler` (first in FILE_UPLOAD_HANDLERS) counts the bytes of every uploaded file
as Django's multipart parser reads them and raises PayloadTooLarge (413) at the chunk that
passes the limit; a request whose declared Content-Length is already too large is refused
before a byte of its body is read. The limit is `settings.UPLOAD_MAX_BYTES`, or a view's own:
a class attribute `upload_max_bytes` (class-based and DRF views) or `@upload_limit(n)`.

Pages get the styled 413 page from `UploadLimitMiddleware` (it must come before
CsrfViewMiddleware, which reads the form body before any view runs); the API gets the JSON
error from core.api's handler, since DRF parses the body inside the view.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any, TypeVar

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse

from core.errors import PayloadTooLarge
from core.views import API_PREFIX, domain_error_page

# Room for the form's other fields, boundaries and part headers on top of the file limit.
FORM_OVERHEAD_BYTES = 64 * 1024
ATTRIBUTE = "upload_max_bytes"
F = TypeVar("F", bound=Callable[..., Any])


def upload_limit(max_bytes: int) -> Callable[[F], F]:
    """Give a function view its own upload limit (class-based views: `upload_max_bytes = n`)."""

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, max_bytes)
        return view

    return mark


def upload_limit_for(request: HttpRequest | None) -> int:
    """The limit of the view the request resolved to, else settings.UPLOAD_MAX_BYTES."""
    default = int(settings.UPLOAD_MAX_BYTES)
    match = getattr(request, "resolver_match", None)
    if match is None:
        return default
    view = match.func
    for holder in (view, getattr(view, "view_class", None), getattr(view, "cls", None)):
        limit = getattr(holder, ATTRIBUTE, None)
        if limit is not None:
            return int(limit)
    return default


def _refuse(request: HttpRequest | None, limit: int) -> PayloadTooLarge:
    """The error to raise; the request's form data is marked empty first, or the next read of
    request.POST (an error page, a middleware) would parse again, reading the rest of the body."""
    if request is not None:
        request._mark_post_parse_error()  # type: ignore[attr-defined]
    return too_large(limit)


def too_large(limit: int) -> PayloadTooLarge:
    size = f"{limit / 1024 / 1024:.1f} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return PayloadTooLarge(
        f"The upload is larger than the limit of {size} (UPLOAD_MAX_BYTES): "
        "split the file or remove columns you don't need.",
        code="too_large",
    )


class LimitedUploadHandler(FileUploadHandler):
    """Counts file bytes as they arrive and stops the upload at the limit (see module doc)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit_for(request)
        self.received = 0

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.limit = upload_limit_for(self.request)
        if content_length > self.limit + FORM_OVERHEAD_BYTES:
            raise _refuse(
                self.request, self.limit
            )  # declared too big: refused before reading the body
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            raise _refuse(self.request, self.limit)
        return raw_data  # the next handler (memory, then temporary file) stores it

    def file_complete(self, file_size: int) -> None:
        return None


class UploadLimitMiddleware:
    """Reads a page's multipart body first, so a too-large upload is its 413 page and not a
    500 from CsrfViewMiddleware reading it (exceptions of process_view reach no handler)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method != "POST" or request.path.startswith(API_PREFIX):
            return None  # DRF parses API bodies itself; core.api answers their 413
        if not (request.content_type or "").startswith("multipart/"):
            return None
        try:
            request.POST  # noqa: B018  (parse now, inside this try)
        except PayloadTooLarge as exc:
            return domain_error_page(request, exc)
        return None
