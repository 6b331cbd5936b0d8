"""The friction quadrant and execution trend charts (Altair → SVG via vl-convert, cached).

The quadrant's points are links: Vega-Lite's `href` channel becomes an SVG `<a>` around each
point; vl-convert resolves it against its default base URL, so the prefix is removed again
here and the links stay on this site. Each point carries an ARIA description and the chart
a text summary and a data table beside it (never colour alone: hotspots differ in shape too).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import altair as alt
import pandas as pd
from django.core.cache import cache

from core.charts import VL_BASE, local_links, quadrant_spec, svg_decorative
from dashboards.charts import (
    CACHE_SECONDS,
    HEIGHT,
    HOT,
    WIDTH,
    Chart,
    _markers,
    _x,
    cache_key,
    svg_render,
)

__all__ = ["VL_BASE", "exec_charts", "quadrant_chart", "quadrant_frame"]
from dashboards.friction import QuadPoint


def quadrant_frame(points: Sequence[QuadPoint]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "period": "",
                "team": p.name,
                "trust": round(p.trust, 1),
                "health": round(p.health, 1),
                "friction": round(p.friction, 1),
                "kind": "hotspot" if p.hotspot else "team",
                "url": p.url,
                "description": (
                    f"{p.name}: trust index {p.trust:.0f}, execution health {p.health:.0f}, "
                    f"friction {p.friction:.0f}{', hotspot' if p.hotspot else ''}"
                ),
            }
            for p in points
        ],
        columns=["period", "team", "trust", "health", "friction", "kind", "url", "description"],
    )


def quadrant_summary(points: Sequence[QuadPoint], *, period: str) -> str:
    if not points:
        return f"Friction quadrant {period}: no team has both a shown trust index and execution health."
    hot = [p.name for p in points if p.hotspot]
    worst = max(points, key=lambda p: p.friction)
    text = (
        f"Friction quadrant {period}: {len(points)} team(s) by trust index and execution health. "
        f"Highest friction: {worst.name} ({worst.friction:.0f}; trust {worst.trust:.0f}, "
        f"health {worst.health:.0f})."
    )
    text += f" Hotspots (low on both): {', '.join(hot)}." if hot else " No hotspot."
    return text


def quadrant_chart(
    *, org_id: int, team_id: int, points: Sequence[QuadPoint], period: str
) -> Chart | None:
    if not points:
        return None
    frame = quadrant_frame(points)
    ck = cache_key(org_id=org_id, team_id=team_id, measure="quadrant", frame=frame, extra=period)
    svg = cache.get(ck)
    ms = 0.0
    if svg is None:
        start = time.perf_counter()
        svg = local_links(svg_render(quadrant_spec(frame, title=f"Friction quadrant {period}")))
        ms = (time.perf_counter() - start) * 1000
        cache.set(ck, svg, CACHE_SECONDS)
    table: list[dict[str, object]] = [
        {
            "team": p.name,
            "trust": p.trust,
            "health": p.health,
            "friction": p.friction,
            "hotspot": p.hotspot,
            "url": p.url,
        }
        for p in points
    ]
    return Chart(
        title="Friction quadrant",
        svg=svg,
        summary=quadrant_summary(points, period=period),
        table=table,
        render_ms=ms,
    )


def exec_spec(
    frame: pd.DataFrame, *, title: str, domain: list[str] | None, markers: list[str] | None
) -> dict[str, object]:
    data = frame.assign(label=frame["period_label"])[["label", "value"]]
    y = (
        alt.Y("value:Q", title="0–100", scale=alt.Scale(domain=[0, 100]))
        if frame["key"].iloc[0] == "execution_health"
        else alt.Y("value:Q", title="Value", scale=alt.Scale(zero=False))
    )
    line = (
        alt.Chart(data, title=title)
        .mark_line(point=True, color=HOT)
        .encode(x=_x(domain), y=y, tooltip=["label", "value"])
    )
    rules = _markers(markers)
    layers = [line] + ([rules] if rules is not None else [])
    return alt.layer(*layers).properties(width=WIDTH, height=HEIGHT).to_dict()


def exec_summary(frame: pd.DataFrame, *, title: str) -> str:
    first, last = frame.iloc[0], frame.iloc[-1]
    if len(frame) == 1:
        return f"{title}: {last['value']:.1f} in {last['period_label']}."
    return (
        f"{title}: from {first['value']:.1f} in {first['period_label']} to "
        f"{last['value']:.1f} in {last['period_label']}."
    )


def exec_charts(
    *,
    org_id: int,
    team_id: int,
    frame: pd.DataFrame,
    domain: list[str] | None = None,
    markers: list[str] | None = None,
) -> list[Chart]:
    """Execution health then each metric, on the trust trends' period axis, cached."""
    out = []
    for key in dict.fromkeys(frame["key"].tolist()):
        part = frame[frame["key"] == key].sort_values("period").reset_index(drop=True)
        title = str(part["measure"].iloc[0])
        extra = ",".join(domain or []) + "|" + ",".join(markers or [])
        ck = cache_key(org_id=org_id, team_id=team_id, measure=f"x:{key}", frame=part, extra=extra)
        svg = cache.get(ck)
        ms = 0.0
        if svg is None:
            start = time.perf_counter()
            svg = svg_decorative(
                svg_render(exec_spec(part, title=title, domain=domain, markers=markers))
            )
            ms = (time.perf_counter() - start) * 1000
            cache.set(ck, svg, CACHE_SECONDS)
        out.append(
            Chart(
                title=title,
                svg=svg,
                summary=exec_summary(part, title=title),
                table=[
                    {"period": r["period_label"], "value": r["value"]}
                    for r in part.to_dict("records")
                ],
                render_ms=ms,
            )
        )
    return out
