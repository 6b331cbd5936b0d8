"""The reliability page: α, Feldt interval, n and item–total r per dimension, for admins and
facilitators (scoring/selectors_reliability.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from orgs.tenancy import require_tenant
from scoring.selectors_reliability import (
    ALPHA_LOW,
    ITEM_R_LOW,
    RELIABILITY_ROLES,
    reliability_for_org,
)


@login_required
def reliability(request: HttpRequest) -> HttpResponse:
    """Every dimension's reliability in the recent periods: org, then departments."""
    tenant = require_tenant(request, RELIABILITY_ROLES)
    return render(
        request,
        "scoring/reliability.html",
        {
            "report": reliability_for_org(org=tenant.org),
            "alpha_low": ALPHA_LOW,
            "item_low": ITEM_R_LOW,
        },
    )
