"""The Django entry point of disclosure control: every read path of results decides through here.

It lives in `orgs` (not `scoring`) because both `scoring` and `decisions` must call it and
the layers contract lets neither import the other; `orgs` owns what the decision needs —
the org's k and its whole team tree. The rules are `trustmath.disclosure` (pure).

The signature takes an organization, never a viewer: the decision depends only on the whole
org's tree and counts. Callers drop the teams a viewer may not see *afterwards*.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence

import pandas as pd

from orgs.ledger import (
    disclosure_check_adhoc,
    disclosure_check_adhoc_sets,
    ledger_check,
    ledger_ids,
    ledger_record,
    ledger_released_ids,
)
from orgs.models import Organization
from trustmath.disclosure import disclosure_decide
from trustmath.suppression import REASON_STALE, SuppressionInputError

__all__ = [
    "ROOT_ID",
    "disclosure_cells",
    "disclosure_check_adhoc",
    "disclosure_check_adhoc_sets",
    "disclosure_tree",
    "ledger_check",
    "ledger_ids",
    "ledger_record",
    "ledger_released_ids",
]

ROOT_ID = 0  # the whole organization in every result frame

logger = logging.getLogger(__name__)


def disclosure_tree(*, org: Organization) -> dict[int, int | None]:
    """The org's whole team tree (inactive teams too) with the organization 0 as its root."""
    parent_of: dict[int, int | None] = {
        t: (p or ROOT_ID) for t, p in org.team_tree().parent_of.items()
    }
    parent_of[ROOT_ID] = None
    return parent_of


def disclosure_cells(
    *,
    org: Organization,
    cells: pd.DataFrame,
    by: Sequence[str],
    base: str | None = None,
    composites: Mapping[str, Collection[str] | None] | None = None,
    flat: Collection[str] = (),
    forced: str | None = None,
) -> pd.DataFrame:
    """`trustmath.disclosure.disclosure_decide` on the org's whole tree with the org's k.

    Fails closed: counts that no longer fit the team tree (a team moved or was deleted
    since the figures were computed) hide every row with reason "stale" until recomputed.
    The recompute is queued by the write that changed the tree; a read never queues work.
    ``forced`` names a bool column of cells the release ledger refused (`orgs.ledger`).
    """
    try:
        return disclosure_decide(
            cells,
            k=org.k,
            parent_of=disclosure_tree(org=org),
            by=by,
            base=base,
            composites=composites,
            flat=flat,
            forced=forced,
        )
    except SuppressionInputError:
        logger.warning("figures of org %s do not fit its team tree; awaiting recompute", org.pk)
        return cells.assign(suppressed=True, reason=REASON_STALE)
