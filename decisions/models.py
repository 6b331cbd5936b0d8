"""Decision register, status history, check-in invitations/answers and the stability snapshots.

Anonymity (docs/privacy.md): CheckInInvitation records *who was asked* and only *that*
the link was used; CheckInResponse records *what was answered* with a random id, the
answer day and no person, token or invitation. No column joins the two tables.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.constants import ANSWER_MAX, ANSWER_MIN
from orgs.models import Organization, Person, Team


class DecisionStatus(models.TextChoices):
    DECIDED = "decided", "Decided"
    BEING_REVISITED = "being_revisited", "Being revisited"
    REVERSED = "reversed", "Reversed"
    SUPERSEDED = "superseded", "Superseded"


# A change *to* one of these statuses is a reopening (docs/scoring.md: reopen count).
REOPENING_STATUSES = frozenset({DecisionStatus.BEING_REVISITED, DecisionStatus.REVERSED})
# Check-ins are no longer sent for decisions that are over; links already sent still work.
CLOSED_STATUSES = frozenset({DecisionStatus.REVERSED, DecisionStatus.SUPERSEDED})


class DecisionSource(models.TextChoices):
    LOGGED = "logged", "Logged by a leader"
    WORKSHOP = "workshop", "Recorded in a workshop"
    IMPORTED = "imported", "Imported"


# A few paragraphs: enough for what was decided and why, short enough to read on a phone.
CONTEXT_MAX_LENGTH = 2000


class Decision(models.Model):
    """A decision somebody made, tracked afterwards: does it hold, is it acted on?"""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="decisions"
    )
    title = models.CharField(max_length=200)
    # At most CONTEXT_MAX_LENGTH characters: the form and the API check it (the column need not).
    context = models.TextField(blank=True)
    owner = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_decisions"
    )
    # The active people of these teams (and their sub-teams) are stakeholders too.
    affected_teams = models.ManyToManyField(Team, blank=True, related_name="decisions")
    # People asked in addition to the affected teams (e.g. someone from another department).
    stakeholders = models.ManyToManyField(Person, blank=True, related_name="stakeholder_decisions")
    decided_on = models.DateField()
    status = models.CharField(
        max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.DECIDED
    )
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    source = models.CharField(
        max_length=20, choices=DecisionSource.choices, default=DecisionSource.LOGGED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["organization", "decided_on"])]

    def __str__(self) -> str:
        return self.title


class DecisionStatusChange(models.Model):
    """One step of a decision's status history (the first row is its creation)."""

    TENANT_FIELD = "decision__organization"

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=DecisionStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DecisionStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    @property
    def is_reopening(self) -> bool:
        return self.to_status in REOPENING_STATUSES


class CheckInInvitation(models.Model):
    """Who was asked about which decision at which offset. Records only *that* it was used."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="checkin_invitations"
    )
    # SET_NULL, not CASCADE: a link of a deleted decision must still say so (410), not 404.
    decision = models.ForeignKey(
        Decision, null=True, on_delete=models.SET_NULL, related_name="checkin_invitations"
    )
    offset_days = models.PositiveSmallIntegerField()
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkin_invitations")
    # The person's team when invited: the answer counts for this team.
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    # The link token is derived: HMAC(SECRET_KEY, checkin:decision:offset:person:nonce), see
    # core/links.py. Only the nonce and sha256(token) are stored.
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "offset_days", "person"], name="checkin_once_per_offset"
            )
        ]


class Acted(models.TextChoices):
    YES = "yes", "Yes"
    WAITING_CONFIRMATION = "waiting_confirmation", "Not yet — waiting for confirmation"
    UNCLEAR_OWNER = "unclear_owner", "Not yet — unclear who owns it"
    BLOCKED = "blocked", "Not yet — blocked by other work"
    NOT_RELEVANT = "not_relevant", "Not relevant to me"


class Rediscussed(models.TextChoices):
    NEVER = "never", "Never"
    ONCE = "once", "Once"
    SEVERAL = "several", "Several times"


class CheckInResponse(models.Model):
    """One check-in answer, by nobody in particular (random id, day precision, no person)."""

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="checkin_responses"
    )
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="responses")
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    # The period of the check-in *window* (decided_on + offset), not of the answer day: the
    # invitation side counts the window's respondents in that period (k counts people).
    period = models.DateField(db_index=True)
    answered_on = models.DateField()  # day precision on purpose
    # Which window (offset in days) it answered: a person answers a window at most once, so
    # the release ledger counts a difference within one window in people. The flush already
    # groups answers by window, so this links nothing more. NULL: written before it was kept.
    offset_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # "This decision is still holding", 1-5 agree scale; NULL = skipped.
    holding = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(ANSWER_MIN), MaxValueValidator(ANSWER_MAX)],
    )
    acted = models.CharField(max_length=24, choices=Acted.choices)
    rediscussed = models.CharField(max_length=10, choices=Rediscussed.choices)
    comment = models.TextField(blank=True)
    # The decision's status when answered: answers about a superseded decision are flagged.
    decision_status_at_answer = models.CharField(max_length=20, choices=DecisionStatus.choices)

    class Meta:
        indexes = [models.Index(fields=["organization", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(holding__isnull=True) | models.Q(holding__gte=1, holding__lte=5),
                name="checkin_holding_1_to_5",
            )
        ]


class DecisionStabilitySnapshot(models.Model):
    """Team x period decision check-in figures, recomputed from the answers.

    team NULL = the whole organization. Suppressed cells store no numbers at all, so no read
    path can leak an aggregate over fewer than k answers.
    """

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="decision_snapshots"
    )
    team = models.ForeignKey(Team, null=True, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    suppressed = models.BooleanField(default=False)
    reason = models.CharField(max_length=200, blank=True)
    n = models.PositiveIntegerField(null=True)
    stability_pct = models.FloatField(null=True)
    stability_lo = models.FloatField(null=True)
    stability_hi = models.FloatField(null=True)
    stability_n = models.PositiveIntegerField(null=True)
    action_pct = models.FloatField(null=True)
    action_lo = models.FloatField(null=True)
    action_hi = models.FloatField(null=True)
    wait_pct = models.FloatField(null=True)
    wait_lo = models.FloatField(null=True)
    wait_hi = models.FloatField(null=True)
    circling_pct = models.FloatField(null=True)
    circling_lo = models.FloatField(null=True)
    circling_hi = models.FloatField(null=True)
    lag_median_days = models.FloatField(null=True)
    lag_decisions = models.PositiveIntegerField(null=True)
    # Decisions still without a "yes", censored at their latest check-in (Kaplan–Meier).
    lag_waiting = models.PositiveIntegerField(null=True)
    # Reopenings are leaders' actions, not anonymous answers: shown even in suppressed cells.
    reopen_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["period", "team_id"]
        indexes = [models.Index(fields=["organization", "period"])]


class PendingCheckIn(models.Model):
    """A check-in answer waiting for its shuffled batch (decisions/checkins.py).

    The CheckInResponse it becomes, plus the offset (which check-in window it belongs to, so
    the window's close can flush it); no person, token or invitation, and a random id the
    response does not reuse.
    """

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="pending")
    offset_days = models.PositiveSmallIntegerField()
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    period = models.DateField()
    answered_on = models.DateField()
    holding = models.PositiveSmallIntegerField(null=True, blank=True)
    acted = models.CharField(max_length=24, choices=Acted.choices)
    rediscussed = models.CharField(max_length=10, choices=Rediscussed.choices)
    comment = models.TextField(blank=True)
    decision_status_at_answer = models.CharField(max_length=20, choices=DecisionStatus.choices)


# The counts that replace closed check-in windows' invitations live in their own module
# (imported here so Django registers them with this app).
from decisions.models_counts import (  # noqa: E402, F401
    CheckInPeriodRespondentKey,
    CheckInWindowCount,
    ClosedCheckInLink,
    DecisionRespondentCount,
    DecisionRespondentKey,
)
from decisions.models_release import DecisionResultsRelease  # noqa: E402,F401  (registered here)
