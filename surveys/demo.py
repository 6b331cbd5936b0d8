"""Demo pulse data: one round per period for all teams, answers drawn from orgs.demo.TEAM_PROFILES.

Per team and period, each dimension has a latent level
    base + dims[dimension] + trend * period_index   (0..1, clipped)
and an answer x on the 1-5 scale is drawn around 1 + 4 * level (person and item noise),
inverted (6 - x) for reverse-keyed items, so the scoring engine recovers the planted level
as a 0-100 score. Written with bulk_create and numpy: no per-answer ORM calls.

Each respondent answers their own rotation form (surveys/rotation.py), handed out in turn
from the org's form counter as the real survey page does, so every pair of a dimension's
statements is co-answered each period and Cronbach's α is computable for every dimension
(10 questions: 11 forms in the cycle, ~110 respondents per period).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction

from orgs.demo import TEAM_PROFILES
from orgs.models import Organization, Person, Team
from surveys.links import PULSE_LINK
from surveys.models import (
    Answer,
    FormCounter,
    Invitation,
    PulseRound,
    PulseSchedule,
    Response,
    RoundItem,
    RoundStatus,
)
from surveys.rotation import form_items, forms_per_cycle
from surveys.selectors import rubric_active, rubric_dimensions
from surveys.services.counts import periods_close_out, round_invitations_reduce
from surveys.services.responses import response_attributes_shared
from surveys.services.rounds import round_pick_items

# Ten questions (about two minutes): 11 forms per rotation cycle, so the demo's ~110
# respondents a period co-answer every statement pair ~10 times (α for every dimension).
QUESTIONS = 10
SKIP_RATE = 0.04
COMMENT_RATE = 0.08
LOW_COMMENTS = [
    "We agreed on the release plan twice already and it changed again.",
    "I never know if I can just go ahead or need to check with someone first.",
    "Handoffs from the other team arrive without the why.",
    "The follow-ups from our planning meeting didn't happen.",
    "Mistakes get a lot of attention, the fix to the process much less.",
]
HIGH_COMMENTS = [
    "Decisions are written down now, which helps a lot.",
    "Clear owners for each action after our weekly.",
    "Good support when I got stuck this month.",
    "Handoff checklist is working well.",
]


def _round_times(
    period: dt.date, today: dt.date, tz: ZoneInfo, current: bool
) -> tuple[dt.datetime, dt.datetime]:
    if current:
        start_day = max(period, today - dt.timedelta(days=1))
        opens = dt.datetime.combine(start_day, dt.time(9), tzinfo=tz)
        return opens, opens + dt.timedelta(days=6)
    day = period + dt.timedelta(days=2)
    while day.weekday() >= 5:  # rounds open on a working day
        day += dt.timedelta(days=1)
    opens = dt.datetime.combine(day, dt.time(9), tzinfo=tz)
    return opens, opens + dt.timedelta(days=5)


@transaction.atomic
def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Create one closed round per past period, one open round now, and the answers."""
    nrng = np.random.default_rng(rng.randrange(2**32))
    tz = org.tz
    rubric = rubric_active(organization=org)  # the shipped rubric: the demo org has no own copy
    teams = {t.name: t for t in Team.objects.filter(organization=org)}
    leaf_teams = [teams[name] for name in TEAM_PROFILES if name in teams]
    people = list(Person.objects.filter(organization=org, is_active=True, team__in=leaf_teams))
    by_team: dict[int, list[Person]] = {}
    for p in people:
        by_team.setdefault(p.team_id, []).append(p)  # type: ignore[arg-type]
    n_resp = 0
    n_answers = 0
    dims = rubric_dimensions(rubric=rubric)
    bank_items = [it for d in dims for it in d.items.all()]
    bank = [(d.key, [it.key for it in d.items.all()]) for d in dims]
    cycle = forms_per_cycle(bank, questions=QUESTIONS)
    column = {it.key: i for i, it in enumerate(bank_items)}
    on_form = np.zeros((cycle, len(bank_items)), dtype=bool)  # form × statement
    for g in range(cycle):  # a dozen forms
        on_form[g, [column[k] for k in form_items(bank, questions=QUESTIONS, form_index=g)]] = True
    counter, _ = FormCounter.objects.get_or_create(organization=org, rubric=rubric)
    next_form = counter.next_form
    for index, period in enumerate(periods):
        current = index == len(periods) - 1
        opens, closes = _round_times(period, today, tz, current)
        items = round_pick_items(rubric=rubric, organization=org, questions=QUESTIONS)
        rnd = PulseRound.objects.create(
            organization=org,
            rubric=rubric,
            title=f"Monthly pulse · {period:%B %Y}",
            period=period,
            opens_at=opens,
            closes_at=closes,
            status=RoundStatus.OPEN if current else RoundStatus.CLOSED,
            questions=QUESTIONS,
            dispatch_finished_at=opens,
            closed_at=None if current else closes,
        )
        rnd.teams.set(leaf_teams)
        RoundItem.objects.bulk_create(
            [RoundItem(round=rnd, item=it, position=i) for i, it in enumerate(items)]
        )
        # Answers are drawn for the whole bank, then each respondent keeps their form's.
        item_ids = np.array([it.pk for it in bank_items])
        item_dims = [it.dimension.key for it in bank_items]
        reverse = np.array([it.reverse_keyed for it in bank_items])
        invitations: list[Invitation] = []
        responses: list[Response] = []
        answer_rows: list[tuple[int, np.ndarray, np.ndarray]] = []
        for team in leaf_teams:
            members = by_team.get(team.pk, [])
            if not members:
                continue
            prof = TEAM_PROFILES[team.name]
            # The open round is only part-way through: fewer answers so far.
            rate = nrng.uniform(0.70, 0.85) * (0.55 if current else 1.0)
            responded = nrng.random(len(members)) < rate
            for person, did in zip(members, responded, strict=True):
                invitations.append(
                    PULSE_LINK.issue(
                        Invitation(
                            organization=org,
                            round=rnd,
                            person=person,
                            team=team,
                            sent_at=opens,
                            used=bool(did),
                        )
                    )
                )
            n = int(responded.sum())
            if n == 0:
                continue
            level = np.array(
                [prof.base + prof.dims.get(d, 0.0) + prof.trend * index for d in item_dims]
            ).clip(0.05, 0.95)
            person_noise = nrng.normal(0.0, 0.45, size=(n, 1))
            item_noise = nrng.normal(0.0, 0.7, size=(n, len(bank_items)))
            agree = np.rint(1 + 4 * level + person_noise + item_noise).clip(1, 5)
            # The answer as typed: a reverse-keyed statement is agreed with when trust is low.
            typed = np.where(reverse, 6 - agree, agree).astype(int)
            skipped = nrng.random(typed.shape) < SKIP_RATE
            asked = on_form[(next_form + np.arange(n)) % cycle]  # forms in opening order
            next_form += n
            last_day = min(closes.astimezone(tz).date(), today)
            first_day = opens.astimezone(tz).date()
            span = max((last_day - first_day).days, 0)
            for row in range(n):
                comment = ""
                if nrng.random() < COMMENT_RATE:
                    pool = LOW_COMMENTS if level.mean() < 0.5 else HIGH_COMMENTS
                    comment = pool[int(nrng.integers(len(pool)))]
                responses.append(
                    Response(
                        organization=org,
                        round=rnd,
                        team=team,
                        period=period,
                        submitted_on=first_day + dt.timedelta(days=int(nrng.integers(span + 1))),
                        # Attributes of a random member (the demo must not tie rows to people),
                        # kept only as a combination k invitees share, as a real submit does.
                        attributes=response_attributes_shared(
                            mine=dict(members[int(nrng.integers(len(members)))].attributes),
                            peers=[m.attributes or {} for m in members],
                            k=org.k,
                        ),
                        comment=comment,
                    )
                )
                values = np.where(skipped[row], 0, typed[row])
                answer_rows.append((len(responses) - 1, asked[row], values))
        Invitation.objects.bulk_create(invitations)
        Response.objects.bulk_create(responses)
        answers = [
            Answer(
                response=responses[ri],
                item_id=int(item_id),
                value=int(v) if v else None,
            )
            for ri, mask, values in answer_rows
            for item_id, v in zip(item_ids[mask], values[mask], strict=True)
        ]
        Answer.objects.bulk_create(answers, batch_size=2000)
        if not current:
            # Closed rounds keep counts, not per-person invitations (surveys/services/counts.py).
            round_invitations_reduce(round_id=rnd.pk)
        n_resp += len(responses)
        n_answers += len(answers)
    FormCounter.objects.filter(pk=counter.pk).update(next_form=next_form)
    # Past periods whose rounds all closed keep only people counts.
    periods_close_out(
        organization=org,
        now=dt.datetime.combine(today, dt.time(12), tzinfo=tz),
    )
    log(
        f"Pulses: {len(periods)} rounds ({len(periods) - 1} closed, 1 open), "
        f"{n_resp} responses, {n_answers} answers."
    )


def demo_reset(org: Organization) -> None:
    """Delete the demo org's pulses: anonymous responses first (they protect teams and
    items), then rounds (with their invitations) and schedules."""
    Response.objects.filter(organization=org).delete()
    PulseRound.objects.filter(organization=org).delete()
    PulseSchedule.objects.filter(organization=org).delete()
