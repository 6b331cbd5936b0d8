"""Models every app shares: the audit log (its codes and their display text are in core.audit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from core.audit_codes import action_text


def _display(value: Any) -> str:
    """One change value as text: lists and dicts are spelled out, not shown as Python reprs."""
    if value is None:
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(_display(v) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_display(v)}" for k, v in value.items())
    return str(value)


class AuditEntry(models.Model):
    """Who changed what, when. Written by services through core.audit.audit_record only."""

    TENANT_FIELD = "organization"

    # By string, so core never imports orgs; the table keeps its name from when orgs owned it.
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "orgs_auditentry"
        ordering = ["-at"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"

    @property
    def action_text(self) -> str:
        """The registered display text of the action (the code itself if it has none)."""
        return action_text(self.action)

    @property
    def object_label(self) -> str:
        """ "Person #12" for "orgs.Person" and "12"; empty when the entry names no object."""
        name = self.object_type.rpartition(".")[2]
        return f"{name} #{self.object_id}" if self.object_id else name

    @property
    def change_list(self) -> list[tuple[str, str]]:
        """The changes as (key, text) pairs, for templates: a dict's own keys (one may be
        named `items`) must never meet the template engine's attribute lookup."""
        changes = self.changes if isinstance(self.changes, dict) else {"value": self.changes}
        return [(str(k), _display(v)) for k, v in changes.items()]


class OutboxTask(models.Model):
    """A Celery task still to publish (core/outbox.py): written in the transaction of the change
    that needs it, or after a publish failed; deleted once the broker took the message."""

    name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name}{tuple(self.args)} ({self.attempts} attempts)"
