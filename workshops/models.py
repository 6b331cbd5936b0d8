"""The workshop itself; polls live in models_polls.py, commitments in models_commitments.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from core.constants import K_FLOOR


class Workshop(models.Model):
    """One facilitated session of one team: prepared as a draft, run live, then followed up."""

    TENANT_FIELD = "organization"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        ENDED = "ended", "Ended"

    organization = models.ForeignKey("orgs.Organization", on_delete=models.CASCADE)
    team = models.ForeignKey("orgs.Team", on_delete=models.PROTECT, related_name="workshops")
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.DRAFT)
    # The agenda as edited by the facilitator: a list of {"kind", "title", "notes", ...} items.
    agenda = models.JSONField(default=list, blank=True)
    focus_dimensions = models.JSONField(default=list, blank=True)
    # Short join code for participants (no look-alike letters); unique among live workshops.
    join_code = models.CharField(max_length=12, blank=True, db_index=True)
    # Minimum answers before a poll's distribution is shown; never below K_FLOOR.
    anonymity_k = models.PositiveSmallIntegerField(default=K_FLOOR)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def k(self) -> int:
        """The poll threshold, floored whatever the database holds."""
        return max(K_FLOOR, self.anonymity_k)


from workshops import models_commitments  # noqa: E402,F401  (registers Commitment & co.)
from workshops.models_polls import LiveCode, Participant, Poll, Vote  # noqa: E402, F401
from workshops.models_release import FollowThroughRelease  # noqa: E402, F401
