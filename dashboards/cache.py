"""The overview's cache: what it shows changes only with a release (or new execution data), so
its expensive parts are kept per release under a key that names everything they depend on.

The version is read in one query: the org's latest results release, the latest per-decision
release, the last change to a decision (a status change drops it from "at risk") and the last
execution figure. Any of these moving changes the key, so nothing stale is served and nothing
needs purging. What moves between releases (participation of open rounds) is never cached.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from decisions.models import Decision
from decisions.models_release import DecisionResultsRelease
from execution.models import Observation
from orgs.models import Organization
from orgs.tenancy import Tenant
from scoring.models_release import ResultRelease

CACHE_SECONDS = 3600  # a bound only: the key changes with every release anyway
VERSION = "1"  # bump when a cached dataclass changes shape


def _latest(model: Any, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(organization_id=OuterRef("pk"))
        .values("organization_id")
        .annotate(m=Max(field))
        .values("m")[:1]
    )


def overview_version(*, org: Organization) -> str:
    """A stamp of everything the cached overview reads (one query)."""
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
    return hashlib.sha256(repr(row).encode()).hexdigest()[:16]


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
