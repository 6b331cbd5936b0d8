"""Shared set-up of the workshop tests: a workshop of Platform in the BaseTestCase org."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from orgs.models import Organization, Team
from workshops.models import Workshop


def workshop_make(
    *,
    org: Organization,
    team: Team,
    facilitator: Any = None,
    title: str = "Platform retro",
    **fields: Any,
) -> Workshop:
    fields.setdefault("scheduled_for", timezone.now() - dt.timedelta(days=1))
    fields.setdefault("state", Workshop.State.ENDED)
    return Workshop.objects.create(
        organization=org, team=team, facilitator=facilitator, title=title, **fields
    )
