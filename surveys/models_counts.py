"""What stays of a closed round's invitations: counts per team and the people count per period.

A round's per-person invitation rows are deleted when it closes (docs/privacy.md, "Counts,
not per-person rows"). What stays:

- :class:`RoundTeamCount`: per team of the round, how many were invited, sent a link and
  answered. One invitation per person and round, so "answered" is also the number of
  distinct people who answered that round.
- :class:`ClosedRoundLink`: the sha256 of each link of the closed round, with no person, so
  an old link still says "this round has closed" instead of "unknown link".
- :class:`PeriodRespondentKey`: while a reporting period can still gain answers, a keyed
  hash HMAC(SECRET_KEY, org, period, person) per team for each person who answered a closed
  round of it, so a person answering several rounds of the period counts once.
- :class:`PeriodRespondentCount`: once the period is over and all its rounds are closed,
  only the number of distinct people per team (and, with ``team`` NULL, in the whole org).
"""

from __future__ import annotations

from django.db import models

from orgs.models import Organization, Team


class RoundTeamCount(models.Model):
    """Invited / sent / answered of one team in one closed round (no person)."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(
        "surveys.PulseRound", on_delete=models.CASCADE, related_name="team_counts"
    )
    # NULL: the invitations' team was deleted; they still count for the organization.
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    invited = models.PositiveIntegerField()
    sent = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "team"], name="round_team_count_once")
        ]


class ClosedRoundLink(models.Model):
    """A link of a closed round, so it can say "closed"; no person, no used flag."""

    round = models.ForeignKey(
        "surveys.PulseRound", on_delete=models.CASCADE, related_name="closed_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)


class PeriodRespondentKey(models.Model):
    """HMAC(SECRET_KEY, org:period:person) of someone who answered in the team and period."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "period", "key"], name="period_respondent_key_once"
            )
        ]
        indexes = [models.Index(fields=["organization", "period"])]


class PeriodRespondentCount(models.Model):
    """Distinct people who answered in a team (NULL: anywhere in the org) and a closed period."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    people = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team", "period"], name="period_respondent_count_once"
            ),
            models.UniqueConstraint(
                fields=["organization", "period"],
                condition=models.Q(team__isnull=True),
                name="period_respondent_count_org_once",
            ),
        ]
