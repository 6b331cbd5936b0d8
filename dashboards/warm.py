"""Warm the overview's per-release cache when a release is published: the first reader gets a hit.

`release_published` (scoring, after the release committed) queues `dashboards.warm_overview`
with the org id. The task builds the landing overview (default team, latest period) of each
distinct reader scope — the admins' (one), then each leader's — once, at most
`WARM_READERS` of them, leaders of the highest teams first. It only fills a cache whose keys
name the release: running twice, late, or after a newer release is harmless (an older
release's keys are never read again; a newer one's are built again by its own task).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from core.tasks import task
from dashboards.cache import overview_figures, viewer_signature
from orgs.models import Membership, Organization, Role
from orgs.tenancy import tenant_for_user
from scoring.selectors import results_default_team, results_teams

WARM_READERS = 40  # distinct reader scopes per release; the rest build theirs on first read


def overview_warm(*, org_id: int) -> int:
    """Build and keep the landing overview of the org's admins and leaders; how many built."""
    org = Organization.objects.filter(pk=org_id).first()
    if org is None:
        return 0
    user_ids = list(
        Membership.objects.filter(organization=org, role__in=[Role.ADMIN, Role.LEADER])
        .order_by("role", "id")  # "admin" < "leader": the admins' one scope first
        .values_list("user_id", flat=True)
        .distinct()
    )
    users = get_user_model().objects.in_bulk(user_ids)
    seen: set[str] = set()
    built = 0
    for user_id in user_ids:
        if built >= WARM_READERS:
            break
        tenant = tenant_for_user(users[user_id], org)
        if tenant is None:
            continue
        signature = viewer_signature(tenant)
        if signature in seen:
            continue
        seen.add(signature)
        team_id = results_default_team(tenant=tenant, teams=results_teams(tenant=tenant))
        if team_id is None:
            continue
        overview_figures(tenant=tenant, team_id=team_id, period=None)
        built += 1
    return built


@task(name="dashboards.warm_overview")
def warm_overview(org_id: int) -> int:
    return overview_warm(org_id=org_id)


def warm_overview_queue(org_id: int) -> None:
    """Handler of release_published (announced after the release committed)."""
    warm_overview.delay_on_commit(org_id)
