"""Decisions at risk: rank released per-decision figures that hold poorly, wait or circle."""

from __future__ import annotations

import pandas as pd


def at_risk(
    per_decision_frame: pd.DataFrame,
    *,
    stability_below: float = 60.0,
    wait_at_least: float = 25.0,
    circling_at_least: float = 25.0,
) -> pd.DataFrame:
    """Rank unsuppressed decisions that hold poorly, wait for permission or keep circling.

    risk_score (0-100) = mean of (100 - stability %), permission wait % and circling %
    (a missing stability counts as 50). A decision is listed when any one threshold is
    crossed; rows are ordered by risk_score, then by more answers, then by decision id.
    `reasons` is a list of sentences with the counts behind each crossed threshold.
    """
    d = per_decision_frame.loc[~per_decision_frame["suppressed"]].copy()
    cols = [*per_decision_frame.columns, "risk_score", "reasons"]
    if d.empty:
        return pd.DataFrame(columns=cols)
    stab = d["stability_pct"].fillna(50.0)
    d["risk_score"] = ((100 - stab) + d["wait_pct"] + d["circling_pct"]) / 3
    low = d["stability_pct"] < stability_below
    wait = d["wait_pct"] >= wait_at_least
    circ = d["circling_pct"] >= circling_at_least
    d = d.loc[low | wait | circ].copy()
    if d.empty:
        return pd.DataFrame(columns=cols)

    def _reasons(row: pd.Series) -> list[str]:
        # Shares in per cent, never "x of n": the Django layer caps n at the decision's
        # distinct people (k counts people) while the counts stay answers, so "24 of 26"
        # would mix the two.
        out = []
        if row["wait_pct"] >= wait_at_least:
            out.append(
                f"{float(row['wait_pct']):.0f} % of check-in answers are waiting for confirmation"
            )
        if row["circling_pct"] >= circling_at_least:
            out.append(
                f"{float(row['circling_pct']):.0f} % say it has been re-discussed several times"
            )
        if pd.notna(row["stability_pct"]) and row["stability_pct"] < stability_below:
            pct = float(row["stability_pct"])
            out.append(
                f"only {pct:.0f} % agree it is still holding"
                if int(row["stability_count"])
                else "none agree it is still holding"
            )
        return out

    d["reasons"] = d.apply(_reasons, axis=1)
    d = d.sort_values(["risk_score", "n", "decision_id"], ascending=[False, False, True])
    return d.reset_index(drop=True)[cols]
