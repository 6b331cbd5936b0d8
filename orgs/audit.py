"""The audit log writer: services call audit_record() for every change worth tracing."""

from __future__ import annotations

from typing import Any

from django.db import models

from orgs.models import AuditEntry, Organization


def audit_record(
    *,
    organization: Organization,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; `actor` may be None for system work (Celery, commands)."""
    actor_id = (
        getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", True)
        else None
    )
    return AuditEntry.objects.create(
        organization=organization,
        actor_id=actor_id,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
    )
