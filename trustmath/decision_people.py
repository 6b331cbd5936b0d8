"""People bounds of check-in figures: how many people at least answered, without linking anyone."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def holding_people_floor(
    answers: pd.DataFrame, *, by: Sequence[str] = ("decision_id",)
) -> pd.DataFrame:
    """Per ``by`` group (a decision; a team × period cell): a lower bound on the people who answered "still holding" (the one
    question a stakeholder may skip). A person answers a check-in window once, so a window's
    answers to it are that many people: the bound is the most in one window. Answers
    without a window (stored before it was kept) may all be one person: they add at most 1.

    A window is one decision's check-in at one offset: in a cell of several decisions the
    bound is the most answers to one decision's window.

    ``answers``: the ``by`` columns, decision_id, window (offset in days; NaN = unknown),
    holding (NaN = skipped). Returns the ``by`` columns and holding_people.
    """
    keys = list(by)
    if answers.empty:
        return pd.DataFrame({**{k: [] for k in keys}, "holding_people": []})
    a = answers.assign(_h=pd.to_numeric(answers["holding"], errors="coerce").notna().astype(int))
    known = a.loc[a["window"].notna()]
    windows = list(dict.fromkeys([*keys, "decision_id", "window"]))
    per_window = (
        known.groupby(windows, as_index=False)["_h"]
        .sum()
        .groupby(keys, as_index=False)["_h"]
        .max()
        .rename(columns={"_h": "w"})
    )
    unknown = (
        a.loc[a["window"].isna()]
        .groupby(keys, as_index=False)["_h"]
        .max()
        .rename(columns={"_h": "u"})
    )
    both = per_window.merge(unknown, on=keys, how="outer").fillna({"w": 0, "u": 0})
    both["holding_people"] = np.maximum(both["w"], both["u"]).astype(int)
    return both[[*keys, "holding_people"]]
