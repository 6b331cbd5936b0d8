"""Whole-response cache of the dashboard pages: a hit is one cache read after the permission check.

Key: the page, the org, the org's reads version (`core.reads`: every write a page shows —
a release of any kind, an import, a decision, a commitment, the org's settings, the team
tree — moves it, see dashboards.invalidation), the reader's *scope* (roles and the teams
they lead, facilitate or belong to: what decides the figures, the default team and the
navigation, not the user id, so two leaders of the same department share one entry), the
org's date (pages count days waiting), the path and the normalised query string.

The cached body holds nothing of one user: base.html prints a marker instead of the "who"
block (user name and the log-out form's CSRF token) while a page is rendered for the cache,
and a hit fills in the reader's own. A request with pending messages bypasses the cache.
Settings `DASHBOARD_PAGE_CACHE = False` turns it off (the test suite, whose tests read the
template context of a response; tests/dashboards/test_page_cache*.py turn it on).

Each process also keeps the pages it served last in memory, split around the marker, under
the same keys (`_Memo`): the shared file cache stores pages pickled and zlib-compressed, and
inflating the 400 kB org heatmap of 500 teams cost more than the rest of the hit. Keys carry
the org's random reads token, so an entry is never served after a write moved the token. A
page this process built lives as long as its shared entry; one copied from a shared hit at
most MEMO_FROM_SHARED_SECONDS more (its shared entry's age is not stored), so a page with a
30-second lifetime (the overview's live participation) is at most 40 seconds old.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.reads import reads_request_key
from dashboards.cache import reads_cache
from dashboards.filters import KNOWN_KEYS, dashboard_tenant
from orgs.tenancy import Tenant

WHO_MARKER = "<!--trustos:who-->"
# Query keys a cached dashboard page reads; any other key bypasses the cache.
CACHE_KEYS = KNOWN_KEYS
WHO_TEMPLATE = "_who.html"


class _Memo:
    """The pages this process served last: key → (expires, head, tail, content type), at
    most MAX_BYTES of bodies, the least recently used dropped first."""

    MAX_BYTES = 32 * 1024 * 1024

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float, bytes, bytes, str]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, bytes, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self._drop(key)
                return None
            self._items.move_to_end(key)
            return item[1], item[2], item[3]

    def put(self, key: str, body: str, content_type: str, seconds: int) -> None:
        head, _, tail = body.encode().partition(WHO_MARKER.encode())
        with self._lock:
            if key in self._items:
                self._drop(key)
            self._items[key] = (time.monotonic() + seconds, head, tail, content_type)
            self._bytes += len(head) + len(tail)
            while self._bytes > self.MAX_BYTES and self._items:
                self._drop(next(iter(self._items)))

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _drop(self, key: str) -> None:
        _, head, tail, _ = self._items.pop(key)
        self._bytes -= len(head) + len(tail)


PAGE_MEMO = _Memo()
MEMO_FROM_SHARED_SECONDS = 10


def page_scope(tenant: Tenant) -> str:
    """What makes two readers' pages differ: roles, led/facilitated teams (with sub-teams), and
    their own team where it can matter (outside the teams they lead or facilitate)."""
    led = sorted(tenant.led_team_ids)
    fac = sorted(tenant.facilitated_team_ids)
    own = tenant.own_team_id
    if own is not None and (own in tenant.led_team_ids or own in tenant.facilitated_team_ids):
        own = None  # already visible, loggable and never the default team over a led one
    raw = f"{sorted(tenant.roles)}|{led}|{fac}|{own}"
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def page_key(*, name: str, tenant: Tenant, request: HttpRequest) -> str:
    org = tenant.org
    today = timezone.localdate(timezone=org.tz) if org.tz else timezone.localdate()
    htmx = "hx" if request.headers.get("HX-Request") else "page"
    scope = f"{page_scope(tenant)}|{today.isoformat()}|{htmx}"
    return reads_request_key(org_id=org.pk, name=name, scope=scope, request=request)


def _who(request: HttpRequest, tenant: Tenant) -> str:
    """The reader's own "who" block (templates/_who.html, which a fresh render prints): written
    with format_html, as rendering the template on every hit cost more than the hit itself."""
    return format_html(
        '<div class="who">\n      <span class="org">{}</span>\n      <span>{}</span>\n'
        '      <form method="post" action="{}" class="inline">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button type="submit" class="link">Log out</button></form>\n    </div>',
        tenant.org.name,
        request.user.get_username(),
        _logout_url(),
        get_token(request),
    )


@functools.cache
def _logout_url() -> str:
    return reverse("logout")


def _has_messages(request: HttpRequest) -> bool:
    return len(get_messages(request)) > 0


def page_cached(
    name: str, *, seconds: int, bypass: frozenset[str] = frozenset()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve the page from the whole-response cache when the reader may open it (checked first,
    on every request: a reader who lost the role gets the 403, never the cached page).

    A request naming one of the `bypass` query keys is always built (the overview's person
    attribute filter is checked against the disclosure ledger each time it is asked).
    """

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            tenant = dashboard_tenant(request)
            if (
                not getattr(settings, "DASHBOARD_PAGE_CACHE", True)
                or request.method != "GET"
                or any(k in request.GET for k in bypass)
                # A key the pages do not read (utm_*, ?page=2) is ignored by the view but would
                # make a new entry: build such a page without storing it, so junk parameters
                # cannot fill the shared cache (and push read models out of it).
                or not set(request.GET).issubset(CACHE_KEYS)
                or _has_messages(request)
            ):
                return view(request, *args, **kwargs)
            key = page_key(name=name, tenant=tenant, request=request)
            memo = PAGE_MEMO.get(key)
            if memo is not None:
                head, tail, content_type = memo
                who = _who(request, tenant).encode()
                response = HttpResponse(head + who + tail, content_type=content_type)
                response["X-Page-Cache"] = "hit"
                return response
            cache = reads_cache()
            hit = cache.get(key)
            if hit is not None:
                body, content_type = hit
                PAGE_MEMO.put(key, body, content_type, min(seconds, MEMO_FROM_SHARED_SECONDS))
                response = HttpResponse(
                    body.replace(WHO_MARKER, _who(request, tenant), 1), content_type=content_type
                )
                response["X-Page-Cache"] = "hit"
                return response
            setattr(request, "page_cache_who", WHO_MARKER)  # noqa: B010 (read by base.html)
            try:
                response = view(request, *args, **kwargs)
            finally:
                delattr(request, "page_cache_who")
            if response.status_code != 200 or response.streaming:
                return response
            body = response.content.decode(response.charset or "utf-8")
            if body.count(WHO_MARKER) != 1:  # a page without the marker is not made shareable
                return response
            cache.set(key, (body, response["Content-Type"]), seconds)
            PAGE_MEMO.put(key, body, response["Content-Type"], seconds)
            response.content = body.replace(WHO_MARKER, _who(request, tenant), 1)
            response["X-Page-Cache"] = "miss"
            return response

        return cached_view

    return wrap
