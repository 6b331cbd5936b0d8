"""Database set-up for the scoring tests: a small rubric, two closed rounds and their answers.

Acme (k = 5): Engineering > Platform, Mobile; Sales.
P1 (2026-10-01): Platform 8, Mobile 6, Sales 5 respondents.
P2 (2026-11-01): Platform 7, Mobile 6, Sales 2 respondents (Sales below k).
Values are drawn from a seeded random.Random with ~10 % skips, so runs are reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from django.utils import timezone

from orgs.models import Organization, Team
from surveys.models import (
    Answer,
    Dimension,
    Item,
    PeriodRespondentCount,
    PulseRound,
    Response,
    RoundStatus,
    RubricVersion,
)

P1 = dt.date(2026, 10, 1)
P2 = dt.date(2026, 11, 1)
BANDS = [
    {"label": "Fragile", "min": 0, "max": 40, "descriptor": ""},
    {"label": "Functional", "min": 40, "max": 70, "descriptor": ""},
    {"label": "Reliable", "min": 70, "max": 100, "descriptor": ""},
]


def make_rubric(org: Organization, key: str = "test") -> RubricVersion:
    rubric = RubricVersion.objects.create(organization=org, key=key, version=1, name="Test")
    clarity = Dimension.objects.create(
        rubric=rubric,
        key="clarity",
        name="Clarity",
        definition=".",
        weight=2.0,
        position=0,
        bands=BANDS,
    )
    follow = Dimension.objects.create(
        rubric=rubric,
        key="follow",
        name="Follow-through",
        definition=".",
        weight=1.0,
        position=1,
        bands=BANDS,
    )
    Item.objects.create(rubric=rubric, dimension=clarity, key="c1", text="c1", position=0)
    Item.objects.create(
        rubric=rubric, dimension=clarity, key="c2", text="c2", reverse_keyed=True, position=1
    )
    Item.objects.create(rubric=rubric, dimension=follow, key="f1", text="f1", position=0)
    return rubric


def make_round(org: Organization, rubric: RubricVersion, period: dt.date) -> PulseRound:
    opens = timezone.make_aware(dt.datetime.combine(period, dt.time(9)))
    return PulseRound.objects.create(
        organization=org,
        rubric=rubric,
        title=f"Pulse {period}",
        period=period,
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=5),
        status=RoundStatus.CLOSED,
    )


def add_responses(
    rnd: PulseRound, team: Team, count: int, rng: random.Random, skip: float = 0.1
) -> None:
    items = list(Item.objects.filter(rubric=rnd.rubric).order_by("id"))
    for _ in range(count):
        resp = Response.objects.create(
            id=uuid.UUID(int=rng.getrandbits(128)),
            organization=rnd.organization,
            round=rnd,
            team=team,
            period=rnd.period,
            submitted_on=rnd.period,
        )
        Answer.objects.bulk_create(
            Answer(
                response=resp, item=item, value=None if rng.random() < skip else rng.randint(1, 5)
            )
            for item in items
        )


def build(
    org: Organization, teams: dict[str, Team], seed: int = 11, rubric_key: str = "test"
) -> dict[str, PulseRound]:
    """Rubric + the two rounds described in the module docstring."""
    rng = random.Random(seed)
    rubric = make_rubric(org, rubric_key)
    r1, r2 = make_round(org, rubric, P1), make_round(org, rubric, P2)
    for rnd, sizes in [(r1, (8, 6, 5)), (r2, (7, 6, 2))]:
        for name, count in zip(["platform", "mobile", "sales"], sizes, strict=True):
            add_responses(rnd, teams[name], count, rng)
        people_counts_add(
            rnd.organization,
            rnd.period,
            dict(zip(["platform", "mobile", "sales"], sizes, strict=True)),
            teams,
        )
    return {"p1": r1, "p2": r2}


def people_counts_add(
    org: Organization, period: dt.date, sizes: dict[str, int], teams: dict[str, Team]
) -> None:
    """The people counts a closed period leaves (k counts people): one person per response
    here, so each team's count is its number of responses and the org's their sum (a second
    rubric in the same period is answered by the same people: counts already there stay)."""
    PeriodRespondentCount.objects.bulk_create(
        [
            *(
                PeriodRespondentCount(organization=org, team=teams[name], period=period, people=n)
                for name, n in sizes.items()
            ),
            PeriodRespondentCount(
                organization=org,
                team=None,
                period=period,
                people=sum(sizes.values()),
            ),
        ],
        ignore_conflicts=True,
    )
