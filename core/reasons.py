"""What a reader sees instead of a hidden number: the one text for each suppression reason.

The codes are outputs of the maths and are defined in trustmath/suppression.py; pages, API
responses and stored snapshots turn them into words here and nowhere else. Two
placeholders: ``{k}`` is the organisation's anonymity threshold, ``{answers}`` is what the
source counts (:data:`PULSE_ANSWERS` or :data:`CHECKIN_ANSWERS`).
"""

from __future__ import annotations

from trustmath.suppression import (
    REASON_COMPLEMENTARY,
    REASON_FEWER_THAN_K,
    REASON_LEDGER,
    REASON_NO_RESPONSES,
    REASON_NONE,
    REASON_NOT_RELEASED,
    REASON_PART_HIDDEN,
    REASON_STALE,
)

# Pulse cells test k on distinct people (a repeat respondent counts once), so say people.
PULSE_ANSWERS = "people who answered"
CHECKIN_ANSWERS = "check-in answers"

# Reason code → the text a leader reads (lower case: pages put it after a label or in a
# tooltip). The text never quotes a count below k.
REASON_TEXT: dict[str, str] = {
    REASON_NONE: "",
    REASON_NO_RESPONSES: "nobody answered",
    REASON_FEWER_THAN_K: "fewer than {k} {answers}",
    REASON_COMPLEMENTARY: "hidden so that a smaller group can't be worked out from the others",
    REASON_STALE: "hidden until the results are recomputed for the current teams",
    REASON_PART_HIDDEN: "hidden because one of its parts is hidden",
    REASON_NOT_RELEASED: "not released yet: figures are published when a check-in window closes",
    REASON_LEDGER: (
        "hidden: together with figures released earlier it would let the answers of fewer "
        "than {k} people be worked out"
    ),
}

# A code nobody registered still hides its number: it reads as plain "hidden".
UNKNOWN_REASON_TEXT = "hidden"


def reason_text(code: str, *, k: int, answers: str = PULSE_ANSWERS) -> str:
    """The words for a reason code, e.g. ``reason_text("fewer_than_k", k=5)`` →
    "fewer than 5 people who answered"; ``answers=CHECKIN_ANSWERS`` for decision check-ins."""
    return REASON_TEXT.get(code, UNKNOWN_REASON_TEXT).format(k=k, answers=answers)
