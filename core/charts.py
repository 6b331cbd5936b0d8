"""Chart plumbing shared by every app that draws: Vega-Lite specs (Altair) rendered to SVG on
the server with vl-convert, cached under a digest of the figures drawn.

The same SVG serves the page (no JavaScript, no CDN), the PDF report and the email digest.
vl-convert renders in-process: the first render in a process costs about half a second (its
JavaScript engine starts), later ones ~60 ms per line chart; so charts are rendered lazily and
cached (Django cache) under a key of the org, the team, the measure and a digest of the data —
new figures change the key (a new data version), so no stale chart is served and nothing needs
to be purged. Apps build their own specs (dashboards/charts*.py, execution/charts.py).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import altair as alt
import pandas as pd
import vl_convert
from django.core.cache import cache

CHART_VERSION = "3"  # bump when a spec changes, so cached SVGs of the old look are unused
CACHE_SECONDS = 7 * 24 * 3600
WIDTH, HEIGHT = 520, 160

# Colour-blind-safe (Okabe–Ito) line and band colours; the scale in CSS uses the same family.
LINE = "#0072B2"
BAND = "#56B4E9"
MARKER = "#555555"
HOT = "#D55E00"  # Okabe–Ito vermillion: hotspots, with a different shape too (never colour alone)

# vl-convert's loader resolves relative links against this base; strip it so links stay local.
VL_BASE = 'xlink:href="https://vega.github.io/vega-datasets//'


@dataclass(frozen=True)
class Chart:
    """A rendered chart with what a screen-reader or a plain-text email needs beside it."""

    title: str
    svg: str
    summary: str
    table: list[dict[str, object]]
    render_ms: float  # 0 when served from the cache


def frame_digest(frame: pd.DataFrame) -> str:
    return hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()[:20]


def cache_key(
    *, org_id: int, team_id: int, measure: str, frame: pd.DataFrame, extra: str = ""
) -> str:
    """The cache key of one chart: org, team, measure, its periods and the figures drawn."""
    periods = ",".join(str(p) for p in frame["period"].tolist()) + "|" + extra
    pdig = hashlib.sha256(periods.encode()).hexdigest()[:12]
    return f"dash:chart:v{CHART_VERSION}:{org_id}:{team_id}:{measure}:{pdig}:{frame_digest(frame)}"


def svg_render(spec: dict[str, object]) -> str:
    """Vega-Lite → SVG in-process (no browser, no network)."""
    return str(vl_convert.vegalite_to_svg(spec))


def local_links(svg: str) -> str:
    """Links drawn by the `href` channel, back to this site's paths."""
    return svg.replace(VL_BASE, 'xlink:href="/')


def svg_decorative(svg: str) -> str:
    """Hide the drawing's own marks from assistive technology: the page wraps it in
    role="img" with the text summary as its name, and the data table says every figure.
    (Vega's per-mark ARIA leaves unlabeled containers, which axe-core reports as images
    without alternative text.) Not for charts whose points are links: those stay reachable."""
    return svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1)


def svg_cached(
    key: str, spec: Callable[[], dict[str, object]], *, decorative: bool = True
) -> tuple[str, float]:
    """The SVG under `key`, rendering (and caching) the spec on a miss; (svg, render ms)."""
    svg = cache.get(key)
    if svg is not None:
        return str(svg), 0.0
    start = time.perf_counter()
    svg = local_links(svg_render(spec()))
    if decorative:
        svg = svg_decorative(svg)
    ms = (time.perf_counter() - start) * 1000
    cache.set(key, svg, CACHE_SECONDS)
    return svg, ms


def period_axis(domain: list[str] | None) -> alt.X:
    """The period axis; a shared domain puts trust and execution charts on one time axis."""
    scale = alt.Scale(domain=domain) if domain else alt.Undefined
    return alt.X(
        "label:O", title="Period", sort=domain or None, scale=scale, axis=alt.Axis(labelAngle=0)
    )


def release_rules(markers: list[str] | None) -> alt.Chart | None:
    """Dashed vertical rules at the periods in which a release of results was published."""
    if not markers:
        return None
    data = pd.DataFrame({"label": markers, "what": ["release"] * len(markers)})
    return (
        alt.Chart(data)
        .mark_rule(strokeDash=[4, 3], color=MARKER)
        .encode(x=alt.X("label:O"), tooltip=["label", "what"])
    )


def quadrant_spec(frame: pd.DataFrame, *, title: str) -> dict[str, object]:
    """Trust index (x) against execution health (y), one point per team (linked when the frame
    has a `url`); dashed rules at the medians split the quadrants (hotspots sit bottom-left,
    drawn as triangles in another colour: never colour alone).

    frame: team, trust, health, friction, kind ("hotspot" | "team"), description[, url].
    """
    data = frame.drop(columns=[c for c in ("period",) if c in frame.columns])
    scale = alt.Scale(domain=[0, 100])
    encoding: dict[str, object] = {
        "x": alt.X("trust:Q", title="Trust index (0–100)", scale=scale),
        "y": alt.Y("health:Q", title="Execution health (0–100)", scale=scale),
        "color": alt.Color(
            "kind:N", title="", scale=alt.Scale(domain=["hotspot", "team"], range=[HOT, LINE])
        ),
        "shape": alt.Shape(
            "kind:N",
            title="",
            scale=alt.Scale(domain=["hotspot", "team"], range=["triangle", "circle"]),
        ),
        "description": "description:N",
        "tooltip": ["team", "trust", "health", "friction"],
    }
    if "url" in data.columns:
        encoding["href"] = "url:N"
    points = (
        alt.Chart(data, title=title)
        .mark_point(filled=True, size=90, opacity=0.9)
        .encode(**encoding)
    )
    med = pd.DataFrame({"trust": [data["trust"].median()], "health": [data["health"].median()]})
    vrule = alt.Chart(med).mark_rule(strokeDash=[4, 3], color=BAND).encode(x="trust:Q")
    hrule = alt.Chart(med).mark_rule(strokeDash=[4, 3], color=BAND).encode(y="health:Q")
    return alt.layer(vrule, hrule, points).properties(width=WIDTH, height=300).to_dict()
