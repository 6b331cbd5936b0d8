"""Constants every app shares: the answer scale and the anonymity floor."""

from __future__ import annotations

# The agreement scale of every pulse item and check-in statement: 1 (strongly disagree) .. 5.
ANSWER_MIN = 1
ANSWER_MAX = 5
ANSWER_SCALE: tuple[int, ...] = tuple(range(ANSWER_MIN, ANSWER_MAX + 1))

# k is never below 3: at 2, a respondent can subtract their own answer and read the other one.
K_FLOOR = 3
K_DEFAULT = 5
K_MAX = 50
