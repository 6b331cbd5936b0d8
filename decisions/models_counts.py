"""What stays of a decision's check-in invitations once their answer window has closed.

- :class:`CheckInWindowCount`: per (decision, offset, team) invited / sent / answered.
- :class:`ClosedCheckInLink`: the sha256 of each closed link, no person, so an old link
  still reads "expired" rather than "unknown".
- :class:`DecisionRespondentKey`: HMAC(SECRET_KEY, org:decision:person) of each person who
  answered a closed window, kept while another window of the decision may still open, so a
  stakeholder answering at +7 and at +30 counts once (k counts people).
- :class:`DecisionRespondentCount`: once no window can open any more, only that number.
"""

from __future__ import annotations

from django.db import models

from orgs.models import Organization, Team


class CheckInWindowCount(models.Model):
    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="window_counts"
    )
    offset_days = models.PositiveSmallIntegerField()
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    invited = models.PositiveIntegerField()
    sent = models.PositiveIntegerField()
    answered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "offset_days", "team"], name="checkin_window_count_once"
            )
        ]


class ClosedCheckInLink(models.Model):
    decision = models.ForeignKey(
        "decisions.Decision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)


class DecisionRespondentKey(models.Model):
    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(
        "decisions.Decision", on_delete=models.CASCADE, related_name="respondent_keys"
    )
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "key"], name="decision_respondent_once")
        ]


class DecisionRespondentCount(models.Model):
    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.CASCADE, related_name="respondent_count"
    )
    people = models.PositiveIntegerField()


class CheckInPeriodRespondentKey(models.Model):
    """That someone answered a check-in window of this team × period (k counts people).

    Written when a window closes, for each invitation that was used:
    HMAC(SECRET_KEY, "checkin-period-respondent:<org>:<period>:<person>") with the team of
    the invitation and the period of the window (decided_on + offset), never the answer.
    Duplicates are ignored, so a person answering several windows (of one or many decisions)
    in a team × period is one key. Without SECRET_KEY a key names nobody.
    """

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team_key = models.PositiveIntegerField(help_text="team id at the invitation (0 = none)")
    period = models.DateField()
    key = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team_key", "period", "key"],
                name="checkin_period_respondent_once",
            )
        ]
