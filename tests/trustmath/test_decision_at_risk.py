"""The at-risk ranking (pure): thresholds, score order, reasons in words, suppressed excluded."""

from __future__ import annotations

import pandas as pd
import pytest

from trustmath import decision_risk


def frame() -> pd.DataFrame:
    rows = [
        # id, n, stab_count, stab_n, wait_count, circ_count, suppressed
        (1, 10, 8, 10, 1, 1, False),  # healthy: 80 % holding, 10 % wait, 10 % circling
        (2, 7, 3, 6, 4, 0, False),  # 50 % holding, 4 of 7 waiting
        (3, 8, 2, 8, 0, 5, False),  # 25 % holding, 5 of 8 circling
        (4, 3, 0, 3, 3, 3, True),  # below k: never listed
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "decision_id",
            "n",
            "stability_count",
            "stability_n",
            "wait_count",
            "circling_count",
            "suppressed",
        ],
    )
    df["stability_pct"] = df["stability_count"] / df["stability_n"] * 100
    df["wait_pct"] = df["wait_count"] / df["n"] * 100
    df["circling_pct"] = df["circling_count"] / df["n"] * 100
    return df


def test_it_ranks_by_risk_score_and_explains_in_words() -> None:
    out = decision_risk.at_risk(frame())
    assert list(out["decision_id"]) == [3, 2]
    # (100-25 + 0 + 62.5)/3 and (100-50 + 57.14 + 0)/3, by hand
    assert out.loc[0, "risk_score"] == pytest.approx(45.833, abs=0.01)
    assert out.loc[1, "risk_score"] == pytest.approx(35.714, abs=0.01)
    assert out.loc[1, "reasons"] == [
        "57 % of check-in answers are waiting for confirmation",
        "only 50 % agree it is still holding",
    ]
    assert out.loc[0, "reasons"] == [
        "62 % say it has been re-discussed several times",
        "only 25 % agree it is still holding",
    ]


def test_suppressed_and_healthy_decisions_are_not_listed() -> None:
    out = decision_risk.at_risk(frame())
    assert 1 not in set(out["decision_id"]) and 4 not in set(out["decision_id"])
    assert decision_risk.at_risk(frame().iloc[[0, 3]]).empty
