"""The org's reads version: one token that changes whenever anything a dashboard page shows can.

Whole-response caches of the read pages (dashboards.page_cache) put this token in their keys,
so a write never has to find and purge the pages it made stale: it calls `reads_changed`,
and every key of the org changes at once. The token lives in the shared `reads` cache (one
cache read per request, no query); a token the cache lost is replaced by a new random one,
which only costs misses, never a stale page. A write bumps it at once and again after
its transaction commits (`reads_changed`), so no page built from rows older than the commit
is kept under the token readers use after it.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import urlencode

from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest

CACHE_ALIAS = "reads"
KEY_VERSION = "1"  # bump when what a whole-response entry holds changes shape


def _cache() -> Any:
    return caches[CACHE_ALIAS]


def _key(org_id: int) -> str:
    return f"reads:version:{org_id}"


def reads_version(*, org_id: int) -> str:
    """The org's current reads token (a new one when the cache has none)."""
    cache = _cache()
    key = _key(org_id)
    found = cache.get(key)
    if found is None:
        cache.add(key, secrets.token_hex(8), None)  # another process may have won: read it back
        found = cache.get(key) or "lost"
    return str(found)


def reads_version_bump(*, org_id: int) -> None:
    """Replace the org's token now (callers normally want `reads_changed`)."""
    _cache().set(_key(org_id), secrets.token_hex(8), None)


def reads_changed(*, org_id: int | None) -> None:
    """Something a read page shows changed in this org: a new token now, and again once the
    write commits. Now: the writer's own transaction (and a test's) reads its new rows under a
    new key. After the commit: a page another reader built from the rows before the commit,
    under the token of "now", is never read again."""
    if org_id is None:
        return
    reads_version_bump(org_id=org_id)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: reads_version_bump(org_id=org_id))


def reads_request_key(*, org_id: int, name: str, scope: str, request: HttpRequest) -> str:
    """A whole-response cache key: the page, the org and its reads token, the reader's scope
    (what decides the body: never the user id when two readers see the same), and the host,
    path and query string (keys sorted, values in order: one entry per distinct question)."""
    query = urlencode(sorted((k, v) for k, vs in request.GET.lists() for v in vs))
    where = f"{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(f"{scope}|{where}".encode()).hexdigest()[:32]
    return f"page:v{KEY_VERSION}:{name}:{org_id}:{reads_version(org_id=org_id)}:{digest}"


def reads_page_get(key: str) -> Any:
    return _cache().get(key)


def reads_page_set(key: str, value: Any, seconds: int) -> None:
    _cache().set(key, value, seconds)
