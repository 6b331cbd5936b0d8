"""Live polls of a workshop: polls, anonymous participants (one per device), their votes."""

from __future__ import annotations

import uuid

from django.db import models


class Poll(models.Model):
    """One question put to the room; the facilitator opens, closes and reveals it."""

    TENANT_FIELD = "workshop__organization"

    class Kind(models.TextChoices):
        AGREE = "agree", "Agree scale (1–5)"
        CHOICE = "choice", "Multiple choice"
        RANK = "rank", "Rank the options"
        TEXT = "text", "Short text"
        MATRIX = "matrix", "Impact vs effort (2×2)"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        REVEALED = "revealed", "Revealed"

    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="polls"
    )
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    question = models.CharField(max_length=300)
    # Option labels (choice, rank, and the items placed on the 2×2); empty for agree/text.
    options = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    revealed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.question


class Participant(models.Model):
    """A device in the room: a random id in a signed cookie, no account, no name."""

    TENANT_FIELD = "workshop__organization"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workshop = models.ForeignKey(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="participants"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class Vote(models.Model):
    """A participant's answer to a poll; a second vote replaces the first (unique pair)."""

    TENANT_FIELD = "poll__workshop__organization"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    answer = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "participant"], name="one_vote_per_participant")
        ]


class LiveCode(models.Model):
    """The join code of a live workshop: the unique key makes codes unique among live
    workshops (a race between two go-lives fails on insert); deleted when the workshop ends."""

    code = models.CharField(max_length=12, unique=True)
    workshop = models.OneToOneField(
        "workshops.Workshop", on_delete=models.CASCADE, related_name="live_code"
    )
    created_at = models.DateTimeField(auto_now_add=True)


__all__ = ["LiveCode", "Participant", "Poll", "Vote"]
