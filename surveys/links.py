"""The pulse survey link: /s/#<token>, one per invitation, a core.links one-time link."""

from __future__ import annotations

from core.links import LinkKind
from surveys.models import Invitation

# A token identifies (round, person); "pulse" keeps it apart from every other kind of link.
PULSE_LINK: LinkKind[Invitation] = LinkKind(
    namespace="pulse",
    model=Invitation,
    view="surveys:open",
    parts=lambda inv: (inv.round_id, inv.person_id),
)
