"""What one reader's digest says after a release: trust index, what changed, hotspots with the
dimensions and metrics behind each, decisions at risk (newly and still), a link.

Every figure comes from the selectors the reader's pages use, with the reader's tenant, so the
digest never says more than the dashboard would show them (same disclosure decisions). "Newly
at risk" is against the decisions listed in the reader's previous digest (DigestSent keeps
their ids), so a decision is news once, not every month it stays at risk.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from core.links import absolute_url
from dashboards.charts import trend_chart
from dashboards.friction import friction_build
from dashboards.models import DigestSent
from dashboards.selectors import TRUST_KEY, overview_build, subtree_ids, trends_frame
from decisions.selectors import decisions_at_risk
from orgs.tenancy import Tenant, tenant_for_user
from scoring.selectors import results_default_team, results_teams
from trustmath.engine import ORG_ID

AT_RISK_LISTED = 5


def _at_risk_all(tenant: Tenant, team_id: int) -> list[dict[str, Any]]:
    """Decisions at risk affecting the team or its sub-teams (every one the reader sees for
    the org), ranked as the at-risk page ranks them."""
    ranked = decisions_at_risk(tenant=tenant, limit=200)
    if team_id == ORG_ID:
        return ranked
    ids = set(subtree_ids(tenant=tenant, team_id=team_id))
    return [r for r in ranked if {t.pk for t in r["decision"].affected_teams.all()} & ids]


def digest_last(*, org: Any, user: Any, key: str) -> DigestSent | None:
    """The reader's last digest stamp before the one keyed ``key`` (None: no digest yet)."""
    return (
        DigestSent.objects.filter(organization=org, user=user)
        .exclude(key=key)
        .order_by("-sent_at", "-id")
        .first()
    )


def previous_at_risk(*, org: Any, user: Any, key: str) -> set[int] | None:
    """Decision ids at risk in the reader's last digest before this one (None: no digest yet)."""
    last = digest_last(org=org, user=user, key=key)
    return None if last is None else {int(x) for x in last.at_risk_ids or []}


def digest_fingerprint(ctx: dict[str, Any]) -> str:
    """A hash of what the digest says, apart from what is relative to the previous digest
    ("newly" vs "still" at risk would differ between two identical releases): the text
    body as it reads with every decision at risk listed, plus their ids."""
    neutral = {
        **ctx,
        "first_digest": True,
        "newly_at_risk": [],
        "newly_more": 0,
        "still_at_risk": 0,
    }
    text = render_to_string("emails/digest-body.txt", neutral)
    ids = ",".join(str(i) for i in sorted(ctx["at_risk_ids"]))
    return hashlib.sha256(f"{text}\n{ids}".encode()).hexdigest()


def digest_context(*, user: Any, org: Any, key: str = "") -> dict[str, Any] | None:
    """What one reader's digest says, or None when they may see no team's results."""
    tenant = tenant_for_user(user, org=org)
    if tenant is None:
        return None
    team_id = results_default_team(tenant=tenant, teams=results_teams(tenant=tenant))
    if team_id is None:
        return None
    ov = overview_build(tenant=tenant, team_id=team_id, period=None)
    fv = friction_build(tenant=tenant, team_id=team_id, period=None)
    frame = trends_frame(tenant=tenant, team_id=team_id)
    chart = None
    trust = frame[frame["key"] == TRUST_KEY]
    if not trust.empty:
        chart = trend_chart(org_id=org.pk, team_id=team_id, key=TRUST_KEY, frame=trust)
    at_risk = _at_risk_all(tenant, team_id)
    before = previous_at_risk(org=org, user=user, key=key)
    newly = [r for r in at_risk if before is None or r["decision"].pk not in before]
    still = [r for r in at_risk if before is not None and r["decision"].pk in before]
    base = absolute_url("dashboards:overview")
    return {
        "name": user.first_name or user.get_username(),
        "org": org.name,
        "ov": ov,
        "fv": fv,
        "hotspots": fv.hotspots,
        "hotspots_period": fv.period_label,
        "has_execution": fv.has_execution,
        "chart": chart,
        "first_digest": before is None,
        "newly_at_risk": newly[:AT_RISK_LISTED],
        "newly_more": max(0, len(newly) - AT_RISK_LISTED),
        "still_at_risk": len(still),
        "at_risk_ids": [r["decision"].pk for r in at_risk],
        "at_risk_url": absolute_url("decisions:at_risk"),
        "friction_url": absolute_url("dashboards:friction") + f"?team={team_id}",
        "site": settings.SITE_URL,  # hotspot links are site-relative, as on the pages
        "url": base + f"?team={team_id}",
    }


def slack_text(*, org: Any, period: str, url: str) -> str:
    """The Slack announcement of a release: no figure and no team name, since the webhook posts
    to a shared channel and each leader may see different teams (the figures go by email)."""
    when = f" for {period}" if period else ""
    return (
        f"New trust results{when} are released in {org.name}. Leaders: your digest is in your "
        f"inbox, and the dashboard is at {url}"
    )
