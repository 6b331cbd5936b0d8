"""Shared bits of the orgs tests: every URL of the set-up pages and API, filled for one org."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from orgs.models import Membership, Organization, Person, Team


def url_names(namespace: str) -> list[tuple[str, list[str]]]:
    """(name, path-parameter names) of every route in an app namespace, read from the resolver
    so a new page or endpoint is tested without anyone remembering to add it."""
    resolver = get_resolver()

    def find(patterns: list, prefix_ns: str | None) -> list[tuple[str, list[str]]]:
        out = []
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or prefix_ns
                out.extend(find(p.url_patterns, ns))
            elif isinstance(p, URLPattern) and prefix_ns == namespace and p.name:
                out.append((p.name, list(p.pattern.regex.groupindex)))
        return out

    found = find(resolver.url_patterns, None)
    assert found, f"no routes in namespace {namespace}"
    return sorted(set((n, tuple(k)) for n, k in found))  # type: ignore[misc]


def object_for(kind: str, org: Organization) -> int:
    """The id of an object of `org` for a URL parameter of route `kind`."""
    if "team" in kind:
        return Team.objects.filter(organization=org).order_by("id").first().pk
    if "person" in kind:
        return Person.objects.filter(organization=org).order_by("id").first().pk
    if "membership" in kind or "role" in kind:
        return Membership.objects.filter(organization=org).order_by("id").first().pk
    raise AssertionError(f"no object known for route {kind}: add it to tests/orgs/helpers.py")


def urls_for(namespace: str, org: Organization) -> list[tuple[str, str, bool]]:
    """(route name, URL, has object parameter) for every route, objects taken from `org`."""
    out = []
    for name, params in url_names(namespace):
        kwargs = {}
        for param in params:
            if param == "format":
                continue
            kwargs[param] = object_for(name, org)
        if "format" in params:
            continue  # DRF's format-suffix twins of routes already covered
        out.append((name, reverse(f"{namespace}:{name}", kwargs=kwargs), bool(kwargs)))
    return out
