"""The dashboard's query: team and period parsed and checked once for every page, export and API.

Bad input is a domain error with a message (400 for a malformed value, 404 for a team that
is unknown, another organization's, or not the reader's — all the same to the caller), never a
500 and never another org's data. Person-attribute filters (`attribute` + `value`) are taken
by the overview only, for one team and period at a time (dashboards/attributes.py); every
other page, export and the API answer 400 for them rather than compute them unchecked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from core.errors import InvalidInput, NotFound
from orgs import disclosure as orgs_disclosure
from orgs.models import RESULTS_ROLES
from orgs.query import team_period_parse
from orgs.tenancy import Tenant, get_tenant
from scoring.selectors import ResultTeam, results_default_team, results_teams

# Query keys every dashboard page understands; any other key (a tracking tag, `page`, …) is
# ignored, so a shared link with utm_* tags still opens; malformed values of these are a 400.
KNOWN_KEYS = frozenset({"team", "period", "dimension", "sort", "dir", "format"})
# Keys of the person-attribute filter (the overview only) and names people may guess for it.
FILTER_KEYS = frozenset({"attribute", "value"})
ATTRIBUTE_KEYS = frozenset({"location", "tenure_band", "tenure", "attr"})
ATTRIBUTES_UNAVAILABLE = (
    "Filters by person attributes (location, tenure band, …) are on the overview, one team "
    "and period at a time (attribute=…&value=…): each filter and the rest of the team must "
    "first pass the disclosure check, so other pages, exports and the API do not take them."
)


def dashboard_tenant(request: HttpRequest) -> Tenant:
    """A results reader (admin, leader, facilitator) of an org; everyone else gets 403."""
    tenant = get_tenant(request)
    if tenant is None:
        raise PermissionDenied("You are not a member of any organization.")
    if not tenant.has_any_role(RESULTS_ROLES):
        raise PermissionDenied("The dashboard is for admins, leaders and facilitators.")
    visible = tenant.visible_team_ids()
    if visible is not None and not visible:
        raise PermissionDenied("You lead or facilitate no team yet.")
    return tenant


def attribute_filters_available() -> bool:
    """Whether orgs.disclosure offers the ad-hoc cell check attribute filters need."""
    return hasattr(orgs_disclosure, "disclosure_check_adhoc")


@dataclass(frozen=True)
class DashboardQuery:
    """What one dashboard request asks for, already checked against the reader's teams."""

    team_id: int
    team_name: str
    period: dt.date | None  # None = the latest period with results
    teams: list[ResultTeam]
    params: dict[str, str]

    def querystring(self, **override: str | None) -> str:
        """The query string of this request with some keys replaced (None drops a key)."""
        merged = {**self.params, **override}
        return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def dashboard_query(*, tenant: Tenant, params: Any, attributes: bool = False) -> DashboardQuery:
    """Parse `team` and `period` of a GET query; default to the reader's own top team.

    Raises InvalidInput (400) for malformed values or a person-attribute key where none is
    taken, NotFound (404) for a team the reader may not see (unknown, another organization's
    or not theirs). Other unknown keys are ignored.
    """
    known = KNOWN_KEYS | FILTER_KEYS if attributes else KNOWN_KEYS
    unknown = sorted(set(params.keys()) - known)
    attr = [k for k in unknown if k in ATTRIBUTE_KEYS | FILTER_KEYS or k.startswith("attr")]
    if attr:
        raise InvalidInput(ATTRIBUTES_UNAVAILABLE, {attr[0]: ATTRIBUTES_UNAVAILABLE})
    teams = results_teams(tenant=tenant)
    names = {t.team_id: t.name for t in teams}
    # The one parser (orgs.query): 400 for a malformed team or period, 404 for a team that
    # is not one the reader may see.
    team_id, period = team_period_parse(org=tenant.org, params=params, team_ids=set(names))
    if team_id is None:
        team_id = results_default_team(tenant=tenant, teams=teams)
    if team_id is None or team_id not in names:
        raise NotFound("You may see no team.")
    keep = {k: str(v) for k, v in params.items() if k in known and k != "format"}
    return DashboardQuery(
        team_id=team_id, team_name=names[team_id], period=period, teams=teams, params=keep
    )
