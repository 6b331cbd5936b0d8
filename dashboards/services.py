"""Writes of the dashboard app: the leaders' digest email after each published release.

Each admin and leader of the org gets what *they* may see (dashboards/digest.py: their tenant
goes through the same selectors and disclosure decision as their pages): what changed since the
previous period, hotspots and what drags them down, decisions newly at risk, the trust-index
chart as SVG in the HTML part, a link. Slack (optional) gets one figure-free announcement.
A (user, release) pair is sent at most once (DigestSent), so a re-run task sends no copies,
and a release that changes nothing a reader's digest says (a team renamed, late answers that
stay hidden) is stamped for them but not emailed again.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction

from core import emails
from core.links import absolute_url
from core.notify import slack_post
from dashboards.digest import digest_context, digest_fingerprint, digest_last, slack_text
from dashboards.models import DigestSent
from orgs.models import Membership, Role
from scoring.models_release import ResultRelease

logger = logging.getLogger(__name__)
DIGEST_ROLES = (Role.ADMIN, Role.LEADER)


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
    first_run = not DigestSent.objects.filter(organization=org, key=key).exists()
    period = ""
    seen: set[int] = set()
    for m in readers:
        user = m.user
        if user.pk in seen or not user.email or not user.is_active:
            continue
        seen.add(user.pk)
        if DigestSent.objects.filter(organization=org, user=user, key=key).exists():
            continue
        ctx = digest_context(user=user, org=org, key=key)
        if ctx is None:
            continue
        fingerprint = digest_fingerprint(ctx)
        last = digest_last(org=org, user=user, key=key)
        unchanged = last is not None and last.fingerprint == fingerprint
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    organization=org,
                    user=user,
                    key=key,
                    at_risk_ids=ctx["at_risk_ids"],
                    fingerprint=fingerprint,
                    emailed=not unchanged,
                )
                if not unchanged:
                    emails.leader_digest(to=user.email, ctx=ctx)  # raises: the stamp rolls back
        except IntegrityError:
            continue  # another worker sent it first
        if unchanged:
            continue
        sent += 1
        period = period or ctx["ov"].period_label
    if first_run and sent:
        # Optional, once per release, and without figures (a shared channel: see slack_text).
        slack_post(text=slack_text(org=org, period=period, url=absolute_url("dashboards:overview")))
    return sent
