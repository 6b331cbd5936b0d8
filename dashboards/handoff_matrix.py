"""The dashboard's handoff page: the released team × team matrix for the dashboard's team and period.

Reads handoffs' stored release only (decided on the whole org's pairs, k people on each
side, checked against the ledger); the dashboard's team narrows to the pairs involving that
team or a sub-team, after the decision, and a leader sees only pairs involving their teams.
"""

from __future__ import annotations

import datetime as dt

from dashboards.filters import DashboardQuery
from handoffs.matrix import HandoffMatrix, handoff_matrix_build
from orgs.periods import period_start
from orgs.tenancy import Tenant

ROOT = 0  # the dashboard's "whole organization" team id


def handoff_matrix_for_dashboard(*, tenant: Tenant, q: DashboardQuery) -> HandoffMatrix:
    """The matrix of the dashboard query's team (and sub-teams) and period (default latest)."""
    org = tenant.org
    teams = None if q.team_id == ROOT else org.team_tree().descendants([q.team_id])
    period: dt.date | None = (
        period_start(q.period, org.reporting_period) if q.period is not None else None
    )
    return handoff_matrix_build(tenant=tenant, period=period, teams=teams)
