"""The audit log: registered, namespaced action codes with display text, and the one writer.

Each app registers its codes in its own `audit_actions.py` (found by CoreConfig.ready), as
pretix's log actions do: `register_action("surveys.round.sent", "Pulse round sent")`.
Writing a code nobody registered raises, so a typo fails the first test that reaches it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import models

from core.models import AuditEntry

# <app>.<object>.<verb>, lowercase: the app part says who owns the code.
CODE_FORMAT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")


class UnregisteredAuditAction(LookupError):
    """An audit entry was written with a code no app registered."""


@dataclass(frozen=True)
class AuditAction:
    code: str
    text: str


_ACTIONS: dict[str, AuditAction] = {}
# Codes written before codes were registered ("round.create") → their registered action.
_LEGACY: dict[str, AuditAction] = {}


def register_action(code: str, text: str, *, legacy: tuple[str, ...] = ()) -> AuditAction:
    """Register one action code and its display text; `legacy` names the plain codes that
    older entries in the database carry for the same action, so they still display."""
    if not CODE_FORMAT.match(code):
        raise ValueError(f"audit action code {code!r} is not <app>.<object>.<verb>")
    action = AuditAction(code=code, text=text)
    known = _ACTIONS.get(code)
    if known is not None and known != action:
        raise ValueError(f"audit action {code!r} is already registered as {known.text!r}")
    _ACTIONS[code] = action
    for old in legacy:
        _LEGACY[old] = action
    return action


def registered_actions() -> dict[str, AuditAction]:
    return dict(_ACTIONS)


def action_text(code: str) -> str:
    """The display text of a code (registered or legacy); the code itself if unknown."""
    action = _ACTIONS.get(code) or _LEGACY.get(code)
    return action.text if action is not None else code


def audit_record(
    *,
    organization: models.Model,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry; `actor` may be None for system work (Celery, commands)."""
    if action not in _ACTIONS:
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
