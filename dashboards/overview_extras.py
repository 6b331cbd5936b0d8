"""The overview's cards that do not come from releases: items waiting longest (execution's
work items) and workshop commitments open and slipped — each with a link to its detail page.

Neither is an aggregate of people's answers (items are work; a commitment has a named owner
who agreed to it in the workshop), so no k applies; the reader's team scope does: the team
picked and its sub-teams, and only workshops the reader may read. Waiting items move with
time and imports, not releases, so they are cached briefly rather than with the release.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from core.reads import reads_version
from dashboards.selectors import subtree_ids
from execution.selectors_flow import items_waiting_longest
from orgs.tenancy import Tenant
from trustmath.engine import ORG_ID
from workshops.models_commitments import Commitment, CommitmentStatus
from workshops.selectors_access import workshops_readable
from workshops.selectors_followthrough import (
    FollowThrough,
    follow_through_total,
    followthrough_release_read,
    org_today,
)

LISTED = 5
WAITING_CACHE_SECONDS = 300
WAITING_MIN_DAYS = 5.0


def _scope(tenant: Tenant, team_id: int) -> set[int] | None:
    return None if team_id == ORG_ID else set(subtree_ids(tenant=tenant, team_id=team_id))


def overview_waiting(*, tenant: Tenant, team_id: int) -> list[dict[str, Any]]:
    """Up to five open items of the team (and sub-teams) waiting longest for a next move."""
    # The org's reads token: an import or a team renamed shows at once, not after 5 minutes.
    token = reads_version(org_id=tenant.org.pk)
    key = f"dash:waiting:{tenant.org.pk}:{token}:{tenant.user_id}:{team_id}"
    found = cache.get(key)
    if found is None:
        found = items_waiting_longest(
            tenant=tenant, team_ids=_scope(tenant, team_id), limit=LISTED, min_days=WAITING_MIN_DAYS
        )
        cache.set(key, found, WAITING_CACHE_SECONDS)
    return list(found)


@dataclass
class Commitments:
    open: list[Commitment] = field(default_factory=list)
    slipped: list[Commitment] = field(default_factory=list)
    n_open: int = 0
    n_slipped: int = 0
    today: dt.date | None = None
    # The team's released follow-through (k owners, the ledger); None at org level.
    follow_through: FollowThrough | None = None


def overview_commitments(
    *, tenant: Tenant, team_id: int, now: dt.datetime | None = None
) -> Commitments:
    """Open commitments of the team's workshops (due soonest first) and slipped ones: marked
    slipped, or still open past their due date (most overdue first). One query."""
    today = org_today(tenant.org, now)
    scope = _scope(tenant, team_id)
    workshops = workshops_readable(tenant=tenant)
    if scope is not None:
        workshops = workshops.filter(team_id__in=scope)
    rows = list(
        Commitment.objects.filter(
            organization=tenant.org,
            workshop__in=workshops.values("pk"),
            status__in=[CommitmentStatus.OPEN, CommitmentStatus.SLIPPED],
        )
        .select_related("workshop__team", "owner")
        .order_by("due_on", "id")
    )
    # Read whichever team is picked (org level shows none): the same queries for every pick.
    released = followthrough_release_read(org_id=tenant.org.pk)
    slipped = [c for c in rows if c.status == CommitmentStatus.SLIPPED or c.due_on < today]
    still = [c for c in rows if c not in slipped]
    return Commitments(
        open=still[:LISTED],
        slipped=slipped[:LISTED],
        n_open=len(still),
        n_slipped=len(slipped),
        today=today,
        follow_through=(
            follow_through_total(org=tenant.org, team_id=team_id, cells=released)
            if team_id != ORG_ID
            else None
        ),
    )
