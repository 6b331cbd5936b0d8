"""Unlocking a login the failed-login lockout (django-axes) holds, by an org admin, audited."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.contrib.auth import get_user_model

from core.audit import audit_record
from core.errors import NotFound
from orgs.models import Organization
from orgs.selectors_lockout import org_usernames


def login_unlock(*, organization: Organization, actor: Any, username: str) -> int:
    """Forget every failed login of `username` (all addresses): it may log in at once.
    Only a login of this organization; any other username is a 404, as if unknown.
    Returns how many failure records were removed."""
    if username not in org_usernames(organization=organization):
        raise NotFound("No such login in this organization.")
    user = get_user_model().objects.get(username=username)
    removed = reset(username=username)
    audit_record(
        organization=organization,
        actor=actor,
        action="orgs.login.unlocked",
        obj=user,
        changes={"user": username, "records": removed},
    )
    return removed
