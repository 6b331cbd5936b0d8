"""How many questions a round of an org can really ask with its active rubric (a read)."""

from __future__ import annotations

from dataclasses import dataclass

from orgs.models import Organization
from surveys.rotation import form_size
from surveys.selectors import rubric_active, rubric_dimensions

QUESTIONS_MAX = 10  # about two minutes: the longest pulse we ask people to answer


@dataclass(frozen=True)
class QuestionRange:
    """The question counts a round may be set to, and why the smallest is what it is."""

    low: int
    high: int
    dimensions: int

    @property
    def help_text(self) -> str:
        return (
            f"{self.low} to {self.high}. Every round asks each of the rubric's "
            f"{self.dimensions} dimensions, plus a second statement of one of them, "
            f"so it asks at least {self.low}."
        )

    @property
    def error(self) -> str:
        return f"A round asks {self.low} to {self.high} questions with the current rubric."


def round_question_range(*, organization: Organization) -> QuestionRange:
    """What surveys/rotation.py really asks: one per dimension + 1, at most the whole bank."""
    dims = rubric_dimensions(rubric=rubric_active(organization=organization))
    bank = [(d.key, [it.key for it in d.items.all()]) for d in dims]
    low = form_size(bank, questions=0)
    high = max(low, min(QUESTIONS_MAX, sum(len(items) for _, items in bank)))
    return QuestionRange(low=low, high=high, dimensions=len(bank))
