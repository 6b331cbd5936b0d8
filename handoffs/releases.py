"""Publish the handoff pair figures as a release, checked against the org's release ledger.

Called when check-in windows close and answers are flushed (the hourly
`handoffs.dispatch_checkins`), after a work-item history scan, and by the demo. Pages, the
API and the result source read the stored release (`handoffs.selectors`), never a
per-request computation, so reading before and after one more answer gives the same figures
until the next release — and that release hides a pair (reason "ledger") when the answers
behind one of its figures, with every set of that figure released before, would leave a
group of 1 … k − 1 answers that some sum or difference isolates (`orgs.ledger.ledger_settle`,
the atom rule; docs/privacy.md).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from handoffs.figures import handoff_answers_frame, handoff_pair_figures, pair_label
from handoffs.models import HandoffRelease
from orgs.ledger import ledger_settle
from orgs.models import Organization
from orgs.models_ledger import LedgerSource
from trustmath.ledger import ID, SET

# The answers behind each figure of a pair: the sender score (its agree item), the receiver
# score and the gap's receiver half, and the chasing shares.
MEASURES = {
    "handoff:sender": "handed",
    "handoff:receiver": "context",
    "handoff:chase": "chased",
}
STORED = [
    "period",
    "from_team",
    "to_team",
    "suppressed",
    "reason",
    "senders",
    "receivers",
    "recorded",
    "count",
    "median_wait_days",
    "sender_score",
    "sender_fav_pct",
    "sender_answers",
    "receiver_score",
    "receiver_fav_pct",
    "receiver_answers",
    "chase_pct",
    "chase_several_pct",
    "gap",
]


def _members(answers: pd.DataFrame) -> pd.DataFrame:
    """(set, id, measure): set = "period|pair|measure", ids = the answers behind that figure."""
    parts = []
    for measure, col in MEASURES.items():
        a = answers[answers[col].notna() & (answers[col] != "")]
        if a.empty:
            continue
        labels = [
            f"{p}|{pair_label(f, t)}|{measure}"
            for p, f, t in zip(a["period"], a["from_team"], a["to_team"], strict=True)
        ]
        parts.append(pd.DataFrame({SET: labels, ID: a["id"].to_numpy(), "measure": measure}))
    if not parts:
        return pd.DataFrame({SET: [], ID: [], "measure": []})
    return pd.concat(parts, ignore_index=True)


def _shown(frame: pd.DataFrame) -> set[str]:
    """The set-label prefixes ("period|pair|") of the pairs the figures would show."""
    if frame.empty:
        return set()
    vis = frame[~frame["suppressed"].astype(bool)]
    return {f"{p}|{pr}|" for p, pr in zip(vis["period"], vis["pair"], strict=True)}


def _of(members: pd.DataFrame, prefixes: set[str]) -> pd.DataFrame:
    if members.empty or not prefixes:
        return members.iloc[0:0]
    head = members[SET].str.rsplit("|", n=1).str[0] + "|"
    return members[head.isin(prefixes)]


def _plain(v: Any) -> Any:
    if isinstance(v, dt.date):
        return v.isoformat()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    if hasattr(v, "item"):  # numpy scalars
        v = v.item()
    return None if isinstance(v, float) and pd.isna(v) else v


def handoff_pairs_publish(*, org: Organization) -> int:
    """Compute, check against the ledger and store the org's pair figures; pairs shown.

    Holds the org row lock between the ledger check and the record, so two publishers
    never both pass against the same history.
    """
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        answers = handoff_answers_frame(org)
        members = _members(answers)
        last: dict[str, pd.DataFrame] = {}

        def decide(labels: frozenset[str]) -> set[str]:
            forced: set[tuple[Any, str]] = set()
            for label in labels:
                period, pair, _m = str(label).split("|")
                forced.add((dt.date.fromisoformat(period), pair))
            last["f"] = handoff_pair_figures(org=org, answers=answers, forced=forced)
            return set(_of(members, _shown(last["f"]))[SET]) if not members.empty else set()

        ledger_settle(org=org, members=members, decide=decide, source=LedgerSource.HANDOFF)
        frame = last["f"]
        shown = _shown(frame)
        rows = [
            {c: _plain(r.get(c)) for c in STORED}
            for r in (frame.to_dict("records") if not frame.empty else [])
        ]
        HandoffRelease.objects.update_or_create(
            organization=org,
            defaults={"released_at": timezone.now(), "pairs": json.dumps(rows)},
        )
    return len(shown)
