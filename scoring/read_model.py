"""The results read model's types: the cells, rows and pages every results reader gets.

Built by `scoring.selectors` from the org's latest release (`ResultReleaseRow`); the API
(`scoring.api_results`), the results page and the dashboards render them. Split from the
selectors so each stays small; `scoring.selectors` re-exports every name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core.reasons import PULSE_ANSWERS
from core.reasons import REASON_TEXT as CORE_REASON_TEXT
from core.registry import ResultSource, SourceCell
from trustmath.suppression import REASON_CODES

TRUST_FIELDS = [
    "n",
    "score",
    "prev_score",
    "delta",
    "p_value",
    "significant",
    "has_trend",
    "comparable",
    "p_adjusted",
]
TRUST_CELL_FIELDS = [*TRUST_FIELDS, "band"]  # the index's band (dimensions have their own)
DIM_FIELDS = [
    *TRUST_FIELDS,
    "sd",
    "ci_low",
    "ci_high",
    "has_ci",
    "answers",
    "favourable_pct",
    "favourable_low",
    "favourable_high",
    "band",
    "shared_items",
    "favourable_n_eff",
]
# The API's legend of reason codes, worded once in core.reasons ("k" left as the letter).
REASON_TEXT = {
    code: CORE_REASON_TEXT[code].format(k="k", answers=PULSE_ANSWERS)
    for code in REASON_CODES
    if code
}


@dataclass(frozen=True)
class TrustCell:
    """A trust index cell; a suppressed one carries only its reason code, no numbers."""

    suppressed: bool
    reason: str | None = None
    n: int | None = None
    score: float | None = None
    prev_score: float | None = None
    delta: float | None = None
    p_value: float | None = None
    significant: bool = False
    has_trend: bool = False
    comparable: bool = False  # the trend compares items both periods asked (trustmath.trends)
    p_adjusted: float | None = None  # Benjamini–Hochberg across the period's trend tests
    band: str | None = None


@dataclass(frozen=True)
class DimensionCell(TrustCell):
    """A dimension cell: the trust index fields plus spread, interval, favourable % and band."""

    key: str = ""
    name: str = ""
    sd: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    has_ci: bool = False
    answers: int | None = None
    favourable_pct: float | None = None
    favourable_low: float | None = None
    favourable_high: float | None = None
    band: str | None = None
    shared_items: int | None = None  # items the trend rests on
    favourable_n_eff: float | None = None  # respondent-clustered effective answers


@dataclass(frozen=True)
class ResultTeam:
    team_id: int  # 0 = whole organization
    name: str
    parent_id: int | None


@dataclass(frozen=True)
class DimensionMeta:
    key: str
    name: str


@dataclass(frozen=True)
class ResultRow:
    """One (team, period): the trust index, each dimension, and each registered source's cell."""

    team_id: int
    team_name: str
    period: dt.date
    rubric_id: int
    trust_index: TrustCell
    dimensions: list[DimensionCell]
    sources: dict[str, SourceCell | None]  # by ResultSource.field


@dataclass(frozen=True)
class TeamResults:
    """What a tenant may see: teams, periods, and per (team, period) trust + dimension cells."""

    k: int
    teams: list[ResultTeam]  # every team the tenant may see, org first, then by name
    periods: list[dt.date]
    dimensions: list[DimensionMeta]  # in rubric order
    rows: list[ResultRow] = field(default_factory=list)
    sources: list[ResultSource] = field(default_factory=list)  # registered, for their labels


@dataclass(frozen=True)
class ReleaseRef:
    """The org's latest release: its id, when it was published and its cells' column order."""

    id: int
    released_at: dt.datetime
    columns: str

    @property
    def stamp(self) -> str:
        """A cache key part: the id and the time (ids can be reused by rolled-back rows)."""
        return f"{self.id}@{self.released_at.isoformat()}"


@dataclass(frozen=True)
class ResultsQuery:
    """What one read narrows the release to: teams, periods, dimensions and one page."""

    team_ids: list[int] | None = None
    periods: list[dt.date] | None = None
    dimensions: list[str] | None = None  # None = every dimension
    offset: int = 0
    limit: int | None = None  # None = every row


@dataclass(frozen=True)
class ResultsPage:
    """One page of the read model: its rows plus the size and periods of the whole selection."""

    results: TeamResults
    count: int  # (team, period, rubric) rows in the whole selection
    periods: list[dt.date]  # every period of the whole selection
