"""The dashboard's trend charts: Vega-Lite specs built with Altair, rendered to SVG on the server.

Rendering and caching (per digest of the released figures drawn, so a new release is a new
key) are core/charts.py's, shared with execution's pages.
"""

from __future__ import annotations

import time

import altair as alt
import pandas as pd
from django.core.cache import cache

from core.charts import (
    BAND,
    CACHE_SECONDS,
    CHART_VERSION,
    HEIGHT,
    HOT,
    LINE,
    MARKER,
    WIDTH,
    Chart,
    cache_key,
    period_axis,
    release_rules,
    svg_decorative,
    svg_render,
)

__all__ = [
    "BAND",
    "CACHE_SECONDS",
    "CHART_VERSION",
    "HEIGHT",
    "HOT",
    "LINE",
    "MARKER",
    "WIDTH",
    "Chart",
    "cache_key",
    "svg_render",
    "trend_chart",
    "trend_charts",
]

# The plumbing (colours, cache key, rendering, period axis, release rules) is core/charts.py,
# shared with execution's pages; these names keep the dashboard's own modules short.
_x = period_axis
_markers = release_rules


def trend_spec(
    frame: pd.DataFrame,
    *,
    title: str,
    domain: list[str] | None = None,
    markers: list[str] | None = None,
) -> dict[str, object]:
    """A line of the shown scores with its 95 % interval band; hidden periods are gaps."""
    data = frame.assign(
        label=frame["period_label"],
        score=frame["score"].where(frame["shown"]),
        ci_low=frame["ci_low"].where(frame["shown"]),
        ci_high=frame["ci_high"].where(frame["shown"]),
    )[["label", "score", "ci_low", "ci_high", "n"]]
    base = alt.Chart(data, title=title).encode(x=_x(domain))
    band = base.mark_area(opacity=0.3, color=BAND).encode(
        y=alt.Y("ci_low:Q", title="Score (0–100)", scale=alt.Scale(domain=[0, 100])),
        y2="ci_high:Q",
    )
    line = base.mark_line(point=True, color=LINE).encode(
        y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100])),
        tooltip=["label", "score", "n"],
    )
    rules = _markers(markers)
    layers = [band, line] + ([rules] if rules is not None else [])
    chart = alt.layer(*layers).properties(width=WIDTH, height=HEIGHT)
    return chart.to_dict()


def trend_summary(frame: pd.DataFrame, *, title: str) -> str:
    """The chart in one or two sentences (what a screen reader and a text email get)."""
    shown = frame[frame["shown"] & frame["score"].notna()]
    hidden = int((~frame["shown"]).sum())
    if shown.empty:
        return f"{title}: no period can be shown yet ({hidden} hidden)."
    first, last = shown.iloc[0], shown.iloc[-1]
    text = (
        f"{title}: {last['score']:.0f} in {last['period_label']} (n = {int(last['n'])})"
        if len(shown) == 1
        else f"{title}: from {first['score']:.0f} in {first['period_label']} to "
        f"{last['score']:.0f} in {last['period_label']} (n = {int(last['n'])})"
    )
    if pd.notna(last["ci_low"]) and pd.notna(last["ci_high"]):
        text += f", 95 % interval {last['ci_low']:.0f}–{last['ci_high']:.0f}"
    text += "."
    if hidden:
        text += f" {hidden} period(s) hidden to protect anonymity."
    return text


def _table(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [
        {
            "period": r["period_label"],
            "score": None if not r["shown"] else r["score"],
            "ci_low": None if not r["shown"] else r["ci_low"],
            "ci_high": None if not r["shown"] else r["ci_high"],
            "n": None if not r["shown"] else r["n"],
            "reason": r["reason"],
        }
        for r in frame.to_dict("records")
    ]


def trend_chart(
    *,
    org_id: int,
    team_id: int,
    key: str,
    frame: pd.DataFrame,
    domain: list[str] | None = None,
    markers: list[str] | None = None,
) -> Chart:
    """The trend chart of one measure (frame: trends_frame rows of that measure), cached."""
    frame = frame.sort_values("period").reset_index(drop=True)
    title = str(frame["measure"].iloc[0]) if not frame.empty else key
    extra = ",".join(domain or []) + "|" + ",".join(markers or [])
    ck = cache_key(org_id=org_id, team_id=team_id, measure=key, frame=frame, extra=extra)
    svg = cache.get(ck)
    ms = 0.0
    if svg is None:
        start = time.perf_counter()
        svg = svg_decorative(
            svg_render(trend_spec(frame, title=title, domain=domain, markers=markers))
        )
        ms = (time.perf_counter() - start) * 1000
        cache.set(ck, svg, CACHE_SECONDS)
    return Chart(
        title=title,
        svg=svg,
        summary=trend_summary(frame, title=title),
        table=_table(frame),
        render_ms=ms,
    )


def trend_charts(
    *,
    org_id: int,
    team_id: int,
    frame: pd.DataFrame,
    domain: list[str] | None = None,
    markers: list[str] | None = None,
) -> list[Chart]:
    """One chart per measure, trust index first, in the frame's order."""
    keys = list(dict.fromkeys(frame["key"].tolist()))
    return [
        trend_chart(
            org_id=org_id,
            team_id=team_id,
            key=k,
            frame=frame[frame["key"] == k],
            domain=domain,
            markers=markers,
        )
        for k in keys
    ]
