"""Per-decision check-in figures as released (at a check-in window's close or the scheduled
recompute), so pages and the API read stored figures, never a per-request computation.

One row per decision: the latest release. Hidden figures are stored without numbers.
Imported by decisions.models so Django registers it.
"""

from __future__ import annotations

from django.db import models


class DecisionResultsRelease(models.Model):
    """The released figures of one decision (JSON text of the read model's dict)."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    decision = models.OneToOneField(
        "decisions.Decision", on_delete=models.CASCADE, related_name="results_release"
    )
    released_at = models.DateTimeField()
    figures = models.TextField()
