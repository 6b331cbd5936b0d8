"""The set-up page of locked-out logins: an org admin sees their org's and unlocks one."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from orgs.selectors_lockout import lockout_list
from orgs.services_lockout import login_unlock
from orgs.views import AdminView


class LockoutView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        rows = lockout_list(organization=self.tenant.org)
        context = {
            "rows": rows,
            "locked_count": sum(1 for r in rows if r.locked),
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cool_off_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        }
        return render(request, "orgs/lockouts.html", context)

    def post(self, request: HttpRequest) -> HttpResponse:
        username = request.POST.get("username", "")
        login_unlock(organization=self.tenant.org, actor=request.user, username=username)
        messages.success(request, f"{username} can log in again.")
        return redirect("orgs:lockouts")
