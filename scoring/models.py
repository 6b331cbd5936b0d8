"""Score snapshots: the engine's results stored per org, team, period (and dimension) for fast reads.

Dashboards and the results API read only these tables, never raw answers. Rows are
replaced as a whole per (organization, period) by `scoring.services.snapshot_recompute`.
`team_key` is the team id or 0 for the whole organization (team NULL), so the uniqueness
constraint works the same on SQLite and PostgreSQL (NULLs are distinct in UNIQUE).
"""

from __future__ import annotations

from django.db import models

from orgs.models import Organization, Team
from surveys.models import RubricVersion


class SnapshotBase(models.Model):
    """Fields every snapshot row shares: who, when, how many, and the trend vs last period."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team_key = models.PositiveBigIntegerField(help_text="team id, 0 = whole organization")
    period = models.DateField()
    rubric = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="+")
    n = models.PositiveIntegerField(help_text="respondents in the team and all its sub-teams")
    n_own = models.PositiveIntegerField(help_text="respondents attached to this team itself")
    score = models.FloatField()
    prev_score = models.FloatField(null=True, blank=True)
    delta = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    significant = models.BooleanField(default=False)
    has_trend = models.BooleanField(default=False)
    # Like-for-like trend (trustmath/trends.py): False when the two periods share no item,
    # then there is no delta and no p. p_adjusted: Benjamini–Hochberg across the period's
    # trend tests; `significant` is p_adjusted < 0.05.
    comparable = models.BooleanField(default=False)
    p_adjusted = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True


class TrustIndexSnapshot(SnapshotBase):
    """Trust index of one team (or the org) in one period: weighted mean of dimension scores."""

    dimensions = models.PositiveSmallIntegerField(help_text="dimensions with answers")
    band = models.CharField(max_length=60, blank=True, help_text="maturity band of the index")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team_key", "period", "rubric"],
                name="trust_snapshot_unique",
            )
        ]
        indexes = [models.Index(fields=["organization", "period"])]


class DimensionSnapshot(SnapshotBase):
    """One dimension of one team (or the org) in one period, with its uncertainty."""

    dimension_key = models.SlugField(max_length=60)
    sd = models.FloatField(null=True, blank=True)
    ci_low = models.FloatField(null=True, blank=True)
    ci_high = models.FloatField(null=True, blank=True)
    has_ci = models.BooleanField(default=False)
    answers = models.PositiveIntegerField(help_text="item answers behind favourable %")
    favourable = models.PositiveIntegerField()
    favourable_pct = models.FloatField()
    favourable_low = models.FloatField()
    favourable_high = models.FloatField()
    band = models.CharField(max_length=60, blank=True)
    shared_items = models.PositiveSmallIntegerField(
        default=0, help_text="items asked in both this and the previous period (the trend's base)"
    )
    # The favourable interval counts each respondent as a cluster (trustmath.stats.
    # clustered_wilson): this is the effective number of independent answers it rests on.
    favourable_n_eff = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "team_key", "period", "rubric", "dimension_key"],
                name="dimension_snapshot_unique",
            )
        ]
        indexes = [models.Index(fields=["organization", "period"])]


from scoring.models_release import (  # noqa: E402,F401  (registered here)
    ReleaseTrigger,
    ResultRelease,
    ResultReleaseRow,
)
