"""Import pages (admins): upload → columns → teams → statuses → run, with a live progress bar.

Each step saves its choices on the run (or as the org's saved team names and status
mappings); the run itself is a Celery task whose progress the page polls with htmx.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from core.errors import DomainError, NotFound
from execution import demo_offer
from execution.forms import ItemOptionsForm, UploadForm
from execution.models import ImportKind, ImportRun, ImportState, StatusCategory
from execution.selectors_import import (
    import_preview,
    import_runs,
    import_statuses,
    import_unknown_teams,
    observation_role_choices,
)
from execution.services import status_mappings_save, team_aliases_save
from execution.services_import import import_run_create, import_run_options_update, import_run_queue
from orgs.models import SETUP_ROLES
from orgs.tenancy import TenantRequiredMixin, get_scoped_or_404


class AdminView(TenantRequiredMixin, View):
    allowed_roles = SETUP_ROLES

    def run(self, pk: int) -> ImportRun:
        return get_scoped_or_404(
            ImportRun.objects.select_related("organization").prefetch_related("files"),
            self.tenant.org,
            pk=pk,
        )

    def draft(self, pk: int) -> ImportRun:
        run = self.run(pk)
        if run.state != ImportState.DRAFT:
            raise NotFound("This import has already started.")
        return run


class UploadView(AdminView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(request, UploadForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(request, form, status=400)
        d = form.cleaned_data
        files = [("main", d["file"].name, d["file"].read())]
        if d.get("history") and d["kind"] == ImportKind.WORK_ITEMS:
            files.append(("history", d["history"].name, d["history"].read()))
        try:
            run = import_run_create(
                organization=self.tenant.org,
                actor=request.user,
                kind=d["kind"],
                files=files,
                options={"preset": d["preset"], "source": d["preset"] or "neutral"},
            )
        except DomainError as exc:
            form.add_error("file", exc.message)
            return self.show(request, form, status=400)
        return redirect("execution:import_columns", pk=run.pk)

    def show(self, request: HttpRequest, form: Any, status: int = 200) -> HttpResponse:
        return render(
            request,
            "execution/import_upload.html",
            {
                "form": form,
                "runs": import_runs(organization=self.tenant.org),
                "demo_files": demo_offer.demo_files(
                    org=self.tenant.org, today=timezone.localdate()
                ),
            },
            status=status,
        )


class ColumnsView(AdminView):
    """Step 1: the preview, and the column mapping (observations) or export options (items)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        return self.show(request, run, self.item_form(run, None))

    def item_form(self, run: ImportRun, data: Any) -> ItemOptionsForm:
        preview = import_preview(run=run)
        form = ItemOptionsForm(
            data,
            initial={
                "preset": run.options.get("preset") or preview.detected or "neutral",
                "date_format": run.options.get("date_format") or preview.date_format,
                "team_column": run.options.get("team_column") or preview.team_header or "team",
            },
        )
        form.fields["team_column"].choices = [(h, h) for h in preview.headers] or [("team", "team")]  # type: ignore[attr-defined]
        return form

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        if run.kind == ImportKind.OBSERVATIONS:
            headers = import_preview(run=run).headers
            cmap = {}
            valid = {value for value, _ in observation_role_choices()}
            for i, h in enumerate(headers):
                role = request.POST.get(f"role_{i}", "")
                if role in valid:
                    cmap[h] = role
            import_run_options_update(run=run, options={"column_map": cmap})
        elif run.kind == ImportKind.WORK_ITEMS:
            form = self.item_form(run, request.POST)
            if not form.is_valid():
                return self.show(request, run, form, status=400)
            d = form.cleaned_data
            import_run_options_update(
                run=run,
                options={
                    "preset": d["preset"],
                    "source": d["preset"],
                    "date_format": d["date_format"],
                    "team_column": d["team_column"] or "team",
                },
            )
        return redirect("execution:import_teams", pk=run.pk)

    def show(
        self, request: HttpRequest, run: ImportRun, form: Any, status: int = 200
    ) -> HttpResponse:
        preview = import_preview(run=run)
        return render(
            request,
            "execution/import_columns.html",
            {
                "run": run,
                "preview": preview,
                "form": form,
                "roles": observation_role_choices(),
                "header_roles": [
                    (i, h, preview.column_map.get(h, "")) for i, h in enumerate(preview.headers)
                ],
            },
            status=status,
        )


class TeamsView(AdminView):
    """Step 2: names of the file that match none of our teams, each mapped (and saved)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        return self.show(request, run)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        try:
            unknown = import_unknown_teams(run=run)
        except DomainError:
            # The column mapping cannot be read: the page says why and links back to it.
            return self.show(request, run, status=400)
        mapping: dict[str, int | None] = {}
        for i, u in enumerate(unknown):
            value = request.POST.get(f"team_{i}", "")
            if value.isdigit():
                mapping[u.raw] = int(value)
        try:
            team_aliases_save(organization=self.tenant.org, actor=request.user, mapping=mapping)
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.show(request, run, status=400)
        nxt = (
            "execution:import_run"
            if run.kind == ImportKind.OBSERVATIONS
            else "execution:import_statuses"
        )
        return redirect(nxt, pk=run.pk)

    def show(self, request: HttpRequest, run: ImportRun, status: int = 200) -> HttpResponse:
        try:
            unknown = import_unknown_teams(run=run)
            error = ""
        except DomainError as exc:
            unknown, error = [], exc.message
        tree = self.tenant.org.team_tree()
        teams = sorted(((t, n) for t, n in tree.names.items()), key=lambda x: x[1].casefold())
        return render(
            request,
            "execution/import_teams.html",
            {"run": run, "unknown": list(enumerate(unknown)), "teams": teams, "error": error},
            status=status,
        )


class StatusesView(AdminView):
    """Step 3: each raw status → to do / in progress / blocked / done (saved for the org)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        return self.show(request, run)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.draft(pk)
        try:
            choices = import_statuses(run=run)
        except DomainError:
            return self.show(request, run, status=400)
        mapping = {}
        for i, c in enumerate(choices):
            value = request.POST.get(f"status_{i}", "")
            if value:
                mapping[c.raw] = value
        try:
            status_mappings_save(organization=self.tenant.org, actor=request.user, mapping=mapping)
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.show(request, run, status=400)
        return redirect("execution:import_run", pk=run.pk)

    def show(self, request: HttpRequest, run: ImportRun, status: int = 200) -> HttpResponse:
        try:
            choices = import_statuses(run=run)
            error = ""
        except DomainError as exc:
            choices, error = [], exc.message
        return render(
            request,
            "execution/import_statuses.html",
            {
                "run": run,
                "choices": list(enumerate(choices)),
                "categories": StatusCategory.choices,
                "error": error,
            },
            status=status,
        )


class RunView(AdminView):
    """The run: confirm (being set up), a progress bar (queued/running), or the report."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.run(pk)
        return render(request, "execution/import_run.html", {"run": run, "report": run.report})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.run(pk)
        import_run_queue(run=run)
        return redirect("execution:import_run", pk=run.pk)


class ProgressView(AdminView):
    """The progress fragment htmx polls; once finished it asks the page to reload."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        run = self.run(pk)
        response = render(request, "execution/_progress.html", {"run": run})
        if run.is_finished and request.headers.get("HX-Request"):
            response["HX-Refresh"] = "true"
        return response


class DemoFileView(AdminView):
    """The demo's export files, to upload on this page and watch a real import."""

    def get(self, request: HttpRequest, name: str) -> HttpResponse:
        found = demo_offer.demo_file(org=self.tenant.org, today=timezone.localdate(), name=name)
        if found is None:
            raise NotFound("no such demo file")
        data, content_type = found
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
