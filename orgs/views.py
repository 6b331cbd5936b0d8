"""Set-up pages for an org admin: settings, teams, people, roles, API tokens, audit log.

Thin views: forms check types, services apply the rules and audit, selectors read.
Only admins get in (TenantRequiredMixin); another org's ids are 404 (get_scoped_or_404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from orgs import selectors, services
from orgs.forms import (
    ApiTokenForm,
    OrganizationSettingsForm,
    RoleGrantForm,
    TeamForm,
    apply_service_errors,
)
from orgs.models import SETUP_ROLES, ApiToken, Membership, Team
from orgs.tenancy import TenantRequiredMixin, get_scoped_or_404, scoped

PEOPLE_PER_PAGE = 50


class AdminView(TenantRequiredMixin, View):
    allowed_roles = SETUP_ROLES

    def team_or_none(self, team_id: str | None) -> Team | None:
        return get_scoped_or_404(Team, self.tenant.org, pk=team_id) if team_id else None


class SetupHomeView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        org = self.tenant.org
        return render(
            request,
            "orgs/setup.html",
            {
                "org": org,
                "counts": selectors.setup_counts(organization=org),
                "recent": selectors.audit_list(organization=org)[:10],
            },
        )


class SettingsView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationSettingsForm(
            initial=OrganizationSettingsForm.initial_for(self.tenant.org)
        )
        return self.show(request, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OrganizationSettingsForm(request.POST)
        if form.is_valid():
            try:
                services.organization_update(
                    organization=self.tenant.org, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Settings saved.")
                return redirect("orgs:settings")
        return self.show(request, form, status=400)

    def show(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        return render(
            request,
            "orgs/settings.html",
            {"form": form, "time_zones": sorted(services.valid_time_zones())},
            status=status,
        )


# --- teams --------------------------------------------------------------------------------


class TeamListView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "orgs/team_list.html",
            {"tree": selectors.team_tree(organization=self.tenant.org)},
        )


class TeamCreateView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = TeamForm(org=self.tenant.org, initial={"parent": request.GET.get("parent", "")})
        return render(request, "orgs/team_form.html", {"form": form})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TeamForm(request.POST, org=self.tenant.org)
        if form.is_valid():
            try:
                team = services.team_create(
                    organization=self.tenant.org,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    parent=self.team_or_none(form.cleaned_data["parent"]),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Team '{team.name}' created.")
                return redirect("orgs:team_list")
        return render(request, "orgs/team_form.html", {"form": form}, status=400)


class TeamEditView(AdminView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = get_scoped_or_404(Team, self.tenant.org, pk=pk)
        form = TeamForm(
            org=self.tenant.org,
            current=team.parent_id,
            initial={"name": team.name, "parent": team.parent_id or ""},
        )
        return self.show(request, team, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = get_scoped_or_404(Team, self.tenant.org, pk=pk)
        form = TeamForm(request.POST, org=self.tenant.org, current=team.parent_id)
        if form.is_valid():
            try:
                services.team_update(
                    team=team,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                    parent=self.team_or_none(form.cleaned_data["parent"]),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"Team '{team.name}' saved.")
                return redirect("orgs:team_list")
        return self.show(request, team, form, status=400)

    def show(self, request: HttpRequest, team: Team, form: Any, status: int = 200) -> HttpResponse:
        return render(request, "orgs/team_form.html", {"form": form, "team": team}, status=status)


class TeamStatusView(AdminView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        team = get_scoped_or_404(Team, self.tenant.org, pk=pk)
        activate = request.POST.get("action") == "reactivate"
        try:
            if activate:
                services.team_reactivate(team=team, actor=request.user)
            else:
                services.team_deactivate(team=team, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, f"Team '{team.name}' {'reactivated' if activate else 'deactivated'}."
            )
        return redirect("orgs:team_list")


# --- roles, tokens, audit -----------------------------------------------------------------


class RoleListView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, RoleGrantForm(org=self.tenant.org))

    def post(self, request: HttpRequest) -> HttpResponse:
        org = self.tenant.org
        form = RoleGrantForm(request.POST, org=org)
        if form.is_valid():
            teams = list(scoped(Team, org).filter(pk__in=form.cleaned_data["teams"]))
            try:
                m = services.role_grant(
                    organization=org,
                    actor=request.user,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    teams=teams,
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(
                    request, f"{m.user.get_username()} is now {m.get_role_display().lower()}."
                )
                return redirect("orgs:roles")
        return self.show(request, form, status=400)

    def show(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        return render(
            request,
            "orgs/roles.html",
            {"form": form, "memberships": selectors.membership_list(organization=self.tenant.org)},
            status=status,
        )


class RoleRevokeView(AdminView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        m = get_scoped_or_404(Membership.objects.select_related("user"), self.tenant.org, pk=pk)
        label = f"{m.user.get_username()} ({m.get_role_display().lower()})"
        try:
            services.role_revoke(membership=m, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Role revoked: {label}.")
        return redirect("orgs:roles")


class TokenView(AdminView):
    """The admin's own API tokens for this organization: listed, created (key shown once), revoked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, ApiTokenForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        org = self.tenant.org
        if request.POST.get("action") == "revoke":
            token = get_scoped_or_404(
                ApiToken.objects.filter(user_id=self.tenant.user_id),
                org,
                pk=request.POST.get("token"),
            )
            if services.api_token_revoke(token=token, actor=request.user):
                messages.success(request, f"API token revoked: {token.name}.")
            return redirect("orgs:tokens")
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.show(request, form, status=400)
        try:
            _token, key = services.api_token_create(
                organization=org, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.show(request, form, status=400)
        # Rendered, not redirected: the key is shown on this one response and never again.
        return self.show(request, ApiTokenForm(), new_key=key)

    def show(
        self,
        request: HttpRequest,
        form: ApiTokenForm,
        new_key: str | None = None,
        status: int = 200,
    ) -> HttpResponse:
        response = render(
            request,
            "orgs/tokens.html",
            {
                "form": form,
                "tokens": selectors.api_token_list(organization=self.tenant.org, user=request.user),
                "now": timezone.now(),
                "new_key": new_key,
                "api_root": request.build_absolute_uri("/api/v1/"),
            },
            status=status,
        )
        response["Cache-Control"] = "no-store"
        return response


class AuditView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        entries = selectors.audit_list(organization=self.tenant.org)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        return render(request, "orgs/audit.html", {"page": page})
