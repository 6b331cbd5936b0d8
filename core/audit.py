"""The audit log: registered, namespaced action codes with display text, and the one writer.

Each app registers its codes in its own `audit_actions.py` (found by CoreConfig.ready), as
pretix's log actions do: `register_action("surveys.round.sent", "Pulse round sent")`.
Writing a code nobody registered raises, so a typo fails the first test that reaches it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from core.audit_codes import (
    AuditAction,
    UnregisteredAuditAction,
    action_text,
    is_registered,
    register_action,
    registered_actions,
)
from core.models import AuditEntry

__all__ = [
    "AuditAction",
    "UnregisteredAuditAction",
    "action_text",
    "audit_record",
    "register_action",
    "registered_actions",
]


def audit_record(
    *,
    organization: models.Model,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; `actor` may be None for system work (Celery, commands)."""
    if not is_registered(action):
        raise UnregisteredAuditAction(
            f"audit action {action!r} is not registered; add it to the app's audit_actions.py"
        )
    actor_id = (
        getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", True)
        else None
    )
    return AuditEntry.objects.create(
        organization_id=organization.pk,
        actor_id=actor_id,
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        changes=changes or {},
    )
