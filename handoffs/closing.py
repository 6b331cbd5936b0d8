"""When a handoff period can no longer change: its pair figures are released once, then, never before.

Handoff answers have no round (a person may answer several handoffs of one pair in a period),
so two releases of one growing pair-period could differ by a few answers of one person
(docs/privacy.md, Known gaps 12). A period is therefore released only once it is *closed*:
it has ended, no check-in about one of its handoffs can still be created (the last one falls
due a few working days after the period's last day and is created within GRACE_DAYS), no
check-in of it can still be answered (every window past its ANSWER_DAYS), and its buffered
answers are flushed (forced then: no link of it can add one, so the group is final). After
that each (pair, period, side) set of answers is released once and never grows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models.functions import Coalesce
from django.utils import timezone

from handoffs.checkins import ANSWER_DAYS, GRACE_DAYS, checkin_delay_days, working_days_after
from handoffs.models import HandoffCheckIn
from orgs.models import Organization
from orgs.periods import period_end, period_label, period_start


def handoff_last_ask(*, org: Organization, period: dt.date) -> dt.date:
    """The last day a check-in about a handoff of `period` can be created."""
    end = period_end(period, org.reporting_period)
    delay = checkin_delay_days()
    # The latest due day of a handoff in the period's last week (weekends push it on).
    due = max(working_days_after(end - dt.timedelta(days=i), delay) for i in range(7))
    return due + dt.timedelta(days=GRACE_DAYS - 1)


def handoff_period_closes(*, org: Organization, period: dt.date) -> dt.date:
    """The day the period's figures are released, when its check-ins go out on time: its
    last check-ins' answer windows are then over (a late email can only push it later)."""
    return handoff_last_ask(org=org, period=period) + dt.timedelta(days=ANSWER_DAYS + 1)


def handoff_open_windows(*, org: Organization, now: dt.datetime) -> set[dt.date]:
    """Periods with a check-in that can still be sent or answered (same test as closing)."""
    cutoff = now - dt.timedelta(days=ANSWER_DAYS)
    return set(
        HandoffCheckIn.objects.filter(organization=org)
        .annotate(since=Coalesce("sent_at", "created_at"))
        .filter(since__gte=cutoff)
        .values_list("period", flat=True)
        .distinct()
    )


def handoff_period_closed(
    *, org: Organization, period: dt.date, now: dt.datetime, open_windows: set[dt.date]
) -> bool:
    """True when no answer about a handoff of `period` can arrive any more."""
    today = timezone.localtime(now, org.tz).date()
    return today > handoff_last_ask(org=org, period=period) and period not in open_windows


def handoff_pending_periods(*, org: Organization, released: set[dt.date]) -> list[dict[str, str]]:
    """The periods not released yet that pages name ("released when … closes"), newest first:
    the current one, and the one before while it is not released."""
    today = timezone.localdate(timezone=org.tz)
    current = period_start(today, org.reporting_period)
    before = period_start(current - dt.timedelta(days=1), org.reporting_period)
    out = []
    for p in (current, before):
        closes = handoff_period_closes(org=org, period=p)
        if p in released or (p != current and closes <= today):
            continue  # released, or an old period whose last windows were late: say nothing
        out.append(
            {
                "period": p.isoformat(),
                "label": period_label(p, org.reporting_period),
                "closes": closes.isoformat(),
            }
        )
    return out


def handoff_release_due(*, org: Organization, released_at: dt.datetime, now: dt.datetime) -> bool:
    """True when a period may have closed by time alone since the last release (the day after
    the last period's last possible check-in passed), so the hourly dispatch releases it."""
    today = timezone.localtime(now, org.tz).date()
    before = period_start(
        period_start(today, org.reporting_period) - dt.timedelta(days=1), org.reporting_period
    )
    return (
        timezone.localtime(released_at, org.tz).date()
        <= handoff_last_ask(org=org, period=before)
        < today
    )
