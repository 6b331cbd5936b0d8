"""Set-up pages for people: list (search, team filter, pages), add, edit, (de)activate, and
the GDPR export and erasure of one person."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from orgs import selectors, services
from orgs.forms import PersonFilterForm, PersonForm, apply_service_errors
from orgs.models import Person
from orgs.tenancy import get_scoped_or_404
from orgs.views import AdminView

PEOPLE_PER_PAGE = 50


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
            {"person": person, "erases": selectors.person_erase_summary(person=person)},
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        person = get_scoped_or_404(Person, self.tenant.org, pk=pk)
        name = person.name
        try:
            services.person_delete(person=person, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("orgs:person_edit", pk=person.pk)
        messages.success(request, f"{name} and their data were deleted.")
        return redirect("orgs:person_list")
