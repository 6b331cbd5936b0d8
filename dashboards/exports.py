"""CSV and XLSX of what a dashboard page shows: aggregates only, hidden cells as their reason.

The rows come from the same selectors as the pages (so the same disclosure decision), one
row per (team, period, measure). CSV is streamed row by row; XLSX is written by openpyxl's
write-only workbook (constant memory) to a spooled temporary file and streamed from there.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from core.errors import NotFound
from dashboards.filters import DashboardQuery, dashboard_query, dashboard_tenant
from dashboards.selectors import trends_frame
from dashboards.selectors_heatmap import heatmap_build
from orgs.periods import period_label
from orgs.tenancy import Tenant

HEADER = [
    "team_id",
    "team",
    "period",
    "measure",
    "score",
    "ci_low",
    "ci_high",
    "n",
    "hidden_because",
]
VIEWS = ("heatmap", "trends")
FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _r(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def export_rows(*, tenant: Tenant, q: DashboardQuery, view: str, params: Any) -> list[list[Any]]:
    """The rows of the export of `view` ("heatmap" or "trends") for this query."""
    kind = tenant.org.reporting_period
    out: list[list[Any]] = []
    if view == "heatmap":
        hm = heatmap_build(
            tenant=tenant,
            team_id=q.team_id,
            period=q.period,
            sort=params.get("sort", ""),
            descending=params.get("dir", "") == "desc",
        )
        for row in hm.rows:
            for c in row.cells:
                if c.empty:
                    continue
                out.append(
                    [
                        row.team_id,
                        row.name,
                        hm.period_label,
                        c.name,
                        None if c.suppressed else _r(c.score),
                        None if c.suppressed else _r(c.ci_low),
                        None if c.suppressed else _r(c.ci_high),
                        None if c.suppressed else c.n,
                        c.reason if c.suppressed else "",
                    ]
                )
        return out
    if view == "trends":
        frame = trends_frame(tenant=tenant, team_id=q.team_id, until=q.period)
        for r in frame.to_dict("records"):
            shown = bool(r["shown"])
            out.append(
                [
                    q.team_id,
                    q.team_name,
                    period_label(r["period"], kind),
                    r["measure"],
                    _r(r["score"]) if shown else None,
                    _r(r["ci_low"]) if shown and r["ci_low"] == r["ci_low"] else None,
                    _r(r["ci_high"]) if shown and r["ci_high"] == r["ci_high"] else None,
                    int(r["n"]) if shown else None,
                    "" if shown else r["reason"],
                ]
            )
        return out
    raise NotFound(f"no export called '{view}'")


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: list[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so Excel opens UTF-8 team names correctly
    yield writer.writerow(HEADER)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def _xlsx_file(rows: list[list[Any]], title: str) -> Any:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    wb.save(out)
    out.seek(0)
    return out


@login_required
@require_GET
def export_view(request: HttpRequest, view: str, fmt: str) -> HttpResponseBase:
    """/dashboard/export/<view>.<csv|xlsx>?team=&period=: the page's figures as a file."""
    if view not in VIEWS or fmt not in FORMATS:
        raise NotFound("No such export: choose heatmap or trends, as csv or xlsx.")
    tenant = dashboard_tenant(request)
    q = dashboard_query(tenant=tenant, params=request.GET)
    rows = export_rows(tenant=tenant, q=q, view=view, params=request.GET)
    name = f"{view}-{tenant.org.slug}-{q.team_id}.{fmt}"
    if fmt == "csv":
        response: HttpResponseBase = StreamingHttpResponse(
            _csv_stream(rows), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return FileResponse(
        _xlsx_file(rows, view), as_attachment=True, filename=name, content_type=FORMATS[fmt]
    )
