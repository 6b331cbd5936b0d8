"""Reads for the login-lockout page: the failed-login records of this organization's logins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from orgs.models import Organization


@dataclass(frozen=True)
class LoginLockout:
    """One username's failed logins at one address; `locked` while past the limit."""

    username: str
    ip_address: str
    failures: int
    last_attempt: datetime
    locked_until: datetime | None

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def org_usernames(*, organization: Organization) -> set[str]:
    """Usernames of this org's logins: a role in it, or the login of one of its people."""
    users = get_user_model().objects.filter(
        Q(memberships__organization=organization) | Q(person__organization=organization)
    )
    return set(users.values_list("username", flat=True))


def lockout_list(*, organization: Organization) -> list[LoginLockout]:
    """Failed-login records of this organization's usernames only (never another org's),
    locked ones first. A username another org also uses is the same login: it is one user."""
    usernames = org_usernames(organization=organization)
    if not usernames:
        return []
    cool_off = settings.AXES_COOLOFF_TIME
    limit = int(settings.AXES_FAILURE_LIMIT)
    now = timezone.now()
    rows = []
    for attempt in AccessAttempt.objects.filter(username__in=usernames).order_by(
        "username", "ip_address"
    ):
        until = attempt.attempt_time + cool_off
        locked = attempt.failures_since_start >= limit and until > now
        rows.append(
            LoginLockout(
                username=str(attempt.username),
                ip_address=str(attempt.ip_address or ""),
                failures=attempt.failures_since_start,
                last_attempt=attempt.attempt_time,
                locked_until=until if locked else None,
            )
        )
    return sorted(rows, key=lambda r: (not r.locked, r.username, r.ip_address))
