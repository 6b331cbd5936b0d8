"""Publish the handoff pair figures of closed periods, once each, checked against the release ledger.

Called hourly (`handoffs.dispatch_checkins`), after a work-item history scan, and by the demo.
A period's pairs are computed only once the period is closed (handoffs/closing.py: no answer
about its handoffs can arrive any more) and are then stored *final*: later releases copy
them verbatim, so each (pair, period, side) set of answers is released once and never grows,
and no difference between two releases of it exists (a person may answer several handoffs
of one pair; Known gaps 12 in docs/privacy.md). A late answer changes nothing anyone sees.
The first release still goes through `orgs.ledger.ledger_settle` (the atom rule, reason
"ledger"), which refuses a set differing from one released before this rule.
Pages, the API and the result source read the stored release (`handoffs.selectors`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from django.utils import timezone

from core.db import write_transaction_run
from handoffs.closing import handoff_open_windows, handoff_period_closed
from handoffs.figures import handoff_answers_frame, handoff_pair_figures, pair_label
from handoffs.flush import handoff_answers_flush
from handoffs.maths import FIGURES
from handoffs.models import HandoffRelease, PendingHandoffAnswer
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
    *FIGURES,
    "final",
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


def _released_rows(org: Organization) -> list[dict[str, Any]]:
    """The stored rows of the org's last release (JSON-plain)."""
    found = HandoffRelease.objects.filter(organization=org).values_list("pairs", flat=True).first()
    return list(json.loads(found)) if found else []


def handoff_pairs_publish(*, org: Organization, now: dt.datetime | None = None) -> int:
    """Release the pairs of the org's newly closed periods (final rows of earlier releases are
    kept verbatim); returns the pairs shown in the stored release.

    Holds the org row lock between the ledger check and the record, so two publishers
    never both pass against the same history.
    """
    now = now or timezone.now()

    # Run again while SQLite refuses the write as "locked" (core/db.py): at `make run` start
    # this task met the digest and warm-up tasks and failed with "database is locked".
    def publish() -> int:
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        kept = [r for r in _released_rows(org) if r.get("final")]
        final = {dt.date.fromisoformat(str(r["period"])) for r in kept}
        open_windows = handoff_open_windows(org=org, now=now)

        def closed(period: dt.date) -> bool:
            return period not in final and handoff_period_closed(
                org=org, period=period, now=now, open_windows=open_windows
            )

        # A closed period's buffered answers are final (no link of it can add one): out now.
        waiting = set(
            PendingHandoffAnswer.objects.filter(organization=org).values_list("period", flat=True)
        )
        if any(closed(p) for p in waiting):
            handoff_answers_flush(
                org=org, force=True, now=now, periods={p for p in waiting if closed(p)}
            )
        answers = handoff_answers_frame(org)
        if not answers.empty:
            answers = answers[[closed(p) for p in answers["period"]]]
        members = _members(answers)
        last: dict[str, pd.DataFrame] = {}

        def decide(labels: frozenset[str]) -> set[str]:
            forced: set[tuple[Any, str]] = set()
            for label in labels:
                period, pair, _m = str(label).split("|")
                forced.add((dt.date.fromisoformat(period), pair))
            f = handoff_pair_figures(org=org, answers=answers, forced=forced)
            if not f.empty:  # an open (or already released) period: no row, no number
                f = f[[closed(p) for p in f["period"]]]
            last["f"] = f
            return set(_of(members, _shown(f))[SET]) if not members.empty else set()

        ledger_settle(org=org, members=members, decide=decide, source=LedgerSource.HANDOFF)
        frame = last["f"]
        rows = [
            {c: _plain(r.get(c)) for c in STORED} | {"final": True}
            for r in (frame.to_dict("records") if not frame.empty else [])
        ]
        rows = kept + rows
        HandoffRelease.objects.update_or_create(
            organization=org,
            defaults={"released_at": now, "pairs": json.dumps(rows)},
        )
        return sum(1 for r in rows if not r["suppressed"])

    return write_transaction_run(publish)
