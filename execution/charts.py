"""Charts of execution's own pages: metrics per team, the friction quadrant, drivers' ρ, and
handoffs per period — Altair specs rendered to SVG on the server (core/charts.py renders and
caches them per digest of the figures drawn, so new figures are a new key).

Each chart comes with a text summary and its data table (the page's table), so nothing is said
by the picture alone. Execution figures are of work items, not people; the quadrant and the
drivers chart draw only what the page's tables already show (hidden trust cells are no point).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import altair as alt
import pandas as pd
from django.urls import reverse

from core.charts import HOT, LINE, WIDTH, Chart, cache_key, quadrant_spec, svg_cached

FACET_HEIGHT = 70


def _chart(
    key: str,
    spec: Any,
    *,
    title: str,
    summary: str,
    table: list[dict[str, Any]],
    decorative: bool = True,
) -> Chart:
    svg, ms = svg_cached(key, spec, decorative=decorative)
    return Chart(title=title, svg=svg, summary=summary, table=table, render_ms=ms)


# --- metrics of one team -----------------------------------------------------------------------


def metrics_frame(periods: Sequence[str], rows: Sequence[Any]) -> pd.DataFrame:
    """Long frame (period label, metric, unit, value) of team_metrics_table's rows."""
    records = [
        {
            "period": label,
            "label": label,
            "metric": row.definition.name,
            "unit": row.definition.unit,
            "value": cell.value,
        }
        for row in rows
        for label, cell in zip(periods, row.cells, strict=False)
        if cell.value is not None
    ]
    return pd.DataFrame(records, columns=["period", "label", "metric", "unit", "value"])


def metrics_summary(frame: pd.DataFrame, *, team: str) -> str:
    parts = []
    for metric, part in frame.groupby("metric", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        unit = f" {last['unit']}" if last["unit"] else ""
        parts.append(
            f"{metric} {last['value']:.1f}{unit} in {last['label']}"
            if len(part) == 1
            else f"{metric} from {first['value']:.1f} to {last['value']:.1f}{unit} "
            f"({first['label']}–{last['label']})"
        )
    return f"Execution metrics of {team}: " + "; ".join(parts) + "."


def metrics_chart(
    *, org_id: int, team_id: int, team: str, periods: Sequence[str], rows: Sequence[Any]
) -> Chart | None:
    """One small line chart per metric (own y scale: units differ) on a shared period axis."""
    frame = metrics_frame(periods, rows)
    if frame.empty:
        return None

    def spec() -> dict[str, object]:
        base = (
            alt.Chart(frame)
            .mark_line(point=True, color=LINE)
            .encode(
                x=alt.X("label:O", title="Period", sort=list(periods), axis=alt.Axis(labelAngle=0)),
                y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False)),
                tooltip=["metric", "label", "value", "unit"],
            )
            .properties(width=WIDTH, height=FACET_HEIGHT)
        )
        return (
            base.facet(
                row=alt.Row("metric:N", title=None, sort=list(dict.fromkeys(frame["metric"])))
            )
            .resolve_scale(y="independent")
            .properties(title=f"Execution metrics: {team}")
            .to_dict()
        )

    key = cache_key(org_id=org_id, team_id=team_id, measure="x:metrics", frame=frame)
    return _chart(
        key,
        spec,
        title="Execution metrics",
        summary=metrics_summary(frame, team=team),
        table=frame.drop(columns="label").to_dict("records"),
    )


# --- friction quadrant -------------------------------------------------------------------------


def friction_chart(*, org_id: int, rows: Sequence[Any], period: str) -> Chart | None:
    """Teams with a shown friction index by trust index × execution health; hotspots are
    triangles; each point links to the team's execution page."""
    shown = [r for r in rows if r.friction is not None and r.trust_index is not None]
    if not shown:
        return None
    frame = pd.DataFrame(
        [
            {
                "period": period,
                "team": r.team,
                "trust": round(r.trust_index, 1),
                "health": round(r.health, 1),
                "friction": round(r.friction, 1),
                "kind": "hotspot" if r.hotspot else "team",
                "url": f"{reverse('execution:page')}?team={r.team_id}",
                "description": (
                    f"{r.team}: trust index {r.trust_index:.0f}, execution health "
                    f"{r.health:.0f}, friction {r.friction:.0f}{', hotspot' if r.hotspot else ''}"
                ),
            }
            for r in shown
        ]
    )
    worst = max(shown, key=lambda r: r.friction)
    hot = [r.team for r in shown if r.hotspot]
    summary = (
        f"Friction {period}: {len(shown)} team(s) by trust index and execution health. Highest "
        f"friction: {worst.team} ({worst.friction:.0f}; trust {worst.trust_index:.0f}, health "
        f"{worst.health:.0f})."
        + (f" Hotspots (low on both): {', '.join(hot)}." if hot else " No hotspot.")
    )
    hidden = sum(1 for r in rows if r.friction is None and r.trust_hidden and r.health is not None)
    if hidden:
        summary += f" {hidden} team(s) not drawn: their trust index is hidden."
    key = cache_key(org_id=org_id, team_id=0, measure="x:quadrant", frame=frame, extra=period)
    return _chart(
        key,
        lambda: quadrant_spec(frame, title=f"Friction {period}"),
        title="Friction quadrant",
        summary=summary,
        table=frame.drop(columns=["period", "description"]).to_dict("records"),
        decorative=False,  # its points are links
    )


# --- drivers -----------------------------------------------------------------------------------


def drivers_chart(*, org_id: int, correlations: Sequence[dict[str, Any]]) -> Chart | None:
    """ρ of each dimension with execution health, same period and next, as bars; hidden tests
    are left out (the table says why); beyond-chance ones are drawn solid, others pale."""
    records = [
        {
            "period": "",
            "dimension": str(r["name"]),
            "when": "next period" if int(r["lag"]) else "same period",
            "rho": round(float(r["rho"]), 3),
            "n": int(r["n"]),
            "beyond chance": "yes" if r.get("significant") else "no",
        }
        for r in correlations
        if not r.get("hidden") and r.get("rho") is not None and not pd.isna(r.get("rho"))
    ]
    if not records:
        return None
    frame = pd.DataFrame(records)

    def spec() -> dict[str, object]:
        return (
            alt.Chart(frame, title="Rank correlation (ρ) with execution health")
            .mark_bar()
            .encode(
                y=alt.Y("dimension:N", title=None, sort=None),
                yOffset=alt.YOffset("when:N"),
                x=alt.X("rho:Q", title="ρ", scale=alt.Scale(domain=[-1, 1])),
                color=alt.Color("when:N", title="", scale=alt.Scale(range=[LINE, HOT])),
                opacity=alt.Opacity(
                    "beyond chance:N",
                    title="beyond chance",
                    scale=alt.Scale(domain=["yes", "no"], range=[1.0, 0.35]),
                ),
                tooltip=["dimension", "when", "rho", "n", "beyond chance"],
            )
            .properties(width=WIDTH - 120)
            .to_dict()
        )

    strongest = frame.loc[frame["rho"].abs().idxmax()]
    beyond = int((frame["beyond chance"] == "yes").sum())
    summary = (
        f"{len(frame)} correlation(s) drawn; the strongest is {strongest['dimension']} "
        f"({strongest['when']}): ρ = {strongest['rho']:.2f}, n = {strongest['n']}. "
        f"{beyond} beyond chance after the correction."
    )
    key = cache_key(org_id=org_id, team_id=0, measure="x:drivers", frame=frame)
    return _chart(
        key,
        spec,
        title="Drivers",
        summary=summary,
        table=frame.drop(columns="period").to_dict("records"),
    )


# --- handoffs ----------------------------------------------------------------------------------


def handoffs_chart(*, org_id: int, matrix: Sequence[dict[str, Any]]) -> Chart | None:
    """Handoffs per period (all visible team pairs together) as bars, with the period's median
    of the pairs' median waits in the summary and table."""
    if not matrix:
        return None
    m = pd.DataFrame(list(matrix))
    frame = (
        m.groupby(["period", "period_label"], sort=True)
        .agg(handoffs=("count", "sum"), median_wait_days=("median_wait_days", "median"))
        .reset_index()
    )
    frame["period"] = frame["period"].astype(str)
    frame["median_wait_days"] = frame["median_wait_days"].round(1)
    labels = frame["period_label"].tolist()

    def spec() -> dict[str, object]:
        return (
            alt.Chart(frame.rename(columns={"period_label": "label"}), title="Handoffs per period")
            .mark_bar(color=LINE)
            .encode(
                x=alt.X("label:O", title="Period", sort=labels, axis=alt.Axis(labelAngle=0)),
                y=alt.Y("handoffs:Q", title="Handoffs"),
                tooltip=["label", "handoffs", "median_wait_days"],
            )
            .properties(width=WIDTH, height=160)
            .to_dict()
        )

    last = frame.iloc[-1]
    busiest = frame.loc[frame["handoffs"].idxmax()]
    summary = (
        f"Handoffs of your teams over {len(frame)} period(s): {int(last['handoffs'])} in "
        f"{last['period_label']} (median wait {last['median_wait_days']:.1f} days); the most, "
        f"{int(busiest['handoffs'])}, in {busiest['period_label']}."
    )
    key = cache_key(org_id=org_id, team_id=0, measure="x:handoffs", frame=frame)
    return _chart(
        key,
        spec,
        title="Handoffs per period",
        summary=summary,
        table=frame.drop(columns="period").to_dict("records"),
    )
