"""The one place reason codes become words: every code has a text, and the check-in figures
use it."""

from __future__ import annotations

import pandas as pd

from core.reasons import CHECKIN_ANSWERS, REASON_TEXT, reason_text
from decisions.suppress import checkin_reason_text, suppress_cells
from trustmath import suppression
from trustmath.suppression import (
    REASON_CODES,
    REASON_COMPLEMENTARY,
    REASON_FEWER_THAN_K,
    REASON_NO_RESPONSES,
    REASON_NONE,
    REASON_STALE,
)


def test_every_reason_code_has_a_text_and_no_text_lacks_a_code() -> None:
    assert set(REASON_TEXT) == set(REASON_CODES)
    declared = {
        value
        for name, value in vars(suppression).items()
        if name.startswith("REASON_") and isinstance(value, str)
    }
    assert declared == set(REASON_CODES)


def test_pulse_texts_name_responses_and_the_threshold() -> None:
    assert reason_text(REASON_FEWER_THAN_K, k=5) == "fewer than 5 people who answered"
    assert reason_text(REASON_NO_RESPONSES, k=5) == "nobody answered"
    assert reason_text(REASON_NONE, k=5) == ""


def test_check_in_texts_name_check_in_answers() -> None:
    assert checkin_reason_text(REASON_FEWER_THAN_K, k=7) == "fewer than 7 check-in answers"
    assert reason_text(REASON_NO_RESPONSES, k=7, answers=CHECKIN_ANSWERS) == "nobody answered"


def test_complementary_and_stale_explain_why_without_a_count() -> None:
    assert reason_text(REASON_COMPLEMENTARY, k=5) == (
        "hidden so that a smaller group can't be worked out from the others"
    )
    assert "recomputed" in reason_text(REASON_STALE, k=5)
    assert not any(ch.isdigit() for ch in reason_text(REASON_COMPLEMENTARY, k=5))


def test_an_unknown_code_still_reads_hidden() -> None:
    assert reason_text("something_new", k=5) == "hidden"


def test_check_in_cells_carry_the_shared_texts() -> None:
    # Org 0 with teams 1 (6 answers) and 2 (2 answers): 2 is too small, so 1 is hidden too
    # (else org − team 1 would reveal team 2).
    cells = pd.DataFrame(
        {"team_id": [0, 1, 2], "n": [8, 6, 2], "n_own": [0, 6, 2], "period": ["p"] * 3}
    )
    out = suppress_cells(cells, k=5, parent_of={1: 0, 2: 0}).set_index("team_id")["reason"]
    assert out.to_dict() == {
        0: "",
        1: "hidden so that a smaller group can't be worked out from the others",
        2: "fewer than 5 check-in answers",
    }
