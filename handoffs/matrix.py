"""The team × team matrix of one period for a viewer: rows, matrix, summary and chart (read only).

Shared by /handoffs/ and the dashboard's handoff page. Everything comes from the stored
release (handoffs.selectors), decided on the whole org's pairs; ``teams`` narrows to the
pairs involving some teams (a dashboard team and its sub-teams) after that decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from handoffs.charts import GapChart, gap_chart, gap_summary
from handoffs.closing import handoff_pending_periods
from handoffs.selectors import handoff_pairs_for_viewer, handoff_release, plays_url
from orgs.tenancy import Tenant


@dataclass
class HandoffMatrix:
    rows: list[dict[str, Any]]  # the chosen period's pairs, largest gap first, hidden last
    matrix: list[dict[str, Any]]  # sender rows × receiver columns (None = no handoff)
    receivers: list[str]
    periods: list[tuple[dt.date, str]]  # newest first
    chosen: dt.date | None
    chosen_label: str
    chart: GapChart | None
    summary: str
    plays_url: str
    hidden: int = 0
    top: list[dict[str, Any]] = field(default_factory=list)  # up to 3 shown, largest gap
    # Periods not released yet ({"label", "closes"}): named, never a number (Known gaps 12).
    pending: list[dict[str, str]] = field(default_factory=list)


def handoff_matrix_build(
    *,
    tenant: Tenant,
    period: dt.date | None = None,
    teams: Collection[int] | None = None,
) -> HandoffMatrix:
    """The viewer's pairs of `period` (default: the newest released period), as a matrix."""
    pairs = handoff_pairs_for_viewer(tenant=tenant)
    if teams is not None:
        pairs = [p for p in pairs if p["from_team"] in teams or p["to_team"] in teams]
    label = {p["period"]: p["period_label"] for p in pairs}
    periods = sorted(label, reverse=True)
    chosen = period if period in label else (periods[0] if periods else None)
    rows = [p for p in pairs if p["period"] == chosen]
    senders = sorted({(p["from_name"], p["from_team"]) for p in rows})
    receivers = sorted({(p["to_name"], p["to_team"]) for p in rows})
    by_pair = {(p["from_team"], p["to_team"]): p for p in rows}
    matrix = [
        {"name": name, "cells": [by_pair.get((tid, to)) for _n, to in receivers]}
        for name, tid in senders
    ]
    chosen_label = label.get(chosen, "") if chosen else ""
    released_at, frame = handoff_release(org=tenant.org)
    released = set(frame["period"]) if not frame.empty else set()
    chart = (
        gap_chart(
            org_id=tenant.org.pk, released_at=released_at, pairs=rows, period_label=chosen_label
        )
        if rows
        else None
    )
    summary = gap_summary(rows, period_label=chosen_label or "this period")
    shown = [p for p in rows if not p["suppressed"] and p["gap"] is not None]
    return HandoffMatrix(
        rows=rows,
        matrix=matrix,
        receivers=[n for n, _t in receivers],
        periods=[(p, label[p]) for p in periods],
        chosen=chosen,
        chosen_label=chosen_label,
        chart=chart,
        summary=summary,
        plays_url=plays_url(),
        hidden=sum(1 for p in rows if p["suppressed"]),
        top=shown[:3],
        pending=handoff_pending_periods(org=tenant.org, released=released),
    )
