"""The workshop report: an HTML page and the same content as a PDF (WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.text import slugify
from weasyprint import CSS, HTML

from orgs.tenancy import require_tenant
from workshops.selectors_access import WORKSHOP_ROLES, workshop_get
from workshops.selectors_report import report_context


@login_required
def report_view(request: HttpRequest, pk: int) -> HttpResponse:
    tenant = require_tenant(request, WORKSHOP_ROLES)
    workshop = workshop_get(tenant=tenant, pk=pk)
    return render(
        request, "workshops/report.html", report_context(tenant=tenant, workshop=workshop)
    )


REPORT_CSS = "css/workshop-report.css"


def report_pdf_bytes(html: str, **options: Any) -> bytes:
    """The PDF of a rendered report (WeasyPrint). The stylesheet is read from the static
    files, not fetched over HTTP, and the HTML links nothing else, so no network is used."""
    css = finders.find(REPORT_CSS)
    stylesheets = [CSS(filename=str(css))] if css else []
    return bytes(HTML(string=html).write_pdf(stylesheets=stylesheets, **options))


@login_required
def report_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    # Same access check as the page: a workshop the user may not see is 404, never a PDF.
    tenant = require_tenant(request, WORKSHOP_ROLES)
    workshop = workshop_get(tenant=tenant, pk=pk)
    html = render_to_string(
        "workshops/report_pdf.html", report_context(tenant=tenant, workshop=workshop), request
    )
    pdf = report_pdf_bytes(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = slugify(workshop.title) or "workshop"
    response["Content-Disposition"] = f'attachment; filename="{name}-report.pdf"'
    return response
