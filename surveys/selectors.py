"""Read-side queries of surveys: active rubric, audiences, rounds a user may see, participation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

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
    team_ids = set(schedule.teams.values_list("id", flat=True))
    return bool(team_ids) and team_ids <= allowed


def schedules_visible(*, tenant: Tenant) -> QuerySet[PulseSchedule]:
    qs = scoped(PulseSchedule, tenant.org).prefetch_related("teams").order_by("name")
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
    team_ids = descendant_ids(tenant.org.pk, visible)
    return qs.filter(teams__in=team_ids).distinct()


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
    - those small teams are pooled into one "smaller teams combined" row, shown when the pool
      has at least k invitations;
    - the total row shows answered counts only if nothing suppressed could be recovered by
      subtracting visible rows from it (i.e. the small-team pool is empty or itself shown).
    """
    return participation_for_rounds(rounds=[round], tenant=tenant)[round.pk]


def participation_for_rounds(
    *, rounds: list[PulseRound], tenant: Tenant
) -> dict[int, Participation]:
    """participation_for_round for many rounds in one query."""
    k = tenant.org.anonymity_k
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
    for c in counts:
        p = out[c["round_id"]]
        p.rows.append(
            ParticipationRow(
                label=c["team__name"] or "(team removed)",
                invited=c["invited"],
                responded=c["responded"] if c["invited"] >= k else None,
                team_id=c["team_id"],
            )
        )
    for p in out.values():
        small = [r for r in p.rows if r.responded is None]
        inv_total = sum(r.invited for r in p.rows)
        if small:
            # Re-read the real counts of the pooled teams from the query results.
            pooled_inv = sum(r.invited for r in small)
            pooled_resp = sum(
                c["responded"] for c in counts if out[c["round_id"]] is p and c["invited"] < k
            )
            p.small_teams = ParticipationRow(
                label=f"Smaller teams combined ({len(small)})",
                invited=pooled_inv,
                responded=pooled_resp if pooled_inv >= k else None,
            )
        shown = not small or (p.small_teams is not None and p.small_teams.responded is not None)
        resp_total = sum(c["responded"] for c in counts if out[c["round_id"]] is p)
        p.total = ParticipationRow(
            label="All your teams" if visible is not None else "Everyone invited",
            invited=inv_total,
            responded=resp_total if shown and inv_total >= k else None,
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
