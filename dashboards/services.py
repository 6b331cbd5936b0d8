"""Writes of the dashboard app: the leaders' digest email after each published release.

Each admin and leader of the org gets what *they* may see (their tenant goes through the same
selectors and disclosure decision as their pages): what changed since the previous period,
the decisions at risk of their teams, the trust-index chart as SVG in the HTML part, a link.
A (user, release) pair is sent at most once (DigestSent), so a re-run task sends no copies.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction

from core import emails
from core.links import absolute_url
from dashboards.charts import trend_chart
from dashboards.models import DigestSent
from dashboards.selectors import TRUST_KEY, overview_build, trends_frame
from orgs.models import Membership, Role
from orgs.tenancy import tenant_for_user
from scoring.models_release import ResultRelease
from scoring.selectors import results_default_team, results_teams

logger = logging.getLogger(__name__)
DIGEST_ROLES = (Role.ADMIN, Role.LEADER)


def digest_context(*, user: Any, org: Any) -> dict[str, Any] | None:
    """What one reader's digest says, or None when they may see no team's results."""
    tenant = tenant_for_user(user, org=org)
    if tenant is None:
        return None
    team_id = results_default_team(tenant=tenant, teams=results_teams(tenant=tenant))
    if team_id is None:
        return None
    ov = overview_build(tenant=tenant, team_id=team_id, period=None)
    frame = trends_frame(tenant=tenant, team_id=team_id)
    chart = None
    trust = frame[frame["key"] == TRUST_KEY]
    if not trust.empty:
        chart = trend_chart(org_id=org.pk, team_id=team_id, key=TRUST_KEY, frame=trust)
    return {
        "name": user.first_name or user.get_username(),
        "org": org.name,
        "ov": ov,
        "chart": chart,
        "url": absolute_url("dashboards:overview") + f"?team={team_id}",
    }


def digest_send_for_release(*, org_id: int) -> int:
    """Send the digest of the org's latest release to each admin and leader once; returns how
    many were sent now (one digest per reader and release, whatever rounds it covers)."""
    release = (
        ResultRelease.objects.filter(organization_id=org_id, rows__gt=0)
        .select_related("organization")
        .order_by("-released_at", "-id")
        .first()
    )
    if release is None:
        return 0
    org = release.organization
    key = f"release:{release.pk}"
    sent = 0
    readers = (
        Membership.objects.filter(organization=org, role__in=DIGEST_ROLES)
        .select_related("user")
        .order_by("user_id")
    )
    seen: set[int] = set()
    for m in readers:
        user = m.user
        if user.pk in seen or not user.email or not user.is_active:
            continue
        seen.add(user.pk)
        if DigestSent.objects.filter(organization=org, user=user, key=key).exists():
            continue
        ctx = digest_context(user=user, org=org)
        if ctx is None:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(organization=org, user=user, key=key)
                emails.leader_digest(to=user.email, ctx=ctx)  # raises: the stamp rolls back
        except IntegrityError:
            continue  # another worker sent it first
        sent += 1
    return sent
