"""The one parser of the `team` and `period` query values every page, export and API reads.

Bad input is a domain error with a message: a team id that is not a whole number or a
period that is malformed or impossible is InvalidInput (400); a team that is not one of the
organization's (or not one the caller may see) is NotFound (404) — never silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from core.errors import InvalidInput, NotFound
from orgs.models import Organization, Team
from orgs.periods import period_label, period_start
from orgs.tenancy import descendant_ids, scoped

TEAM_ERROR = "team ids must be integers (0 = whole organization)"
_LABEL_EXAMPLE = {"month": "2026-11", "week": "2026-W47", "fortnight": "2026-W46/47"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LABEL = re.compile(r"(\d{4})-(?:(\d{2})|W(\d{2})(?:/\d{2})?)")
# No results can exist outside these years; a period beyond them is a typo, not a filter.
FIRST_PERIOD, LAST_PERIOD = dt.date(2000, 1, 1), dt.date(2100, 1, 1)


def team_ids_parse(raw: list[str]) -> list[int] | None:
    """The `team` query values as ids; InvalidInput naming the field when one is not a number."""
    if not raw:
        return None
    try:
        return [int(x) for x in raw]
    except ValueError as exc:
        raise InvalidInput(TEAM_ERROR, {"team": TEAM_ERROR}) from exc


def _period_parse(text: str, kind: str) -> dt.date:
    """A period as the results page labels it (period_label: "2026-11", "2026-W47",
    "2026-W46/47") or any date in it (YYYY-MM-DD); its first day. ValueError otherwise."""
    if _DATE.fullmatch(text):  # not fromisoformat alone: it also takes "2026-W44"
        return period_start(dt.date.fromisoformat(text), kind)
    m = _LABEL.fullmatch(text)
    if m is None:
        raise ValueError(text)
    year, month, week = m.groups()
    day = (
        dt.date(int(year), int(month), 1)
        if month
        else dt.date.fromisocalendar(int(year), int(week), 1)
    )
    start = period_start(day, kind)
    if period_label(start, kind) != text:  # e.g. a week label in a monthly org
        raise ValueError(text)
    return start


def periods_parse(raw: list[str], *, kind: str) -> list[dt.date] | None:
    """The `period` query values as first days; InvalidInput naming the field otherwise."""
    if not raw:
        return None
    try:
        return [_period_parse(x.strip(), kind) for x in raw]
    except ValueError as exc:
        msg = (
            f"periods are given as the results page labels them (like "
            f"{_LABEL_EXAMPLE.get(kind, '2026-11')}) or as a date YYYY-MM-DD in the period"
        )
        raise InvalidInput(msg, {"period": msg}) from exc


def _single(params: Any, key: str) -> str | None:
    values = [v for v in params.getlist(key) if v != ""] if hasattr(params, "getlist") else []
    if not values and not hasattr(params, "getlist") and params.get(key) not in (None, ""):
        values = [params.get(key)]
    if not values:
        return None
    if len(values) > 1:
        raise InvalidInput(f"give one {key} at a time", {key: f"give one {key} at a time"})
    return str(values[0]).strip()


def query_team_id(raw: str | None) -> int | None:
    """One `team` value as an id (None when absent); 400 unless a whole number in range."""
    if raw is None:
        return None
    team_id = (team_ids_parse([raw]) or [0])[0]
    if team_id < 0 or team_id > 2**62:
        raise InvalidInput("team ids are positive whole numbers", {"team": "out of range"})
    return team_id


def query_period(raw: str | None, *, kind: str) -> dt.date | None:
    """One `period` value as its first day (None when absent); 400 when malformed or impossible."""
    if raw is None:
        return None
    period = (periods_parse([raw], kind=kind) or [FIRST_PERIOD])[0]
    if not FIRST_PERIOD <= period <= LAST_PERIOD:
        msg = f"no results can exist for the period {period_label(period, kind)}"
        raise InvalidInput(msg, {"period": msg})
    return period


def team_period_parse(
    *, org: Organization, params: Any, team_ids: frozenset[int] | set[int] | None = None
) -> tuple[int | None, dt.date | None]:
    """`team` and `period` of a query, checked: (None, None) when absent.

    A team must be one of `org`'s (and of `team_ids` when given: the teams the page shows);
    otherwise NotFound, saying the same for another org's team and for no team at all.
    """
    team_id = query_team_id(_single(params, "team"))
    if team_id is not None:
        known = (
            team_id in team_ids
            if team_ids is not None
            else scoped(Team, org).filter(pk=team_id).exists()
        )
        if not known:
            raise NotFound(f"team {team_id} not found among your teams")
    return team_id, query_period(_single(params, "period"), kind=org.reporting_period)


def team_scope(*, org: Organization, team_id: int | None) -> set[int] | None:
    """The team and every team below it (None for no team: the page shows all it may)."""
    return None if team_id is None else descendant_ids(org.pk, [team_id])
