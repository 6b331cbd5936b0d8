"""Closed rounds whose results were never released: what the recovery beat re-queues."""

from __future__ import annotations

import datetime as dt

from django.db.models import Max, OuterRef, Subquery

from scoring.models_release import ResultRelease
from surveys.models import PulseRound


def rounds_unreleased(*, now: dt.datetime, grace: dt.timedelta) -> list[int]:
    """Ids of rounds closed more than `grace` ago after their org's latest release.

    A recompute is acknowledged when a worker takes it (it may run longer than the broker's
    visibility timeout, so it must not be handed out twice); a worker killed mid-recompute
    therefore loses it, and this finds the rounds whose release never came.
    """
    latest = (
        ResultRelease.objects.filter(organization_id=OuterRef("organization_id"))
        .values("organization_id")
        .annotate(at=Max("released_at"))
        .values("at")
    )
    rounds = (
        PulseRound.objects.filter(closed_at__isnull=False, closed_at__lte=now - grace)
        .annotate(released=Subquery(latest))
        .values_list("id", "closed_at", "released")
    )
    return sorted(pk for pk, closed, released in rounds if released is None or released < closed)
