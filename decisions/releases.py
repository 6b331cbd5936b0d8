"""Publish per-decision check-in figures as releases, checked against the org's release ledger.

Called when check-in windows close (the hourly `decisions.dispatch_due_checkins`, after
its flush) and by the scheduled metrics job (`decisions.recompute_decision_metrics`). Pages and the API read the stored
release (`decisions.metrics.decision_results`), never a per-request computation, so reading
before and after one more check-in answer gives the same figures until the next release —
and that release is refused, figure by figure, when a figure's set of answers differs from
one released before by 1 … k − 1 answers (reason "ledger"; docs/privacy.md).
"""

from __future__ import annotations

import json

import pandas as pd
from django.db import transaction
from django.utils import timezone

from decisions.checkins import org_offsets
from decisions.metrics import decision_figures
from decisions.models import CheckInInvitation, CheckInResponse, CheckInWindowCount
from decisions.models_release import DecisionResultsRelease
from orgs.ledger import ledger_check, ledger_record
from orgs.models import Organization
from orgs.models_ledger import LedgerSource
from trustmath import decision_metrics as dm
from trustmath.ledger import ID, ROUND, SET

MAX_PASSES = 4  # each pass only hides more (flat measures: one pass is enough in practice)


def _members(org: Organization, decision_ids: list[int]) -> pd.DataFrame:
    """(decision_id, measure, id): the check-in answers behind each per-decision figure.

    The answers count and the action/wait/circling shares cover every answer (those
    questions cannot be skipped); "still holding" only answers that rated it. The lag counts
    decisions, not answers, and is never shown for one decision, so it has no set.
    """
    rows = list(
        CheckInResponse.objects.filter(
            organization_id=org.pk, decision_id__in=decision_ids
        ).values_list("decision_id", "id", "holding", "offset_days")
    )
    base = pd.DataFrame(rows, columns=["decision_id", ID, "holding", "offset_days"])
    # Each answer's window when known (NaN for answers stored before it was kept).
    base[ROUND] = -(base["decision_id"] * 1000 + base["offset_days"].astype("float64"))
    parts = [
        base.assign(measure=m)
        for m in [dm.ANSWERS_MEASURE, *(s for s in dm.SHARES if s != "stability")]
    ]
    parts.append(base[base["holding"].notna()].assign(measure="stability"))
    out = pd.concat(parts, ignore_index=True)
    out[SET] = out["decision_id"].astype(str) + "|" + out["measure"]
    out["measure"] = "checkin:" + out["measure"]
    return out[[SET, ID, "measure", ROUND]]


def window_round_key(decision_id: int, offset_days: int) -> int:
    """The ledger's round key of one check-in window (a person answers it at most once)."""
    return -(int(decision_id) * 1000 + int(offset_days))


def decision_windows(*, org: Organization, decision_ids: list[int]) -> pd.DataFrame:
    """(decision_id, round): every window a decision's answers may come from — the org's
    offsets and any offset with invitations or closed-window counts (an upper bound on the
    windows, so the ledger's people bound ceil(d / r) is never too high)."""
    pairs = {(d, o) for d in decision_ids for o in org_offsets(org)}
    for model in (CheckInInvitation, CheckInWindowCount):
        pairs.update(
            model.objects.filter(organization=org, decision_id__in=decision_ids)
            .values_list("decision_id", "offset_days")
            .distinct()
        )
    return pd.DataFrame(
        [(d, window_round_key(d, o)) for d, o in sorted(pairs)], columns=["decision_id", ROUND]
    )


def _rounds(org: Organization, members: pd.DataFrame, decision_ids: list[int]) -> pd.DataFrame:
    """(set, round) of the per-decision sets: each set is fed by its decision's windows."""
    windows = decision_windows(org=org, decision_ids=decision_ids)
    labels = members[[SET]].drop_duplicates()
    labels = labels.assign(decision_id=labels[SET].str.split("|", n=1).str[0].astype("int64"))
    return labels.merge(windows, on="decision_id")[[SET, ROUND]]


def _shown(decided: pd.DataFrame) -> set[str]:
    vis = decided[~decided["suppressed"] & (decided["measure"] != dm.LAG_MEASURE)]
    return set(vis["decision_id"].astype(str) + "|" + vis["measure"].astype(str))


def decision_results_publish(*, org: Organization, decision_ids: list[int] | None = None) -> int:
    """Release the figures of ``decision_ids`` (default: every decision with answers).

    Returns how many decisions were released. Holds the org row lock between the ledger
    check and the record, so two publishers never both pass against the same history.
    """
    with transaction.atomic():
        Organization.objects.select_for_update(no_key=True).filter(pk=org.pk).first()
        ids = sorted(
            set(
                CheckInResponse.objects.filter(organization_id=org.pk).values_list(
                    "decision_id", flat=True
                )
            )
            if decision_ids is None
            else set(decision_ids)
        )
        if not ids:
            return 0
        members = _members(org, ids)
        rounds = _rounds(org, members, ids)
        forced: set[tuple[int, str]] = set()
        checked: set[str] = set()
        for _ in range(MAX_PASSES):
            figures, decided = decision_figures(org=org, decision_ids=ids, forced=forced)
            todo = _shown(decided) - checked
            if not todo:
                break
            verdict = ledger_check(org=org, members=members[members[SET].isin(todo)], rounds=rounds)
            checked |= todo
            refused = verdict.loc[verdict["refused"], SET]
            if refused.empty:
                break
            forced |= {(int(d), m) for d, m in (label.split("|", 1) for label in refused)}
        ledger_record(
            org=org,
            members=members[members[SET].isin(_shown(decided))],
            source=LedgerSource.CHECKIN,
            rounds=rounds,
        )
        now = timezone.now()
        for decision_id, figs in figures.items():  # one row per decision
            DecisionResultsRelease.objects.update_or_create(
                decision_id=decision_id,
                defaults={
                    "organization_id": org.pk,
                    "released_at": now,
                    "figures": json.dumps(figs, default=str),
                },
            )
    return len(figures)
