"""Releases: the disclosed pulse results as published at a round's close, the only thing reads serve.

A `ResultRelease` is one publication for one org (when, and what triggered it); its
`ResultReleaseRow`s are the read model exactly as the results page and API show it, one
row per (team, period, rubric) with every measure's disclosed cell in `cells` (JSON text:
measure → the reason code when hidden, else the values in the release's `columns` order). Reads take the org's
latest release and never recompute; a suppressed cell carries no number, so nothing hidden
is stored here either. Imported by scoring.models so Django registers it.
"""

from __future__ import annotations

from django.db import models


class ReleaseTrigger(models.TextChoices):
    ROUND_CLOSE = "round_close", "A round closed"
    LATE_ANSWERS = "late_answers", "Late answers of a closed round were added"
    TEAMS_CHANGED = "teams_changed", "The team tree changed"
    RECOMPUTE = "recompute", "Full recompute"


class ResultRelease(models.Model):
    """One publication of an org's pulse results."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    released_at = models.DateTimeField()
    trigger = models.CharField(max_length=20, choices=ReleaseTrigger.choices)
    round_id = models.PositiveBigIntegerField(null=True, blank=True, help_text="the round, if any")
    rows = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0, help_text="cells the ledger refused")
    # JSON: {"trust": [column, …], "dimension": [column, …]}, the order of a shown cell's
    # values in its rows (names once per release, not once per cell: smaller, faster reads).
    columns = models.TextField(default="{}")

    class Meta:
        indexes = [models.Index(fields=["organization", "-released_at"])]


class ResultReleaseRow(models.Model):
    """The disclosed cells of one (team, period, rubric) in one release."""

    TENANT_FIELD = "release__organization"

    release = models.ForeignKey(ResultRelease, on_delete=models.CASCADE, related_name="+")
    team_key = models.PositiveBigIntegerField(help_text="team id, 0 = whole organization")
    period = models.DateField()
    rubric_id = models.PositiveBigIntegerField()
    # JSON text, not a JSONField: a read decodes all rows in one json.loads call.
    # {measure: reason code (hidden) | [values in the release's column order] (shown)}.
    cells = models.TextField()

    class Meta:
        indexes = [models.Index(fields=["release", "period", "team_key"])]
