"""The overview's cache: what it shows changes only with a release (or new execution data), so
its expensive parts are kept per release under a key that names everything they depend on.

The version is read in one query: the org's latest results release, the latest per-decision
release, the last change to a decision (a status change drops it from "at risk") and the last
execution figure. Any of these moving changes the key, so nothing stale is served and nothing
needs purging. What moves between releases (participation of open rounds) is kept only
`PARTICIPATION_SECONDS` (a count up to that old is shown; the round page shows it live).

The overview of every admin and leader is built when a release is published
(`dashboards.warm`, on `release_published`), so the first reader after a release gets a hit
when the cache is shared by the worker and the web processes (settings `CACHES["reads"]`:
Redis with CACHE_URL, else a file cache under var/; the per-process memory cache in tests).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.core.cache import caches
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from core.reads import reads_version
from dashboards.friction import FrictionView, friction_build
from dashboards.selectors import Overview, overview_build, overview_participation
from decisions.models import Decision
from decisions.models_release import DecisionResultsRelease
from execution.models import Observation
from orgs.models import Organization
from orgs.tenancy import Tenant
from scoring.models_release import ResultRelease

CACHE_SECONDS = 7 * 24 * 3600  # a bound only: the key changes with every release anyway
PARTICIPATION_SECONDS = 30  # how old a participation count of an open round may be
VERSION = "2"  # bump when a cached dataclass changes shape
CACHE_ALIAS = "reads"


def reads_cache() -> Any:
    """The cache of read models kept per release (settings CACHES["reads"])."""
    return caches[CACHE_ALIAS]


def _latest(model: Any, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(organization_id=OuterRef("pk"))
        .values("organization_id")
        .annotate(m=Max(field))
        .values("m")[:1]
    )


def overview_version(*, org: Organization) -> str:
    """A stamp of everything the cached overview reads (one query and the org's reads token:
    `core.reads` moves it on every write a page shows, team renames and moves included,
    which the releases and decisions below do not follow: a renamed team kept its old name
    in the overview's heading and the heatmap's rows until the next release)."""
    row = (
        Organization.objects.filter(pk=org.pk)
        .annotate(
            release=Coalesce(_latest(ResultRelease, "id"), 0),
            # The time too: ids can be reused (a test's rolled-back rows), times are not.
            released_at=_latest(ResultRelease, "released_at"),
            decision_release=_latest(DecisionResultsRelease, "released_at"),
            decision=_latest(Decision, "updated_at"),
            observation=_latest(Observation, "updated_at"),
        )
        .values_list("release", "released_at", "decision_release", "decision", "observation")
        .first()
    )
    token = reads_version(org_id=org.pk)
    return hashlib.sha256(f"{row!r}|{token}".encode()).hexdigest()[:16]


def viewer_signature(tenant: Tenant) -> str:
    """What decides which figures and links a reader gets: visible teams and roles."""
    visible = tenant.visible_team_ids()
    teams = "all" if visible is None else ",".join(str(t) for t in sorted(visible))
    roles = ",".join(sorted(str(r) for r in tenant.roles))
    return hashlib.sha256(f"{teams}|{roles}".encode()).hexdigest()[:16]


def overview_key(*, tenant: Tenant, team_id: int, period: Any) -> str:
    org = tenant.org
    return (
        f"dash:ov:v{VERSION}:{org.pk}:{overview_version(org=org)}:{viewer_signature(tenant)}"
        f":{team_id}:{period or 'latest'}:{org.k}"
    )


def heatmap_key(*, tenant: Tenant, team_id: int, period: Any, sort: str, descending: bool) -> str:
    """The heatmap's figures and rendered rows depend on the same things as the overview's."""
    org = tenant.org
    return (
        f"dash:hm:v{VERSION}:{org.pk}:{overview_version(org=org)}:{viewer_signature(tenant)}"
        f":{team_id}:{period or 'latest'}:{sort}:{int(descending)}:{org.k}"
    )


def overview_figures(
    *, tenant: Tenant, team_id: int, period: dt.date | None
) -> tuple[Overview, FrictionView]:
    """The overview's figures of one team and period, from the cache or built and kept."""
    key = overview_key(tenant=tenant, team_id=team_id, period=period)
    cache = reads_cache()
    cached = cache.get(key)
    if cached is None:
        ov = overview_build(tenant=tenant, team_id=team_id, period=period, participation=False)
        fv = friction_build(tenant=tenant, team_id=team_id, period=ov.period)
        cached = (ov, fv)
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def participation_cached(
    *, tenant: Tenant, team_id: int, period: dt.date | None
) -> list[dict[str, Any]]:
    """Participation of the period's rounds, at most `PARTICIPATION_SECONDS` old (2 queries +
    the roll-up of the whole tree when it is not)."""
    org = tenant.org
    key = (
        f"dash:part:v{VERSION}:{org.pk}:{viewer_signature(tenant)}:{team_id}:"
        f"{period or 'none'}:{org.k}"
    )
    cache = reads_cache()
    found = cache.get(key)
    if found is None:
        found = overview_participation(tenant, team_id, period)
        cache.set(key, found, PARTICIPATION_SECONDS)
    return found
