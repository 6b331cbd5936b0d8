"""A tiny rubric, team tree and answers whose results are worked out by hand in the tests.

Rubric: dimension "a" (weight 2) = items 1 and 2 (item 2 reverse-keyed); dimension "b"
(weight 1) = item 3. Bands: Low [0, 50), High [50, 100].
Tree: 10 (Dept) → 11 (Alpha), 12 (Beta); 20 (Gamma) top-level; 0 = org.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

NAN = math.nan
BANDS = [{"label": "Low", "min": 0, "max": 50}, {"label": "High", "min": 50, "max": 100}]
PARENT_OF = {10: 0, 11: 10, 12: 10, 20: 0}


def items() -> pd.DataFrame:
    return pd.DataFrame(
        {"item_id": [1, 2, 3], "dimension": ["a", "a", "b"], "reverse_keyed": [False, True, False]}
    )


def dimensions() -> pd.DataFrame:
    return pd.DataFrame({"dimension": ["a", "b"], "weight": [2.0, 1.0], "bands": [BANDS, BANDS]})


def answers(rows: list[tuple[Any, int, str, dict[int, float]]]) -> pd.DataFrame:
    """[(response_id, team_id, period, {item_id: value})] → the engine's long frame."""
    out = [(rid, team, period, i, v) for rid, team, period, vals in rows for i, v in vals.items()]
    return pd.DataFrame(out, columns=["response_id", "team_id", "period", "item_id", "value"])


# Period p1, by hand (item score = (x − 1) × 25, reverse item 2 uses 6 − x):
#   r1 Alpha: i1=5 → 100, i2=1 → 6−1=5 → 100  ⇒ a = 100;  i3=3 → b = 50
#   r2 Alpha: i1=4 → 75,  i2 skipped            ⇒ a = 75;   i3=2 → b = 25
#   r3 Beta:  i1=1 → 0,   i2=5 → 6−5=1 → 0      ⇒ a = 0;    i3 skipped → no b
P1 = [
    ("r1", 11, "p1", {1: 5, 2: 1, 3: 3}),
    ("r2", 11, "p1", {1: 4, 2: NAN, 3: 2}),
    ("r3", 12, "p1", {1: 1, 2: 5, 3: NAN}),
]
# Period p2 in Gamma: six respondents answer only item 3 (b): 50, 75, 50, 75, 50, 75.
P2 = [(f"g{i}", 20, "p2", {3: 3 + (i % 2)}) for i in range(6)]


def cell(frame: pd.DataFrame, **where: Any) -> pd.Series:
    """The single row of `frame` matching every column=value in `where`."""
    mask = pd.Series(True, index=frame.index)
    for col, val in where.items():
        mask &= frame[col] == val
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]
