"""Reads of handoffs: pair figures through disclosure control, for a viewer; the result source.

k is tested on each side of a pair separately, on distinct PEOPLE counted from the
invitation side (used check-ins, and the keyed hashes closed windows left), and decided on
the whole org's pairs before a viewer's filter: a leader then sees the pairs that involve
one of their teams. Only released answers (HandoffAnswer, written in batches) are read.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
from django.urls import reverse

from core.reasons import reason_text
from core.registry import ResultSource, SourceCell
from execution.derive import status_map, work_frames
from handoffs.flush import handoff_people_key
from handoffs.maths import KEYS, pair_figures
from handoffs.models import (
    HandoffAnswer,
    HandoffCheckIn,
    HandoffEvent,
    HandoffMatchReport,
    HandoffPeopleKey,
)
from orgs.disclosure import disclosure_cells
from orgs.models import RESULTS_ROLES, Organization
from orgs.periods import period_label, period_start
from orgs.tenancy import Tenant
from trustmath.handoffs import handoff_matrix

PLAYS_DIMENSION = "handoff_context"  # surveys/rubric/trust_infrastructure.yaml
PEOPLE = "people on each side who answered"
SOURCE_LABEL = "handoff check-ins"


def plays_url() -> str:
    """The rubric's plays for handoffs and context."""
    return reverse("surveys:rubric") + "#dim-" + PLAYS_DIMENSION


def _people(org: Organization) -> dict[tuple[Any, ...], int]:
    """(period, from_team, to_team, side) → distinct people who answered (invitation side)."""
    keys: dict[tuple[Any, ...], set[str]] = defaultdict(set)
    for f, t, side, period, key in HandoffPeopleKey.objects.filter(organization=org).values_list(
        "from_team_id", "to_team_id", "side", "period", "key"
    ):
        keys[(period, f, t, side)].add(key)
    live = HandoffCheckIn.objects.filter(
        organization=org, used=True, from_team__isnull=False, to_team__isnull=False
    ).values_list("from_team_id", "to_team_id", "side", "period", "person_id")
    for f, t, side, period, person in live:
        keys[(period, f, t, side)].add(
            handoff_people_key(
                org_id=org.pk, from_team=f, to_team=t, side=side, period=period, person_id=person
            )
        )
    return {k: len(v) for k, v in keys.items()}


def _answers(org: Organization) -> pd.DataFrame:
    rows = HandoffAnswer.objects.filter(
        organization=org, from_team__isnull=False, to_team__isnull=False
    ).values("period", "from_team_id", "to_team_id", "side", "handed", "context", "chased")
    frame = pd.DataFrame(
        list(rows),
        columns=["period", "from_team_id", "to_team_id", "side", "handed", "context", "chased"],
    )
    return frame.rename(columns={"from_team_id": "from_team", "to_team_id": "to_team"})


SYSTEM_COLUMNS = [*KEYS, "count", "median_wait_days"]


def _system_empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SYSTEM_COLUMNS})


def _system(org: Organization) -> pd.DataFrame:
    """The execution history's handoff count and median wait per pair and period."""
    items, events = work_frames(organization=org)
    cols = SYSTEM_COLUMNS
    if items.empty or events.empty:
        return _system_empty()
    m = handoff_matrix(
        items,
        events,
        tz=org.tz.key,
        period=org.reporting_period,
        status_map=status_map(organization=org),
    )
    m = m.dropna(subset=["from_team", "to_team"])
    m["period"] = pd.to_datetime(m["period"]).dt.date
    m["from_team"] = m["from_team"].astype(int)
    m["to_team"] = m["to_team"].astype(int)
    return m[cols]


def _recorded(org: Organization) -> dict[tuple[Any, ...], int]:
    """Handoff events stored (all sources) per (period, from_team, to_team)."""
    out: dict[tuple[Any, ...], int] = defaultdict(int)
    for at, f, t in HandoffEvent.objects.filter(organization=org).values_list(
        "at", "from_team_id", "to_team_id"
    ):
        day = at.astimezone(org.tz).date()
        out[(period_start(day, org.reporting_period), f, t)] += 1
    return out


def handoff_pair_figures(*, org: Organization, with_system: bool = True) -> pd.DataFrame:
    """Every pair and period of the org with its figures, decided by disclosure control;
    `with_system` adds the history's count and wait and the recorded events (more queries)."""
    people = _people(org)
    figures = pair_figures(_answers(org))
    system = _system(org) if with_system else _system_empty()
    recorded = _recorded(org) if with_system else {}
    keys = (
        {(p, f, t) for (p, f, t, _s) in people}
        | set(map(tuple, figures[KEYS].itertuples(index=False, name=None)))
        | set(map(tuple, system[KEYS].itertuples(index=False, name=None)))
        | set(recorded)
    )
    names = org.team_tree().names
    keys = {k for k in keys if k[1] in names and k[2] in names and k[1] != k[2]}
    base = pd.DataFrame(sorted(keys), columns=KEYS)
    if base.empty:
        return base.assign(suppressed=pd.Series(dtype=bool), reason=pd.Series(dtype=object))
    base["senders"] = [people.get((p, f, t, "sender"), 0) for p, f, t in keys_of(base)]
    base["receivers"] = [people.get((p, f, t, "receiver"), 0) for p, f, t in keys_of(base)]
    base["recorded"] = [recorded.get(k, 0) for k in keys_of(base)]
    base = base.merge(figures, on=KEYS, how="left").merge(system, on=KEYS, how="left")
    base["pair"] = base["from_team"].astype(str) + ">" + base["to_team"].astype(str)
    cells = pd.concat(
        [
            base.assign(measure="sender", team_id=base["from_team"], n=base["senders"]),
            base.assign(measure="receiver", team_id=base["to_team"], n=base["receivers"]),
        ]
    )[["period", "pair", "measure", "team_id", "n"]]
    cells["n_own"] = cells["n"]
    decided = disclosure_cells(
        org=org, cells=cells, by=["period", "pair"], flat=["sender", "receiver"]
    )
    hidden = decided[decided["suppressed"].astype(bool)]
    first_reason = hidden.groupby(["period", "pair"])["reason"].first()
    idx = pd.MultiIndex.from_frame(base[["period", "pair"]])
    base["suppressed"] = idx.isin(first_reason.index)
    base["reason"] = first_reason.reindex(idx).fillna("").to_numpy()
    figs = [
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
    base[figs] = base[figs].astype(float)
    base.loc[base["suppressed"], figs] = np.nan
    return base


def keys_of(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return list(frame[KEYS].itertuples(index=False, name=None))


def _num(v: Any) -> float | None:
    return None if v is None or pd.isna(v) else round(float(v), 1)


def handoff_pairs_for_viewer(
    *, tenant: Tenant, period: dt.date | None = None
) -> list[dict[str, Any]]:
    """The pairs the viewer may see (involving one of their teams; all for admins), decided on
    the whole org first; the largest gap first, hidden pairs last. Empty for other roles."""
    if not tenant.has_any_role(RESULTS_ROLES):
        return []
    org = tenant.org
    frame = handoff_pair_figures(org=org)
    if frame.empty:
        return []
    if period is not None:
        frame = frame[frame["period"] == period]
    visible = tenant.visible_team_ids()
    if visible is not None:
        frame = frame[frame["from_team"].isin(visible) | frame["to_team"].isin(visible)]
    names = org.team_tree().names
    plays = plays_url()
    out = []
    for r in frame.to_dict("records"):
        out.append(
            {
                "period": r["period"],
                "period_label": period_label(r["period"], org.reporting_period),
                "from_team": int(r["from_team"]),
                "to_team": int(r["to_team"]),
                "from_name": names.get(int(r["from_team"]), "?"),
                "to_name": names.get(int(r["to_team"]), "?"),
                "suppressed": bool(r["suppressed"]),
                "reason": reason_text(str(r["reason"]), k=org.k, answers=PEOPLE)
                if r["suppressed"]
                else "",
                "sender_score": _num(r["sender_score"]),
                "sender_fav_pct": _num(r["sender_fav_pct"]),
                "receiver_score": _num(r["receiver_score"]),
                "receiver_fav_pct": _num(r["receiver_fav_pct"]),
                "chase_pct": _num(r["chase_pct"]),
                "chase_several_pct": _num(r["chase_several_pct"]),
                "gap": _num(r["gap"]),
                "senders": None if r["suppressed"] else int(r["senders"]),
                "receivers": None if r["suppressed"] else int(r["receivers"]),
                "system_count": None if pd.isna(r["count"]) else int(r["count"]),
                "median_wait_days": _num(r["median_wait_days"]),
                "recorded": int(r["recorded"]),
                "plays_url": plays,
            }
        )
    out.sort(
        key=lambda p: (
            p["gap"] is None,
            -(p["gap"] or 0.0),
            -(p["system_count"] or 0),
            p["from_name"],
        )
    )
    return out


def handoff_unmatched(*, org: Organization) -> list[str]:
    """People of the last history scan that matched none of ours."""
    report = HandoffMatchReport.objects.filter(organization=org).first()
    return list(report.unmatched) if report else []


def handoff_source_cells(
    org: Organization, keys: list[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], SourceCell]:
    """A team's handoff figures as a result source: the receiver experience of the handoffs
    the team received, recomputed from the released (shown) pairs only, so it reveals nothing
    a hidden pair holds; team 0 = every shown pair of the org."""
    out: dict[tuple[int, dt.date], SourceCell] = {}
    # One query when the org has no answers: the results page reads this on every view.
    if not HandoffAnswer.objects.filter(organization=org).exists():
        return out
    frame = handoff_pair_figures(org=org, with_system=False)
    for team_id, period in keys:
        rows = frame[frame["period"] == period] if not frame.empty else frame
        if team_id and not rows.empty:
            rows = rows[rows["to_team"] == team_id]
        shown = rows[~rows["suppressed"].astype(bool)] if not rows.empty else rows
        shown = shown[shown["receiver_score"].notna()] if not shown.empty else shown
        if shown.empty:
            reason = "no shown handoff pair" if rows.empty else "every handoff pair is hidden"
            out[(team_id, period)] = SourceCell(
                payload={"source": SOURCE_LABEL, "suppressed": True, "reason": reason},
                suppressed=True,
                reason=reason,
            )
            continue
        w = shown["receiver_answers"].astype(float)
        score = float((shown["receiver_score"] * w).sum() / w.sum())
        gap = shown["gap"].dropna()
        payload = {
            "source": SOURCE_LABEL,
            "suppressed": False,
            "receiver_experience": round(score, 1),
            "mean_gap": round(float(gap.mean()), 1) if not gap.empty else None,
            "pairs": len(shown),
            "recomputed_from_shown_pairs": True,
        }
        out[(team_id, period)] = SourceCell(
            payload=payload,
            suppressed=False,
            score=round(score, 1),
            n=int(shown["receivers"].sum()),
        )
    return out


HANDOFF_SOURCE = ResultSource(
    field="handoff_checkins",
    dimension=PLAYS_DIMENSION,
    row_label=f"↳ had the context to act — source: {SOURCE_LABEL}",
    help_text="handoff_context from handoff check-ins (receivers' 'I had the context I needed',"
    " 0-100, recomputed from released pairs): a separate, labelled source; no numbers when"
    " suppressed",
    note=f"The “↳ … source: {SOURCE_LABEL}” row is the receivers' score for “I had the context "
    "I needed to act without asking” over the handoffs the team received (pairs released with "
    "k people on each side only); it is never averaged into the pulse score above it.",
    more_label="Handoff check-ins by team pair",
    more_url="handoffs:pairs",
    more_roles=frozenset(RESULTS_ROLES),
    cells=handoff_source_cells,
)
