"""CSV import of people and teams: upload → preview (kept server-side in the session) → confirm."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from orgs import importing
from orgs.forms import ImportConfirmForm, ImportUploadForm
from orgs.importing import ImportFileError, PersonRow
from orgs.services_import import (
    ImportRejected,
    people_import_apply,
    people_import_check,
    people_import_plan,
)
from orgs.views import AdminView

SESSION_KEY = "orgs_import_preview"


def _format_context() -> dict[str, Any]:
    return {
        "required_columns": importing.REQUIRED_COLUMNS,
        "optional_columns": importing.OPTIONAL_COLUMNS,
        "example_csv": importing.EXAMPLE_CSV,
        "max_mb": importing.MAX_BYTES // 1024 // 1024,
    }


class ImportExampleView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(importing.EXAMPLE_CSV, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="people-example.csv"'
        return response


class ImportUploadView(AdminView):
    # core.uploads stops a bigger upload as it streams in (a 413 page), before this view runs.
    upload_max_bytes = importing.MAX_BYTES

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, ImportUploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(request, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            rows, errors = people_import_check(organization=self.tenant.org, data=upload.read())
        except ImportFileError as exc:
            form.add_error("file", str(exc))
            return self.show(request, form, status=400)
        if errors:
            return self.show(request, form, errors=errors, filename=upload.name, status=400)
        request.session[SESSION_KEY] = {
            "id": uuid.uuid4().hex,
            "org": self.tenant.org.pk,
            "filename": upload.name,
            "rows": [r.to_dict() for r in rows],
        }
        return redirect("orgs:import_preview")

    def show(
        self,
        request: HttpRequest,
        form: Any,
        errors: list[importing.RowError] | None = None,
        filename: str = "",
        status: int = 200,
    ) -> HttpResponse:
        return render(
            request,
            "orgs/import_upload.html",
            {"form": form, "errors": errors or [], "filename": filename, **_format_context()},
            status=status,
        )


class ImportPreviewView(AdminView):
    def stored(self, request: HttpRequest) -> dict[str, Any] | None:
        state = request.session.get(SESSION_KEY)
        if not state or state.get("org") != self.tenant.org.pk:
            return None
        return state

    def get(self, request: HttpRequest) -> HttpResponse:
        state = self.stored(request)
        if state is None:
            messages.info(request, "Upload a file first.")
            return redirect("orgs:import")
        form = ImportConfirmForm(initial={"preview_id": state["id"]})
        return self.show(request, state, form)

    def post(self, request: HttpRequest) -> HttpResponse:
        state = self.stored(request)
        form = ImportConfirmForm(request.POST)
        if state is None or not form.is_valid() or form.cleaned_data["preview_id"] != state["id"]:
            messages.error(request, "This preview has expired; upload the file again.")
            return redirect("orgs:import")
        rows = [PersonRow.from_dict(d) for d in state["rows"]]
        try:
            result = people_import_apply(
                organization=self.tenant.org,
                actor=request.user,
                rows=rows,
                confirm_deactivation=form.cleaned_data["confirm_deactivation"],
            )
        except ImportRejected as exc:
            if exc.plan.deactivation_needs_confirmation and not exc.row_errors:
                form.add_error("confirm_deactivation", str(exc))
            else:
                form.add_error(None, str(exc))
            return self.show(request, state, form, status=400)
        del request.session[SESSION_KEY]
        messages.success(request, f"Import of {state['filename']} done: {result.summary()}")
        return redirect("orgs:person_list")

    def show(
        self, request: HttpRequest, state: dict[str, Any], form: Any, status: int = 200
    ) -> HttpResponse:
        rows = [PersonRow.from_dict(d) for d in state["rows"]]
        # Planned against the data as it is now, not as it was at upload time.
        plan = people_import_plan(organization=self.tenant.org, rows=rows)
        return render(
            request,
            "orgs/import_preview.html",
            {
                "form": form,
                "plan": plan,
                "filename": state["filename"],
                "counts": {
                    a: plan.count(a) for a in ("create", "update", "reactivate", "unchanged")
                },
            },
            status=status,
        )
