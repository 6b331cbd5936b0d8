"""Set-up pages for an org admin: settings, teams, people, roles, API tokens, audit log.

Thin views: forms check types, services apply the rules and audit, selectors read.
Only admins get in (TenantRequiredMixin); another org's ids are 404 (get_scoped_or_404).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View
from rest_framework.authtoken.models import Token

from orgs import selectors, services
from orgs.forms import (
    OrganizationSettingsForm,
    PersonFilterForm,
    PersonForm,
    RoleGrantForm,
    TeamForm,
    apply_service_errors,
)
from orgs.models import Membership, Person, Role, Team
from orgs.tenancy import TenantRequiredMixin, get_scoped_or_404, scoped

PEOPLE_PER_PAGE = 50


class AdminView(TenantRequiredMixin, View):
    allowed_roles = (Role.ADMIN,)

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


# --- people -------------------------------------------------------------------------------


def _person_fields(form: PersonForm, view: AdminView, person: Person | None) -> dict[str, Any]:
    data = form.cleaned_data
    attributes = dict(person.attributes) if person is not None else {}
    for key in ("location", "tenure_band"):
        if data[key].strip():
            attributes[key] = data[key].strip()
        else:
            attributes.pop(key, None)
    return {
        "name": data["name"],
        "email": data["email"],
        "team": view.team_or_none(data["team"]),
        "external_id": data["external_id"],
        "attributes": attributes,
    }


class PersonListView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        org = self.tenant.org
        form = PersonFilterForm(request.GET or None, org=org)
        query, team_id, status = "", None, "active"
        if form.is_bound and form.is_valid():
            query = form.cleaned_data["q"].strip()
            team_id = int(form.cleaned_data["team"]) if form.cleaned_data["team"] else None
            status = form.cleaned_data["status"] or "active"
        people = selectors.person_list(
            organization=org, query=query, team_id=team_id, status=status
        )
        page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        return render(
            request,
            "orgs/person_list.html",
            {
                "form": form,
                "page": page,
                "querystring": params.urlencode(),
            },
            status=200 if not form.is_bound or form.is_valid() else 400,
        )


class PersonCreateView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "orgs/person_form.html", {"form": PersonForm(org=self.tenant.org)})

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonForm(request.POST, org=self.tenant.org)
        if form.is_valid():
            try:
                person = services.person_create(
                    organization=self.tenant.org,
                    actor=request.user,
                    **_person_fields(form, self, None),
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{person.name} added.")
                return redirect("orgs:person_list")
        return render(request, "orgs/person_form.html", {"form": form}, status=400)


class PersonEditView(AdminView):
    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        form = PersonForm(
            org=self.tenant.org,
            current=person.team_id,
            initial={
                "name": person.name,
                "email": person.email,
                "team": person.team_id or "",
                "external_id": person.external_id,
                "location": person.attributes.get("location", ""),
                "tenure_band": person.attributes.get("tenure_band", ""),
            },
        )
        return render(request, "orgs/person_form.html", {"form": form, "person": person})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        form = PersonForm(request.POST, org=self.tenant.org, current=person.team_id)
        if form.is_valid():
            try:
                services.person_update(
                    person=person, actor=request.user, **_person_fields(form, self, person)
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, f"{person.name} saved.")
                return redirect("orgs:person_list")
        return render(
            request, "orgs/person_form.html", {"form": form, "person": person}, status=400
        )


class PersonStatusView(AdminView):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        activate = request.POST.get("action") == "reactivate"
        services.person_set_active(person=person, actor=request.user, active=activate)
        messages.success(request, f"{person.name} {'reactivated' if activate else 'deactivated'}.")
        return redirect(reverse("orgs:person_edit", args=[person.pk]))


class PersonExportView(AdminView):
    """GDPR access: everything stored about one person, as a JSON download."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        data = services.person_export_record(person=person, actor=request.user)
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
        return response


class PersonDeleteView(AdminView):
    """GDPR erasure, after a confirmation page."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(
            Person.objects.select_related("team", "user"), self.tenant.org, pk=pk
        )
        return render(
            request,
            "orgs/person_delete.html",
            {"person": person, "invitations": person.invitations.count()},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        name = person.name
        services.person_delete(person=person, actor=request.user)
        messages.success(request, f"{name} and their data were deleted.")
        return redirect("orgs:person_list")


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
    """The admin's own API token: created or replaced (shown once), or revoked."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        org = self.tenant.org
        if request.POST.get("action") == "revoke":
            if services.api_token_revoke(organization=org, user=request.user):
                messages.success(request, "API token revoked.")
            return redirect("orgs:tokens")
        key = services.api_token_create(organization=org, user=request.user)
        # Rendered, not redirected: the key is shown on this one response and never again.
        return self.show(request, new_key=key)

    def show(self, request: HttpRequest, new_key: str | None = None) -> HttpResponse:
        token = Token.objects.filter(user=request.user).first()
        response = render(
            request,
            "orgs/tokens.html",
            {
                "token": token,
                "new_key": new_key,
                "api_root": request.build_absolute_uri("/api/v1/"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


class AuditView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        entries = selectors.audit_list(organization=self.tenant.org)
        page = Paginator(entries, 50).get_page(request.GET.get("page"))
        return render(request, "orgs/audit.html", {"page": page})
