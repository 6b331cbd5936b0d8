"""Commitments made in a workshop, and their follow-up: the owner's reminder, the team's
"did this happen?" links and the team's anonymous answers.

Anonymity (docs/privacy.md): FollowUpLink records *who was asked* and only *that* the link
was used; FollowUpAnswer records *what was answered* with a random id, the answer day and no
person, token or link. No column joins the two tables, and an answer first waits in
PendingFollowUpAnswer: it reaches FollowUpAnswer in a shuffled batch of at least k, written by
a transaction that spends no link (workshops/followup_flush.py), so neither a transaction id
nor a row position points at one person's claim. The owner's own answer is not
anonymous on purpose: it sets the status of the commitment they are named on.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CommitmentStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    SLIPPED = "slipped", "Slipped"
    DROPPED = "dropped", "Dropped"
    # Past due and the owner has said nothing (the age is counted from the due date).
    WAITING = "waiting", "Waiting for an answer"


# Statuses a commitment can still move out of by itself (reminders, follow-up, review).
UNSETTLED_STATUSES = frozenset(
    {CommitmentStatus.OPEN, CommitmentStatus.WAITING, CommitmentStatus.SLIPPED}
)
# What the next workshop of the team reviews first.
REVIEW_STATUSES = frozenset({*UNSETTLED_STATUSES, CommitmentStatus.PARTLY})


class FollowUpAnswerChoice(models.TextChoices):
    DONE = "done", "Done"
    PARTLY = "partly", "Partly"
    NOT_YET = "not_yet", "Not yet"
    DROPPED = "dropped", "Dropped"


# The owner's answer becomes the commitment's status.
STATUS_OF_ANSWER = {
    FollowUpAnswerChoice.DONE: CommitmentStatus.DONE,
    FollowUpAnswerChoice.PARTLY: CommitmentStatus.PARTLY,
    FollowUpAnswerChoice.NOT_YET: CommitmentStatus.SLIPPED,
    FollowUpAnswerChoice.DROPPED: CommitmentStatus.DROPPED,
}

WHAT_MAX_LENGTH = 300

# The follow-up schedule (services_followup.py; shown on the commitments table):
# the owner is reminded this many days before the due date,
REMIND_DAYS_BEFORE = 2
# the owner and the team are asked "did this happen?" the day after it,
ASK_DAYS_AFTER = 1
# and an owner who has not answered this many days after it: the commitment waits.
WAITING_AFTER_DAYS = 7


class Commitment(models.Model):
    """What someone agreed to do by when, recorded by the facilitator during or after a workshop."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="commitments"
    )
    what = models.CharField(max_length=WHAT_MAX_LENGTH)
    # Null once the owner was erased (GDPR): the commitment stays, unowned.
    owner = models.ForeignKey(
        "orgs.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_commitments",
    )
    due_on = models.DateField()
    decision = models.ForeignKey(
        "decisions.Decision",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workshop_commitments",
    )
    status = models.CharField(
        max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # Claims of the one-shot jobs (core.links.send_once-style conditional updates).
    reminded_at = models.DateTimeField(null=True, blank=True)
    asked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organization", "status", "due_on"])]

    def __str__(self) -> str:
        return self.what


class FollowUpLink(models.Model):
    """A one-time "did this happen?" link of one person about one commitment (core/links.py)."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="followup_links"
    )
    person = models.ForeignKey(
        "orgs.Person", on_delete=models.CASCADE, related_name="workshop_followup_links"
    )
    is_owner = models.BooleanField(default=False)
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["commitment", "person"], name="followup_link_one_per_person"
            )
        ]


class FollowUpAnswer(models.Model):
    """One team member's anonymous answer: random id, day only, no person, no link."""

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="followup_answers"
    )
    answer = models.CharField(max_length=10, choices=FollowUpAnswerChoice.choices)
    answered_on = models.DateField()


class PendingFollowUpAnswer(models.Model):
    """A team member's answer waiting for its shuffled batch (workshops/followup_flush.py):
    what the FollowUpAnswer will hold, under a random id it will not reuse."""

    TENANT_FIELD = "organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    commitment = models.ForeignKey(
        Commitment, on_delete=models.CASCADE, related_name="pending_followup_answers"
    )
    answer = models.CharField(max_length=10, choices=FollowUpAnswerChoice.choices)
    answered_on = models.DateField()
