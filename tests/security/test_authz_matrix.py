"""The authorization matrix, generated from the URL conf: every pattern must be declared in
tests/security/authz_table.py, and every role must get the declared status on real objects
of its own team, a sub-team, another team and another organization."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.base import BaseTestCase
from tests.security import authz_table
from tests.security.authz_objects import authz_objects_make
from tests.security.authz_table import EXCLUDED_PREFIXES, ROLES, TABLES, E

TABLE_FILE = "tests/security/authz_table.py"


def url_patterns() -> Iterator[tuple[str, str, str]]:
    """(URL name with namespaces, route, view) of every pattern in the URL conf."""

    def walk(patterns: list[Any], route: str, namespace: str) -> Iterator[tuple[str, str, str]]:
        for p in patterns:
            here = route + str(p.pattern)
            if isinstance(p, URLResolver):
                if any(here.startswith(prefix) for prefix in EXCLUDED_PREFIXES):
                    continue
                ns = ":".join(n for n in (namespace, p.namespace or "") if n)
                yield from walk(p.url_patterns, here, ns)
            elif isinstance(p, URLPattern):
                # An unnamed pattern cannot be reversed or declared: the coverage test says so.
                own = p.name or f"<unnamed /{here}: give it name=...>"
                name = f"{namespace}:{own}" if namespace else own
                view = getattr(p.callback, "view_class", None) or getattr(p.callback, "cls", None)
                view = view or p.callback
                yield name, here, f"{view.__module__}.{view.__qualname__}"

    yield from walk(get_resolver().url_patterns, "", "")


def declared() -> dict[str, tuple[E, ...]]:
    out: dict[str, tuple[E, ...]] = {}
    for dict_name in sorted(set(TABLES.values())):
        for name, entry in authz_table.table(dict_name).items():
            out[name] = entry if isinstance(entry, tuple) else (entry,)
    return out


def status_class(response: Any) -> str:
    code = response.status_code
    if 300 <= code < 400:
        return (
            "login" if response["Location"].startswith(resolve_url(settings.LOGIN_URL)) else "redir"
        )
    return "ok" if 200 <= code < 300 else str(code)


class UrlConfCoverageTests(BaseTestCase):
    def test_every_url_pattern_is_in_the_authorization_table(self) -> None:
        table = declared()
        missing = []
        for name, route, view in url_patterns():
            if name in table:
                continue
            namespace = name.split(":", 1)[0] if ":" in name else ""
            dict_name = TABLES.get(namespace)
            where = (
                f"add it to {dict_name} in {TABLE_FILE}"
                if dict_name
                else f"add a dict for namespace {namespace!r} in {TABLE_FILE} and list it in TABLES"
            )
            missing.append(
                f"URL {name!r} (/{route}, {view}) has no authorization expectation: {where}, "
                f'e.g. "{name}": E("ok 403 403 403 login 404"'
                + (', pk="team:own"' if "<" in route or "(?P" in route else "")
                + f") — one word per role {' '.join(ROLES)}."
            )
        self.assertEqual(missing, [], "\n" + "\n".join(missing))

    def test_the_table_names_no_url_that_is_gone(self) -> None:
        names = {name for name, _route, _view in url_patterns()}
        stale = sorted(set(declared()) - names)
        self.assertEqual(stale, [], f"remove these from {TABLE_FILE}: no such URL name")


class AuthorizationMatrixTests(BaseTestCase):
    kinds: ClassVar[dict[str, Any]]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.kinds = authz_objects_make(cls)

    def _users(self) -> dict[str, Any]:
        return {
            "admin": self.owner,
            "leader": self.leader,
            "facilitator": self.facilitator,
            "employee": self.member,
            "anonymous": None,
            "other_admin": self.outsider,
        }

    def _observe(self, name: str, entry: E, user: Any) -> str:
        # "lit:<value>" passes a literal (e.g. an export format); any other kind names an object.
        kwargs = {
            key: kind[4:] if kind.startswith("lit:") else self.kinds[kind]
            for key, kind in entry.kwargs.items()
        }
        url = reverse(name, kwargs=kwargs)
        self.client.logout()
        if user is not None:
            self.client.force_login(user)
        with transaction.atomic():  # each request's writes are undone: the next sees the same
            response = getattr(self.client, entry.method)(url)
            transaction.set_rollback(True)
        return status_class(response)

    def test_every_role_gets_the_declared_status(self) -> None:
        wrong, dump = [], []
        for name, entries in sorted(declared().items()):
            for entry in entries:
                observed = {
                    role: self._observe(name, entry, user) for role, user in self._users().items()
                }
                args = "".join(f', {k}="{v}"' for k, v in entry.kwargs.items())
                method = f', method="{entry.method}"' if entry.method != "get" else ""
                dump.append(f'"{name}": E("{" ".join(observed.values())}"{method}{args}),')
                for role, expected in entry.by_role().items():
                    if observed[role] != expected:
                        wrong.append(
                            f"{entry.method.upper()} {name} {entry.kwargs or ''} as {role}: "
                            f"expected {expected}, got {observed[role]}"
                        )
        if os.environ.get("AUTHZ_DUMP"):
            print("\n".join(dump))
        self.assertEqual(wrong, [], "\n" + "\n".join(wrong))
