"""What the dashboard app stores: which leader digests were sent (so a re-run never sends twice)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgs.models import Organization


class DigestSent(models.Model):
    """One digest to one user for one release (key: "release:<id>"), stamped when it was sent."""

    TENANT_FIELD = "organization"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=60)
    sent_at = models.DateTimeField(auto_now_add=True)
    # The decisions at risk this digest listed, so the next one can say which are new.
    at_risk_ids = models.JSONField(default=list, blank=True)
    # What the digest said, as a hash (dashboards.digest.digest_fingerprint): a release that
    # changes nothing this reader sees (a team renamed, late answers to hidden cells) is
    # stamped with it but not emailed again.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    emailed = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "key"], name="digest_sent_once")
        ]
