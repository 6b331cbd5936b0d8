"""The handoff check-in figures per pair and period (pandas in, pandas out; no Django).

Agree items score (x − 1) × 25 on 0–100 like pulse items; favourable = share of answers ≥ 4.
Sender confidence is the senders' "I handed over everything" score, receiver experience the
receivers' "I had the context I needed" score, and the **gap** = sender confidence −
receiver experience (positive: senders believe more was handed over than receivers found).
The chasing rate is the share of receivers who chased at least once (``chase_pct``) and
several times (``chase_several_pct``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ["period", "from_team", "to_team"]
FIGURES = [
    "sender_score",
    "sender_fav_pct",
    "sender_answers",
    "receiver_score",
    "receiver_fav_pct",
    "receiver_answers",
    "chase_pct",
    "chase_several_pct",
    "gap",
]


def item_score(x: pd.Series) -> pd.Series:
    """1..5 → 0..100."""
    return (x.astype(float) - 1.0) * 25.0


def pair_figures(answers: pd.DataFrame) -> pd.DataFrame:
    """Per (period, from_team, to_team): the FIGURES of `answers` (columns KEYS, side, handed,
    context, chased); NaN where a side has no answer to an item."""
    if answers.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*KEYS, *FIGURES]})
    a = answers.copy()
    sender = a["side"] == "sender"
    a["s"] = np.where(sender, item_score(a["handed"]), np.nan)
    a["s_fav"] = np.where(sender & a["handed"].notna(), (a["handed"] >= 4).astype(float), np.nan)
    a["r"] = np.where(~sender, item_score(a["context"]), np.nan)
    a["r_fav"] = np.where(~sender & a["context"].notna(), (a["context"] >= 4).astype(float), np.nan)
    chased = ~sender & a["chased"].isin(["never", "once", "several"])
    a["chase"] = np.where(chased, a["chased"].isin(["once", "several"]).astype(float), np.nan)
    a["chase2"] = np.where(chased, (a["chased"] == "several").astype(float), np.nan)
    g = a.groupby(KEYS, sort=True)
    out = g.agg(
        sender_score=("s", "mean"),
        sender_fav_pct=("s_fav", "mean"),
        sender_answers=("s", "count"),
        receiver_score=("r", "mean"),
        receiver_fav_pct=("r_fav", "mean"),
        receiver_answers=("r", "count"),
        chase_pct=("chase", "mean"),
        chase_several_pct=("chase2", "mean"),
    ).reset_index()
    for col in ("sender_fav_pct", "receiver_fav_pct", "chase_pct", "chase_several_pct"):
        out[col] = out[col] * 100.0
    out["gap"] = out["sender_score"] - out["receiver_score"]
    return out[[*KEYS, *FIGURES]]
