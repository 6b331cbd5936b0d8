"""Demo decisions: ~40 logged decisions with stakeholders, status changes, check-ins and answers.

Planted from orgs.demo.TEAM_PROFILES: a responder's team level for decision_stability drives
"still holding" and circling, authority_to_act drives waiting for confirmation, and
ownership_clarity drives "unclear who owns it". Growth and Payments therefore circle and
wait here, as they score low on decision stability in the pulses.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from decisions.checkins import checkin_invitation_new, org_offsets
from decisions.metrics import decision_metrics_recompute
from decisions.models import (
    CheckInInvitation,
    CheckInResponse,
    Decision,
    DecisionSource,
    DecisionStabilitySnapshot,
    DecisionStatus,
    DecisionStatusChange,
)
from decisions.releases import decision_results_publish
from orgs.demo import TEAM_PROFILES
from orgs.models import Organization, Person, Team
from orgs.periods import period_end, period_start

TITLES = {
    "Product": [
        "Freeze the pricing page until the Q3 experiment ends",
        "Move onboarding to a three-step checklist",
        "Drop the legacy referral programme",
        "Ship the mobile paywall behind a feature flag",
        "One roadmap review per month instead of weekly",
        "Discovery interviews before every new epic",
        "Retire the old dashboard design system",
        "Growth owns the trial-to-paid funnel end to end",
        "Stop custom reports for single customers",
        "Publish release notes from the product team",
        "Adopt one research repository for all squads",
        "Kill the annual-plan discount A/B test",
        "Prioritise self-serve upgrades over sales-assisted",
    ],
    "Engineering": [
        "Deprecate the v1 payments API by year end",
        "Move CI to ephemeral runners",
        "Adopt trunk-based development",
        "Payments team approves its own schema changes",
        "On-call rotation of one week, handover on Mondays",
        "Postgres 16 upgrade in one maintenance window",
        "No new services without an owner in the catalogue",
        "Retire the nightly batch reconciliation job",
        "Feature flags removed within 30 days of rollout",
        "Mobile releases every two weeks on a train",
        "Incident reviews are blameless and public",
        "Data team owns the event schema registry",
        "Use one logging library across services",
    ],
    "Operations": [
        "Refunds under 100 EUR approved by first-line support",
        "Quarterly close moves to working day 5",
        "Sales ops owns CRM field definitions",
        "Support macros reviewed monthly",
        "Hiring panels of three, decision within 48 hours",
        "Travel approval only above 1,000 EUR",
        "Customer escalations go through one queue",
        "Contracts signed electronically only",
        "Support team sets its own weekend rota",
        "Commission plan published before the quarter starts",
        "New joiners get a buddy for 30 days",
        "Finance closes expense reports weekly",
        "Renewals handled by account managers, not sales",
    ],
}
ACTED = ["yes", "waiting_confirmation", "unclear_owner", "blocked", "not_relevant"]


def _clip(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return max(lo, min(hi, x))


def _level(team_name: str | None, dim: str) -> float:
    prof = TEAM_PROFILES.get(team_name or "")
    if prof is None:
        return 0.55
    return _clip(prof.base + prof.dims.get(dim, 0.0))


def _answer(rng: random.Random, team_name: str | None, offset: int, shift: float) -> dict:
    """One planted check-in answer for a responder of `team_name`."""
    stab = _clip(_level(team_name, "decision_stability") + shift)
    auth = _level(team_name, "authority_to_act")
    own = _level(team_name, "ownership_clarity")
    holding: int | None = None
    if rng.random() > 0.05:
        holding = round(1 + 4 * _clip(rng.gauss(stab + 0.18, 0.22)))
    later = 0.15 if offset >= 30 else 0.0
    weights = [
        0.15 + 0.6 * stab + later,  # yes
        0.05 + 0.9 * (1 - auth) ** 2,  # waiting for confirmation (the permission trap)
        0.03 + 0.4 * (1 - own) ** 2,  # unclear owner
        0.12,  # blocked
        0.06,  # not relevant
    ]
    acted = rng.choices(ACTED, weights=weights)[0]
    several = _clip(0.62 - stab, 0.03, 0.7)
    r = rng.random()
    rediscussed = "several" if r < several else ("once" if r < several + 0.3 else "never")
    return {"holding": holding, "acted": acted, "rediscussed": rediscussed}


@transaction.atomic
def seed_demo(
    *,
    org: Organization,
    rng: random.Random,
    periods: list[dt.date],
    today: dt.date,
    log: Callable[[str], None],
) -> None:
    """Create ~40 decisions over `periods` with status history, invitations and answers."""
    zone = org.tz
    kind = org.reporting_period
    teams = {t.name: t for t in Team.objects.filter(organization=org)}
    team_names = {t.pk: t.name for t in teams.values()}
    people_by_team: dict[int, list[Person]] = {}
    for p in Person.objects.filter(organization=org, is_active=True).order_by("pk"):
        if p.team_id is not None:
            people_by_team.setdefault(p.team_id, []).append(p)
    User = get_user_model()
    loggers = {
        dept: User.objects.filter(username=u, memberships__organization=org).first()
        for dept, u in (
            ("Product", "leader"),
            ("Engineering", "eng-leader"),
            ("Operations", "admin"),
        )
    }
    leaf = [n for n in TEAM_PROFILES if n in teams]
    # Low-stability teams log (and circle on) more decisions: a visible story in the demo.
    weights = [2.0 if _level(n, "decision_stability") < 0.3 else 1.0 for n in leaf]
    titles = {d: rng.sample(t, len(t)) for d, t in TITLES.items()}
    offsets = org_offsets(org)

    def at(day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), zone)

    decisions: list[tuple[Decision, list[int], list[int], float]] = []
    total = 40
    for i, start in enumerate(periods):
        last = min(period_end(start, kind), today)
        span = (last - start).days
        for _ in range(total * (i + 1) // len(periods) - total * i // len(periods)):
            name = rng.choices(leaf, weights=weights)[0]
            dept = TEAM_PROFILES[name].department
            if not titles[dept]:
                titles[dept] = rng.sample(TITLES[dept], len(TITLES[dept]))
            team = teams[name]
            affected = [team.pk]
            if rng.random() < 0.25:
                sib = rng.choice([n for n in leaf if TEAM_PROFILES[n].department == dept])
                if teams[sib].pk not in affected:
                    affected.append(teams[sib].pk)
            others = [p for tid, ps in people_by_team.items() if tid not in affected for p in ps]
            extra = [p.pk for p in rng.sample(others, k=min(len(others), rng.randint(0, 2)))]
            decided_on = start + dt.timedelta(days=rng.randint(0, max(span, 0)))
            d = Decision(
                organization=org,
                title=titles[dept].pop(),
                context=f"Agreed in the {name} planning meeting.",
                owner=rng.choice(people_by_team.get(team.pk, [None])),
                decided_on=decided_on,
                source=rng.choices(
                    [DecisionSource.LOGGED, DecisionSource.WORKSHOP, DecisionSource.IMPORTED],
                    weights=[6, 3, 1],
                )[0],
                created_by=loggers.get(dept),
            )
            shift = rng.gauss(0, 0.08)
            decisions.append((d, affected, extra, shift))
    Decision.objects.bulk_create([d for d, *_ in decisions])
    Through = Decision.affected_teams.through
    Through.objects.bulk_create(
        [Through(decision_id=d.pk, team_id=t) for d, aff, _, _ in decisions for t in aff]
    )
    SThrough = Decision.stakeholders.through
    SThrough.objects.bulk_create(
        [SThrough(decision_id=d.pk, person_id=p) for d, _, ex, _ in decisions for p in ex]
    )

    # Status history: creation, then reopenings that are likelier where decisions don't hold.
    changes: list[DecisionStatusChange] = []
    by_team_later: dict[int, list[Decision]] = {}
    for d, aff, _, _ in sorted(decisions, key=lambda x: x[0].decided_on):
        by_team_later.setdefault(aff[0], []).append(d)
    for d, aff, _, shift in decisions:
        changes.append(
            DecisionStatusChange(
                decision=d,
                from_status="",
                to_status=DecisionStatus.DECIDED,
                changed_by=d.created_by,
                changed_at=at(d.decided_on),
                note="Logged",
            )
        )
        stab = _clip(_level(team_names[aff[0]], "decision_stability") + shift)
        age = (today - d.decided_on).days
        status = DecisionStatus.DECIDED
        if age > 14 and rng.random() < 0.7 - stab:
            day = d.decided_on + dt.timedelta(days=rng.randint(8, min(age, 40)))
            changes.append(
                DecisionStatusChange(
                    decision=d,
                    from_status=status,
                    to_status=DecisionStatus.BEING_REVISITED,
                    changed_by=d.created_by,
                    changed_at=at(day, 15),
                    note="Raised again in the weekly sync.",
                )
            )
            status = DecisionStatus.BEING_REVISITED
            if (today - day).days > 5:
                nxt = rng.random()
                later = [x for x in by_team_later[aff[0]] if x.decided_on > day]
                day2 = day + dt.timedelta(days=rng.randint(2, min(5, (today - day).days)))
                if nxt < 0.3 and later:
                    d.superseded_by = later[0]
                    to = DecisionStatus.SUPERSEDED
                elif nxt < 0.5:
                    to = DecisionStatus.REVERSED
                elif nxt < 0.8:
                    to = DecisionStatus.DECIDED
                else:
                    to = None
                if to is not None:
                    changes.append(
                        DecisionStatusChange(
                            decision=d,
                            from_status=status,
                            to_status=to,
                            changed_by=d.created_by,
                            changed_at=at(day2, 11),
                            note="Settled." if to == DecisionStatus.DECIDED else "",
                        )
                    )
                    status = to
        d.status = status
    Decision.objects.bulk_update([d for d, *_ in decisions], ["status", "superseded_by"])
    DecisionStatusChange.objects.bulk_create(changes)

    # Check-ins at each offset that is already due, answered by ~70 % of the stakeholders.
    history: dict[int, list[tuple[dt.date, str]]] = {}
    for c in changes:
        history.setdefault(c.decision.pk, []).append((c.changed_at.date(), c.to_status))

    def status_on(d: Decision, day: dt.date) -> str:
        past = [s for when, s in history.get(d.pk, []) if when <= day]
        return past[-1] if past else DecisionStatus.DECIDED

    invitations: list[CheckInInvitation] = []
    responses: list[CheckInResponse] = []
    for d, aff, extra, shift in decisions:
        stakeholders = {p.pk: p for tid in aff for p in people_by_team.get(tid, [])}
        stakeholders.update(
            {p.pk: p for ps in people_by_team.values() for p in ps if p.pk in set(extra)}
        )
        for offset in offsets:
            due = d.decided_on + dt.timedelta(days=offset)
            if due > today:
                continue
            for p in stakeholders.values():
                answered = rng.random() < 0.7
                inv = checkin_invitation_new(
                    org_id=org.pk,
                    decision_id=d.pk,
                    offset_days=offset,
                    person_id=p.pk,
                    team_id=p.team_id,
                )
                inv.sent_at, inv.used = at(due, 8), answered
                invitations.append(inv)
                if not answered:
                    continue
                day = min(today, due + dt.timedelta(days=rng.choice([0, 0, 1, 1, 2, 3, 6])))
                responses.append(
                    CheckInResponse(
                        organization=org,
                        decision=d,
                        team_id=p.team_id,
                        period=period_start(day, kind),
                        answered_on=day,
                        decision_status_at_answer=status_on(d, day),
                        comment="",
                        **_answer(rng, team_names.get(p.team_id or 0), offset, shift),
                    )
                )
    # Answers carry no order: shuffle so even insertion order says nothing about who answered.
    rng.shuffle(responses)
    CheckInInvitation.objects.bulk_create(invitations, batch_size=1000)
    CheckInResponse.objects.bulk_create(responses, batch_size=1000)
    # Per-decision figures first (they say which decisions are at risk); team × period
    # cells that would split them into groups under k are then held back by the ledger.
    decision_results_publish(org=org)
    cells = decision_metrics_recompute(org_id=org.pk)
    reopened = sum(1 for c in changes if c.to_status in ("being_revisited", "reversed"))
    log(
        f"Decisions: {len(decisions)} decisions, {reopened} reopenings, "
        f"{len(invitations)} check-in invitations, {len(responses)} answers, {cells} cells."
    )


def demo_reset(org: Organization) -> None:
    """Delete the decision register of the demo org (before the org itself is deleted)."""
    CheckInResponse.objects.filter(organization=org).delete()
    CheckInInvitation.objects.filter(organization=org).delete()
    DecisionStabilitySnapshot.objects.filter(organization=org).delete()
    Decision.objects.filter(organization=org).delete()
