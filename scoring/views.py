"""The plain results page: one team's dimensions × recent periods, k-anonymous, no JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.metrics import SOURCE_LABEL, checkin_cells
from orgs.periods import period_label
from scoring.api import results_tenant
from scoring.selectors import REASON_TEXT, results_for_teams

RECENT = 6  # periods shown side by side


def _badge(score: float) -> str:
    """Colour of a band badge by score: honest traffic lights on the 0–100 scale."""
    return "bad" if score < 40 else "warn" if score < 60 else "good"


def _display(cell: dict[str, Any] | None, k: int) -> dict[str, Any]:
    if cell is None:
        return {"empty": True}
    if cell["suppressed"]:
        text = REASON_TEXT.get(cell["reason"], "hidden")
        if cell["reason"] == "fewer_than_k":
            text = f"fewer than {k} responses"
        return {"suppressed": True, "text": text}
    out = dict(cell)
    out["badge"] = _badge(cell["score"])
    if cell.get("significant") and cell.get("delta") is not None:
        out["arrow"] = "▲" if cell["delta"] > 0 else "▼"
    return out


def _checkin_display(cell: dict[str, Any] | None) -> dict[str, Any]:
    if cell is None:
        return {"empty": True}
    if cell["suppressed"]:
        return {"suppressed": True, "text": cell["reason"]}
    return {
        "score": cell["stability_pct"],
        "has_ci": cell["stability_lo"] is not None,
        "ci_low": cell["stability_lo"],
        "ci_high": cell["stability_hi"],
        "n": cell["n"],
    }


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Pick a visible team; see its trust index and each dimension over recent periods."""
    try:
        tenant = results_tenant(request)
    except Exception as exc:  # DRF's PermissionDenied → Django's, for a plain 403 page
        raise PermissionDenied(str(exc)) from exc
    raw = request.GET.get("team")
    try:
        team_id = int(raw) if raw not in (None, "") else None
    except ValueError as exc:
        raise Http404("unknown team") from exc
    res = results_for_teams(tenant=tenant, team_ids=None if team_id is None else [team_id])
    if team_id is not None and not any(t["team_id"] == team_id for t in res.teams):
        raise Http404("unknown team")
    teams = res.teams
    if team_id is None and teams:
        team_id = teams[0]["team_id"]
        res.rows = [r for r in res.rows if r["team_id"] == team_id]
    periods = sorted({r["period"] for r in res.rows})[-RECENT:]
    by_period = {r["period"]: r for r in res.rows if r["period"] in periods}
    kind = tenant.org.reporting_period
    trust_row = [_display(by_period[p]["trust_index"], res.k) for p in periods]
    dim_rows = []
    for d in res.dimensions:
        cells = []
        for p in periods:
            found = next((c for c in by_period[p]["dimensions"] if c["key"] == d["key"]), None)
            cells.append(_display(found, res.k))
        dim_rows.append({"name": d["name"], "cells": cells})
        if d["key"] == "decision_stability":
            # A separate, labelled source (docs/scoring.md): never averaged into the pulse score.
            found = checkin_cells(org=tenant.org, keys=[(team_id, p) for p in periods])
            dim_rows.append(
                {
                    "name": f"↳ % still holding — source: {SOURCE_LABEL}",
                    "cells": [_checkin_display(found.get((team_id, p))) for p in periods],
                }
            )
    return render(
        request,
        "scoring/results.html",
        {
            "teams": teams,
            "team_id": team_id,
            "team_name": next((t["name"] for t in teams if t["team_id"] == team_id), ""),
            "periods": [period_label(p, kind) for p in periods],
            "trust_row": trust_row,
            "dim_rows": dim_rows,
            "k": res.k,
        },
    )
