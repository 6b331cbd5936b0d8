"""Read-side queries of surveys: active rubric, audiences, rounds a user may see, participation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from core.outbox import outbox_waiting
from orgs.ledger import participation_scope, trees_frozen
from orgs.models import Organization, Person, Team
from orgs.tenancy import Tenant, descendant_ids, scoped
from orgs.tree import TeamTree
from surveys.models import (
    Dimension,
    Invitation,
    Item,
    PulseRound,
    PulseSchedule,
    RoundTeamCount,
    RubricVersion,
)
from trustmath.suppression import REASON_NO_RESPONSES, ROOT_TEAM_ID, suppress_tree


def rubric_active(*, organization: Organization) -> RubricVersion:
    """The rubric new rounds of the org use: its own active version, else the shipped one."""
    own = RubricVersion.objects.filter(organization=organization, is_active=True).first()
    if own is not None:
        return own
    shipped = RubricVersion.objects.filter(organization=None, is_active=True).first()
    if shipped is None:
        # A read never installs it: migrate/flush do (surveys.rubric_io.rubric_shipped_ensure).
        raise RubricVersion.DoesNotExist("no shipped rubric loaded (run migrate / load_rubric)")
    return shipped


def rubric_dimensions(*, rubric: RubricVersion) -> list[Dimension]:
    """The rubric's dimensions with their items, in order (two queries)."""
    return list(
        rubric.dimensions.order_by("position", "id").prefetch_related(
            Prefetch("items", queryset=Item.objects.order_by("position", "id"))
        )
    )


def rubric_versions(*, organization: Organization) -> QuerySet[RubricVersion]:
    return RubricVersion.objects.filter(organization=organization).order_by("-version")


def audience_team_ids(*, organization_id: int, team_ids: list[int]) -> set[int]:
    """The chosen teams and all their sub-teams."""
    return descendant_ids(organization_id, team_ids)


def audience_people(*, organization: Organization, team_ids: list[int]) -> QuerySet[Person]:
    """Active people of the chosen teams and their sub-teams."""
    ids = audience_team_ids(organization_id=organization.pk, team_ids=team_ids)
    return scoped(Person, organization).filter(is_active=True, team_id__in=ids)


def manageable_team_ids(*, tenant: Tenant) -> set[int] | None:
    """Teams whose pulses the user may schedule: None = all (admin); leaders their led teams."""
    if tenant.is_admin:
        return None
    return set(tenant.led_team_ids)


def schedule_can_manage(*, tenant: Tenant, schedule: PulseSchedule) -> bool:
    allowed = manageable_team_ids(tenant=tenant)
    if allowed is None:
        return True
    team_ids = {t.pk for t in schedule.teams.all()}  # uses a prefetch when there is one
    return bool(team_ids) and team_ids <= allowed


def round_can_close(*, tenant: Tenant, round: PulseRound) -> bool:
    """Admins, the user who sent the round, and those who manage its schedule may close it."""
    if tenant.is_admin or round.created_by_id == tenant.user_id:
        return True
    return round.schedule is not None and schedule_can_manage(
        tenant=tenant, schedule=round.schedule
    )


def schedules_visible(*, tenant: Tenant) -> QuerySet[PulseSchedule]:
    qs = (
        scoped(PulseSchedule, tenant.org)
        .select_related("organization")
        .prefetch_related("teams")
        .order_by("name")
    )
    visible = tenant.visible_team_ids()
    if visible is None:
        return qs
    return qs.filter(teams__in=visible).distinct()


def rounds_visible(*, tenant: Tenant) -> QuerySet[PulseRound]:
    """Rounds that include at least one team the user may see."""
    qs = scoped(PulseRound, tenant.org).select_related("rubric", "schedule").order_by("-opens_at")
    visible = tenant.visible_team_ids()
    if visible is None:
        return qs
    # Either the audience names one of the user's teams, or people of their teams were
    # invited (a round sent to a parent department reaches a sub-team's leader too).
    round_ids = Invitation.objects.filter(organization=tenant.org, team_id__in=visible).values(
        "round_id"
    )
    return qs.filter(Q(teams__in=visible) | Q(pk__in=round_ids)).distinct()


@dataclass
class ParticipationRow:
    label: str
    invited: int
    responded: int | None  # None = suppressed
    team_id: int | None = None
    reason: str = ""  # a trustmath.suppression reason code when suppressed

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited

    @property
    def suppressed(self) -> bool:
        return self.responded is None


@dataclass
class Participation:
    k: int
    rows: list[ParticipationRow] = field(default_factory=list)
    total: ParticipationRow | None = None


def participation_for_round(*, round: PulseRound, tenant: Tenant) -> Participation:
    """Invited / answered per team the user may see, suppressed on the whole team tree.

    See :func:`participation_for_rounds` for the rule.
    """
    return participation_for_rounds(rounds=[round], tenant=tenant)[round.pk]


def _participation_counts(rounds: list[PulseRound]) -> list[tuple[int, int | None, int, int]]:
    """(round, team, invited, answered) of open rounds' invitations and closed rounds' counts."""
    ids = [r.pk for r in rounds]
    live = (
        Invitation.objects.filter(round__in=ids)
        .values("round_id", "team_id")
        .annotate(invited=Count("id"), answered=Count("id", filter=Q(used=True)))
        .order_by()
    )
    kept = RoundTeamCount.objects.filter(round__in=ids).values(
        "round_id", "team_id", "invited", "answered"
    )
    return [
        (c["round_id"], c["team_id"], c["invited"], c["answered"])
        for rows in (live, kept)
        for c in rows
    ]


def participation_for_rounds(
    *, rounds: list[PulseRound], tenant: Tenant
) -> dict[int, Participation]:
    """Participation of many rounds (two queries), the same decision for every viewer.

    What each number reveals, and the rule that follows (docs/privacy.md, "Participation"):

    - *invited* of a team is its headcount when the round was sent, which leaders know
      anyway: always shown.
    - *answered* of a group says how many of its people answered. For a group of fewer
      than k people, "all answered" (answered = invited) or "none answered" (answered = 0)
      tells about each of them, and any value narrows it down, so no answered count may be
      shown — or be computable by adding and subtracting shown counts — for a group of
      1 to k − 1 invited people.
    - So each row is a team *with its sub-teams* (a roll-up), and which roll-ups show their
      answered count is decided once per round by ``trustmath.suppression.suppress_tree``
      with n = invited, on the whole team tree of the round's invitations (team NULL counts
      for the organisation). Its invariant: every group computable from the shown cells has
      0 or ≥ k invited people. The decision never depends on who is looking: each viewer
      then sees only their teams' rows of that one decision, so two viewers' pages can
      be subtracted without uncovering anything a single page would not.
    - The total: admins see the organisation's roll-up; a leader sees the sum of their
      top-most teams' rows, shown only when every one of those rows is shown (then it is
      a sum of shown numbers and reveals nothing new).
    """
    k = tenant.org.k
    visible = tenant.visible_team_ids()
    current = tenant.org.team_tree()
    # Each round on the tree of its dispatch (kept by orgs.ledger.tree_freeze): moving a team
    # and back between two reads changes nothing; rounds from before it use today's tree.
    frozen = trees_frozen(org=tenant.org, scopes=[participation_scope(r.pk) for r in rounds])
    out: dict[int, Participation] = {r.pk: Participation(k=k) for r in rounds}
    counts: dict[int, list[tuple[int | None, int, int]]] = {}
    for round_id, team_id, invited, answered in _participation_counts(rounds):
        counts.setdefault(round_id, []).append((team_id, invited, answered))
    for rnd in rounds:
        tree = frozen.get(participation_scope(rnd.pk), current)
        _participation_one(out[rnd.pk], counts.get(rnd.pk, []), tree, k, visible)
    return out


def _participation_one(
    p: Participation,
    counts: list[tuple[int | None, int, int]],
    tree: TeamTree,
    k: int,
    visible: frozenset[int] | None,
) -> None:
    """Fill one round's participation (see participation_for_rounds) on ``tree``."""
    own: dict[int, list[int]] = {}
    for team_id, invited, answered in counts:
        node = team_id if team_id in tree.parent_of else ROOT_TEAM_ID
        cell = own.setdefault(node, [0, 0])
        cell[0] += invited
        cell[1] += answered
    if not own:
        return
    nodes = {ROOT_TEAM_ID}
    for node in own:
        if node != ROOT_TEAM_ID:
            nodes.add(node)
            nodes.update(tree.ancestors(node))
    parent_of: dict[int, int | None] = {
        t: (tree.parent_of.get(t) or ROOT_TEAM_ID) for t in nodes if t != ROOT_TEAM_ID
    }
    parent_of[ROOT_TEAM_ID] = None
    rollup: dict[int, list[int]] = {}
    for node, (invited, answered) in own.items():
        chain = [node] if node == ROOT_TEAM_ID else [node, *tree.ancestors(node), ROOT_TEAM_ID]
        for t in chain:
            cell = rollup.setdefault(t, [0, 0])
            cell[0] += invited
            cell[1] += answered
    cells = pd.DataFrame(
        [
            {
                "round_id": 0,
                "team_id": t,
                "n": rollup.get(t, [0, 0])[0],
                "n_own": own.get(t, [0, 0])[0],
            }
            for t in nodes
        ]
    )
    decided = suppress_tree(cells, k=k, parent_of=parent_of, by=["round_id"])
    hidden = {
        int(t): str(reason)
        for t, sup, reason in decided[["team_id", "suppressed", "reason"]].itertuples(index=False)
        if sup
    }
    shown_teams = (
        [t for t in nodes if t != ROOT_TEAM_ID]
        if visible is None
        else [t for t in nodes if t in visible]
    )
    order = {t: i for i, t in enumerate(_tree_order(tree))}
    shown_teams.sort(key=lambda t: order.get(t, len(order)))
    for t in shown_teams:
        invited, answered = rollup.get(t, [0, 0])
        if not invited:
            continue
        reason = hidden.get(t, "")
        p.rows.append(
            ParticipationRow(
                label=tree.names.get(t, "(team removed)"),
                invited=invited,
                responded=None if reason else answered,
                team_id=t,
                reason=reason,
            )
        )
    if visible is None:
        invited, answered = rollup.get(ROOT_TEAM_ID, [0, 0])
        reason = hidden.get(ROOT_TEAM_ID, "")
        p.total = ParticipationRow(
            label="Everyone invited",
            invited=invited,
            responded=None if reason or not invited else answered,
            reason=reason,
        )
    else:
        tops = [r for r in p.rows if tree.parent_of.get(r.team_id or 0) not in visible]
        reason = next((r.reason for r in tops if r.suppressed), "")
        if not tops:
            reason = REASON_NO_RESPONSES
        p.total = ParticipationRow(
            label="All your teams",
            invited=sum(r.invited for r in tops),
            responded=None if reason else sum(r.responded or 0 for r in tops),
            reason=reason,
        )


def _tree_order(tree: TeamTree) -> list[int]:
    """Teams depth first, siblings by name: parents right above their sub-teams."""
    out: list[int] = []
    stack = list(reversed(tree.roots))
    while stack:
        t = stack.pop()
        if t in out:
            continue
        out.append(t)
        stack.extend(reversed(tree.children.get(t, ())))
    return out


def round_teams_label(round: PulseRound) -> str:
    return ", ".join(t.name for t in round.teams.all())


def team_choices(*, tenant: Tenant) -> QuerySet[Team]:
    """Teams the user may pick as a pulse audience."""
    qs = scoped(Team, tenant.org).filter(is_active=True).order_by("name")
    allowed = manageable_team_ids(tenant=tenant)
    return qs if allowed is None else qs.filter(pk__in=allowed)


def invitation_stats(*, round: PulseRound) -> dict[str, Any]:
    agg = round.invitations.aggregate(
        invited=Count("id"),
        sent=Count("id", filter=Q(sent_at__isnull=False)),
        responded=Count("id", filter=Q(used=True)),
    )
    return agg


def person_invitation_data(person: Person) -> dict[str, Any]:
    """The person's pulse invitations and whether each was sent (surveys' part of the GDPR
    export). Never whether it was answered: the export is read by an admin, and "used"
    would say which rounds the person answered, exactly what participation hides for small
    teams. Reminders are left out for the same reason (only people who have not answered
    are reminded). Responses carry no link to the person: none are here."""
    return {
        "invitations": [
            {
                "round": inv.round.title,
                "created_at": inv.created_at.isoformat(),
                "sent": inv.sent_at is not None,
                "sent_at": inv.sent_at.isoformat() if inv.sent_at else None,
            }
            for inv in Invitation.objects.filter(person=person)
            .select_related("round")
            .order_by("created_at", "id")
        ]
    }


def person_invitation_summary(person: Person) -> list[str]:
    """Surveys' line of the delete confirmation: the pulse invitations `person_invitations_erase`
    would delete (none when there are none)."""
    n = Invitation.objects.filter(person=person).count()
    return (
        [ngettext("%(n)d survey invitation", "%(n)d survey invitations", n) % {"n": n}] if n else []
    )


def round_dispatch_queued(*, round: PulseRound) -> bool:
    """Is the round's sending waiting for the task queue (broker down when it was created)?"""
    return round.dispatch_finished_at is None and outbox_waiting(
        name="surveys.dispatch_round", args=[round.pk]
    )


def round_can_remind(*, tenant: Tenant, round: PulseRound) -> bool:
    """Admins, those who may close the round, and leaders of one of its teams may remind."""
    if round_can_close(tenant=tenant, round=round):
        return True
    led = set(tenant.led_team_ids)
    if not led:
        return False
    audience = descendant_ids(tenant.org.pk, [t.pk for t in round.teams.all()])
    return bool(audience & led)  # led_team_ids already holds the teams below theirs


@dataclass(frozen=True)
class SmallTeam:
    team_id: int
    name: str
    people: int


def teams_below_k(*, tenant: Tenant) -> list[SmallTeam]:
    """Teams the user may send a pulse to whose audience (the team and its sub-teams) has
    fewer than k active people: their results will be hidden (two queries)."""
    org = tenant.org
    allowed = manageable_team_ids(tenant=tenant)
    tree = org.team_tree()
    counts = dict(
        scoped(Person, org)
        .filter(is_active=True, team_id__isnull=False)
        .values_list("team_id")
        .annotate(n=Count("id"))
        .values_list("team_id", "n")
    )
    candidates = tree.active if allowed is None else tree.descendants(allowed) & tree.active
    out = []
    for team_id in candidates:
        people = sum(counts.get(t, 0) for t in tree.descendants([team_id]))
        if people < org.k:
            out.append(SmallTeam(team_id=team_id, name=tree.names[team_id], people=people))
    return sorted(out, key=lambda s: s.name.casefold())
