"""The released follow-through figures of an org (workshops/releases.py), so pages, the
dashboard and the result source read stored figures, never a per-request computation.

One row per organization: the latest release. Hidden figures are stored without numbers.
Imported by workshops.models so Django registers it.
"""

from __future__ import annotations

from django.db import models


class FollowThroughRelease(models.Model):
    """The follow-through cells and team-answer summaries released for one org (JSON text)."""

    TENANT_FIELD = "organization"

    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    released_at = models.DateTimeField()
    figures = models.TextField()
