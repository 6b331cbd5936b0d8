"""Handoff events and the one-time check-ins they fire: who is asked, never who answered what."""

from __future__ import annotations

import uuid

from django.db import models

from execution.models import WorkItem
from orgs.models import Organization, Person, Team


class HandoffSource(models.TextChoices):
    HISTORY = "history", "Work-item history"
    API = "api", "API"
    FORM = "form", "Hand-off form"


class HandoffEvent(models.Model):
    """One piece of work changing hands between two of our teams (or two people)."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="handoff_events"
    )
    source = models.CharField(max_length=10, choices=HandoffSource.choices)
    # The item as its tool names it (an issue key, a title); part of the idempotency key.
    item_ref = models.CharField(max_length=200)
    # History handoffs point at their work item: deleting the item deletes the handoff, and
    # a check-in link about it then answers "deleted" (410).
    work_item = models.ForeignKey(
        WorkItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    link = models.URLField(max_length=500, blank=True)
    from_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    from_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "item_ref", "at"], name="handoff_idempotent"
            )
        ]
        indexes = [models.Index(fields=["organization", "at"])]


class HandoffMatchReport(models.Model):
    """The people of the last history scan that matched none of ours (listed, never guessed)."""

    TENANT_FIELD = "organization"

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="handoff_match_report"
    )
    unmatched = models.JSONField(default=list, blank=True)  # names/emails as exported
    created = models.PositiveIntegerField(default=0)
    scanned_at = models.DateTimeField()


class Side(models.TextChoices):
    SENDER = "sender", "Handed over"
    RECEIVER = "receiver", "Received"


class Chased(models.TextChoices):
    NEVER = "never", "Never"
    ONCE = "once", "Once"
    SEVERAL = "several", "Several times"


class HandoffCheckIn(models.Model):
    """Who was asked about which handoff, from which side. Records only *that* it was used."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # SET_NULL: a link of a deleted handoff must still say so (410), not 404.
    handoff = models.ForeignKey(
        HandoffEvent, null=True, on_delete=models.SET_NULL, related_name="checkins"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    # The pair and the handoff's reporting period, copied so counts survive the handoff.
    from_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    period = models.DateField()
    # Monday of the week it was created (org tz): the weekly cap counts these.
    week = models.DateField()
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handoff", "person"], name="handoff_checkin_once")
        ]
        indexes = [models.Index(fields=["person", "week"])]


class _Answer(models.Model):
    """The anonymous answer fields (no person, token, invitation or handoff)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    from_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    period = models.DateField()
    answered_on = models.DateField()  # day precision on purpose
    # Sender: "I handed over everything the next person needs" (1-5, NULL = skipped).
    handed = models.PositiveSmallIntegerField(null=True, blank=True)
    # Receiver: "I had the context I needed to act without asking" (1-5, NULL = skipped).
    context = models.PositiveSmallIntegerField(null=True, blank=True)
    # Receiver: "I had to chase for missing information".
    chased = models.CharField(max_length=8, choices=Chased.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        abstract = True


class PendingHandoffAnswer(_Answer):
    """An answer waiting for its shuffled batch of at least k (handoffs/flush.py)."""

    TENANT_FIELD = "organization"


class HandoffAnswer(_Answer):
    """One handoff check-in answer, by nobody in particular."""

    TENANT_FIELD = "organization"

    class Meta:
        indexes = [models.Index(fields=["organization", "period"])]


class HandoffPeopleKey(models.Model):
    """A keyed hash of (org, pair, period, side, person) for each person who answered, kept
    when a check-in window closes so k still counts distinct people, not answers."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    from_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    period = models.DateField()
    key = models.CharField(max_length=64, unique=True)


class HandoffInviteCount(models.Model):
    """What a closed check-in window keeps: invited / answered per pair, period and side."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    from_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    side = models.CharField(max_length=8, choices=Side.choices)
    period = models.DateField()
    invited = models.PositiveIntegerField(default=0)
    answered = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "from_team", "to_team", "side", "period"],
                name="handoff_invite_count_once",
            )
        ]


class ClosedHandoffLink(models.Model):
    """The hash of a link whose window closed, so it answers "expired" (410), not 404."""

    token_hash = models.CharField(max_length=64, unique=True)


class HandoffRelease(models.Model):
    """The pair figures of an org as last released (handoffs/releases.py): pages, the API and
    the result source read this row, never a per-request computation. Hidden pairs are stored
    without numbers."""

    TENANT_FIELD = "organization"

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="handoff_release"
    )
    released_at = models.DateTimeField()
    # JSON list of every pair and period of the org (decided on the whole tree).
    pairs = models.TextField(default="[]")
