"""The handoff gap chart: senders' confidence beside receivers' experience per pair (Altair → SVG).

Rendered in-process by vl-convert (no JavaScript, no CDN) and cached per release: the key
holds the org, the release time and a digest of the rows drawn (a viewer's pairs), so a new
release changes the key and no stale chart is served. Never colour alone: senders are
circles, receivers squares; each point carries an ARIA description, and the page puts a
text summary and the data table beside the chart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import vl_convert
from django.core.cache import cache

CHART_VERSION = "1"
CACHE_SECONDS = 7 * 24 * 3600
WIDTH = 420
ROW = 28
# Okabe–Ito blue (senders) and vermillion (receivers): colour-blind safe, plus two shapes.
SENDER = "#0072B2"
RECEIVER = "#D55E00"
RULE = "#555555"


@dataclass(frozen=True)
class GapChart:
    """A rendered chart and what a screen reader or a text email needs beside it."""

    svg: str
    summary: str


def _frame(pairs: list[dict[str, Any]]) -> pd.DataFrame:
    shown = [
        p
        for p in pairs
        if not p["suppressed"] and p["sender_score"] is not None and p["receiver_score"] is not None
    ]
    rows = []
    for p in shown:
        label = f"{p['from_name']} → {p['to_name']}"
        gap = p["gap"] if p["gap"] is not None else 0.0
        for side, score, n in (
            ("Senders: I handed over everything", p["sender_score"], p["senders"]),
            ("Receivers: I had the context", p["receiver_score"], p["receivers"]),
        ):
            rows.append(
                {
                    "pair": label,
                    "side": side,
                    "score": float(score),
                    "gap": float(gap),
                    "n": n,
                    "description": f"{label}, {side.split(':')[0].lower()}: {score:.0f} of 100"
                    f" ({n} people); gap {gap:.0f}",
                }
            )
    return pd.DataFrame(rows, columns=["pair", "side", "score", "gap", "n", "description"])


def gap_spec(frame: pd.DataFrame) -> dict[str, Any]:
    """A dumbbell per pair (largest gap on top): a rule from receivers to senders, two marks."""
    order = (
        frame.drop_duplicates("pair").sort_values("gap", ascending=False)["pair"].tolist()
        if not frame.empty
        else []
    )
    y = alt.Y("pair:N", sort=order, title=None)
    x = alt.X("score:Q", title="Score (0–100)", scale=alt.Scale(domain=[0, 100]))
    wide = (
        frame.pivot_table(index="pair", columns="side", values="score").reset_index()
        if not frame.empty
        else pd.DataFrame({"pair": []})
    )
    wide.columns = ["pair", *["lo" if "Receivers" in c else "hi" for c in wide.columns[1:]]]
    rule = alt.Chart(wide).mark_rule(color=RULE).encode(y=y, x=alt.X("lo:Q"), x2="hi:Q")
    points = (
        alt.Chart(frame)
        .mark_point(size=120, filled=True, opacity=1)
        .encode(
            y=y,
            x=x,
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(
                    domain=["Senders: I handed over everything", "Receivers: I had the context"],
                    range=[SENDER, RECEIVER],
                ),
                legend=alt.Legend(orient="bottom"),
            ),
            shape=alt.Shape(
                "side:N",
                scale=alt.Scale(
                    domain=["Senders: I handed over everything", "Receivers: I had the context"],
                    range=["circle", "square"],
                ),
                legend=None,
            ),
            tooltip=["pair", "side", "score", "n", "gap"],
            description="description:N",
        )
    )
    height = max(ROW, ROW * len(order))
    return alt.layer(rule, points).properties(width=WIDTH, height=height).to_dict()


def gap_summary(pairs: list[dict[str, Any]], *, period_label: str) -> str:
    """The chart in words: the largest gap, and how many pairs are shown and hidden."""
    shown = [p for p in pairs if not p["suppressed"] and p["gap"] is not None]
    hidden = sum(1 for p in pairs if p["suppressed"])
    if not shown:
        text = f"No team pair can be shown for {period_label} yet"
        return text + (f" ({hidden} hidden to protect anonymity)." if hidden else ".")
    top = max(shown, key=lambda p: p["gap"])
    text = (
        f"{period_label}: the largest gap is {top['from_name']} → {top['to_name']}: senders "
        f"{top['sender_score']:.0f}, receivers {top['receiver_score']:.0f} (gap {top['gap']:.0f}"
        f" points). {len(shown)} pair(s) shown"
    )
    return text + (f", {hidden} hidden to protect anonymity." if hidden else ".")


def gap_chart(
    *,
    org_id: int,
    released_at: dt.datetime | None,
    pairs: list[dict[str, Any]],
    period_label: str,
) -> GapChart | None:
    """The cached SVG of `pairs` (one period, one viewer's pairs); None when none is shown."""
    frame = _frame(pairs)
    if frame.empty:
        return None
    digest = hashlib.sha256(
        json.dumps(frame.to_dict("records"), sort_keys=True, default=str).encode()
    ).hexdigest()[:20]
    when = released_at.isoformat() if released_at else "-"
    key = f"handoffs:gapchart:v{CHART_VERSION}:{org_id}:{when}:{digest}"
    svg = cache.get(key)
    if svg is None:
        svg = str(vl_convert.vegalite_to_svg(gap_spec(frame)))
        cache.set(key, svg, CACHE_SECONDS)
    return GapChart(svg=svg, summary=gap_summary(pairs, period_label=period_label))
