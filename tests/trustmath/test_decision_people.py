"""The people floor of "still holding": the most answers to it in one window."""

from __future__ import annotations

import numpy as np
import pandas as pd

from trustmath.decision_people import holding_people_floor


def test_it_takes_the_most_answers_in_one_window_not_their_sum() -> None:
    answers = pd.DataFrame(
        {
            "decision_id": [1, 1, 1, 1, 1, 2, 2],
            "window": [7, 7, 30, 30, 30, 7, np.nan],
            "holding": [5, np.nan, 4, 3, np.nan, 5, 4],
        }
    )
    got = dict(holding_people_floor(answers).itertuples(index=False, name=None))
    assert got[1] == 2  # +7: 1, +30: 2 → at least 2 people, not 3
    assert got[2] == 1  # an answer without a window may be the same person


def test_answers_without_a_window_add_at_most_one_person() -> None:
    answers = pd.DataFrame({"decision_id": [3, 3, 3], "window": [np.nan] * 3, "holding": [5] * 3})
    assert holding_people_floor(answers)["holding_people"].tolist() == [1]


def test_no_answers_give_an_empty_frame() -> None:
    empty = pd.DataFrame({"decision_id": [], "window": [], "holding": []})
    assert holding_people_floor(empty).empty
