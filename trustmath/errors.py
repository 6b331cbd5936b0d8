"""Typed errors of the scoring engine: each names the offending items, values or teams."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ScoringInputError(ValueError):
    """Input the engine refuses to score; the message names what is wrong."""


class MissingColumnsError(ScoringInputError):
    """A frame lacks required columns."""


class UnknownItemError(ScoringInputError):
    """Answers for items that are not in the rubric version being scored."""

    def __init__(self, item_ids: Sequence[Any]) -> None:
        self.item_ids = list(item_ids)
        super().__init__(f"answers for items not in the rubric version: {self.item_ids[:20]}")


class ValueOutOfRangeError(ScoringInputError):
    """Answer values that are not 1, 2, 3, 4 or 5 (NaN = skip is allowed)."""

    def __init__(self, values: Sequence[Any], item_ids: Sequence[Any]) -> None:
        self.values = list(values)
        self.item_ids = list(item_ids)
        super().__init__(
            f"answer values outside 1–5: {self.values[:20]} (items {self.item_ids[:20]})"
        )


class UnknownTeamError(ScoringInputError):
    """Answers of teams missing from the team tree."""

    def __init__(self, team_ids: Sequence[Any]) -> None:
        self.team_ids = list(team_ids)
        super().__init__(f"answers for teams not in the team tree: {self.team_ids[:20]}")


class InconsistentResponseError(ScoringInputError):
    """One response spread over several teams or periods."""


class RubricError(ScoringInputError):
    """Rubric frames that do not fit together (unknown dimension, duplicate item, bad weight)."""


class TeamTreeError(ScoringInputError):
    """A team tree with a cycle or a parent that does not exist."""
