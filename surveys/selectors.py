"""Read-side queries of surveys: active rubric, audiences, rounds a user may see, participation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import ngettext

from orgs.models import Organization, Person, Team
from orgs.tenancy import Tenant, descendant_ids, scoped
from surveys.models import Dimension, Invitation, Item, PulseRound, PulseSchedule, RubricVersion


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

    @property
    def rate(self) -> float | None:
        if self.responded is None or not self.invited:
            return None
        return self.responded / self.invited


@dataclass
class Participation:
    k: int
    rows: list[ParticipationRow] = field(default_factory=list)
    small_teams: ParticipationRow | None = None
    total: ParticipationRow | None = None


def participation_for_round(*, round: PulseRound, tenant: Tenant) -> Participation:
    """Invited / responded / rate per team the user may see, with small-group suppression.

    Counts only, never names. Rule (documented in the README of this app):
    - a team with fewer than k invitations shows how many were invited but not how many
      answered: in a team of 3, "3 of 3 answered" tells the leader exactly who answered;
    - those small teams are pooled into one "smaller teams combined" row; if the pool has
      fewer than k invitations, the smallest shown teams join it (complementary
      suppression) so the pool cannot be recovered as total minus the shown rows;
    - the pool and the total show answered counts only when the pool reaches k; if even
      every team together is below k, nothing but invited counts is shown.
    """
    return participation_for_rounds(rounds=[round], tenant=tenant)[round.pk]


def participation_for_rounds(
    *, rounds: list[PulseRound], tenant: Tenant
) -> dict[int, Participation]:
    """participation_for_round for many rounds in one query."""
    k = tenant.org.k
    visible = tenant.visible_team_ids()
    qs = Invitation.objects.filter(round__in=[r.pk for r in rounds], organization=tenant.org)
    if visible is not None:
        qs = qs.filter(team_id__in=visible)
    counts = list(
        qs.values("round_id", "team_id", "team__name")
        .annotate(invited=Count("id"), responded=Count("id", filter=Q(used=True)))
        .order_by("round_id", "team__name")
    )
    out: dict[int, Participation] = {r.pk: Participation(k=k) for r in rounds}
    real: dict[tuple[int, int | None], int] = {}
    for c in counts:
        p = out[c["round_id"]]
        real[(c["round_id"], c["team_id"])] = c["responded"]
        p.rows.append(
            ParticipationRow(
                label=c["team__name"] or "(team removed)",
                invited=c["invited"],
                responded=c["responded"] if c["invited"] >= k else None,
                team_id=c["team_id"],
            )
        )
    for round_id, p in out.items():
        pooled = [r for r in p.rows if r.responded is None]
        # Complementary suppression: a pool smaller than k could be read off as
        # total - shown rows, so pull the smallest shown teams into it until it reaches k.
        shown = sorted((r for r in p.rows if r.responded is not None), key=lambda r: r.invited)
        while pooled and sum(r.invited for r in pooled) < k and shown:
            row = shown.pop(0)
            row.responded = None
            pooled.append(row)
        inv_total = sum(r.invited for r in p.rows)
        resp_total = sum(real[(round_id, r.team_id)] for r in p.rows)
        pool_ok = True
        if pooled:
            pool_inv = sum(r.invited for r in pooled)
            pool_ok = pool_inv >= k
            p.small_teams = ParticipationRow(
                label=f"Smaller teams combined ({len(pooled)})",
                invited=pool_inv,
                responded=sum(real[(round_id, r.team_id)] for r in pooled) if pool_ok else None,
            )
        p.total = ParticipationRow(
            label="All your teams" if visible is not None else "Everyone invited",
            invited=inv_total,
            responded=resp_total if pool_ok and inv_total >= k else None,
        )
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
    """The person's pulse invitations, whether sent and used (surveys' part of the GDPR
    export). Responses are anonymous and carry no link to the person: none are here."""
    return {
        "invitations": [
            {
                "round": inv.round.title,
                "created_at": inv.created_at.isoformat(),
                "sent": inv.sent_at is not None,
                "sent_at": inv.sent_at.isoformat() if inv.sent_at else None,
                "reminders": inv.reminder_count,
                "used": inv.used,
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
