"""Audit action codes: the registry of namespaced codes and their display text (no models).

Kept apart from core.audit (the writer) so the AuditEntry model can show its display text
without importing the module that imports the model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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


def is_registered(code: str) -> bool:
    return code in _ACTIONS


def action_text(code: str) -> str:
    """The display text of a code (registered or legacy); the code itself if unknown."""
    action = _ACTIONS.get(code) or _LEGACY.get(code)
    return action.text if action is not None else code
