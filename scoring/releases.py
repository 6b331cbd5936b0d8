"""Publish pulse results as a release: decide once on the whole org, check the ledger, store.

Called inside `snapshot_recompute` (which holds the org row lock) at a round's close, when
late buffered answers are added to a closed round, and when the team tree changed. Reads
(`scoring.selectors`) serve the org's latest release only and never recompute.

Publishing (docs/privacy.md, "Releases and the release ledger"):

1. every snapshot cell is decided by `scoring.disclosure.results_disclosure` on the whole
   tree (people counts, complementary suppression, composites), and trends whose previous
   cell is hidden are dropped;
2. `orgs.ledger.ledger_settle` takes the response-id set behind each cell that would be shown
   (the closed rounds' responses of the team's sub-tree in that period that answered the
   measure) to the release ledger's atom rule (no combination of released and new cells of
   a measure may isolate 1 … k − 1 people); refused cells are forced hidden and step 1 is
   re-run with them, so complementary suppression holds around them, until nothing new is
   refused; the sets finally shown are recorded;
3. the disclosed rows are stored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from core.registry import release_published
from orgs.ledger import (
    PreparedSettlement,
    ledger_settle_commit,
    ledger_settle_prepare,
    ledger_stamp,
)
from orgs.models import Organization, Team
from orgs.models_ledger import LedgerSource
from orgs.periods import previous_period
from scoring.disclosure import TRUST_MEASURE, results_disclosure
from scoring.models import DimensionSnapshot, TrustIndexSnapshot
from scoring.models_release import ResultRelease, ResultReleaseRow
from scoring.release_members import CELL, release_members_labelled
from trustmath.ledger import ID, ROUND, SET

# Snapshot columns that are keys or bookkeeping, never part of a released cell's payload.
_NOT_PAYLOAD = {
    "id",
    "organization_id",
    "team_id",
    "team_key",
    "period",
    "rubric_id",
    "n_own",
    "computed_at",
    "dimension_key",
    "measure",
    "suppressed",
    "reason",
    "forced",
}


def _snapshots(org: Organization) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every snapshot column of the org (generic: columns added later are released too)."""
    trust = pd.DataFrame(list(TrustIndexSnapshot.objects.filter(organization_id=org.pk).values()))
    dims = pd.DataFrame(list(DimensionSnapshot.objects.filter(organization_id=org.pk).values()))
    if not trust.empty:
        trust = trust.drop(columns=["team_id"]).rename(columns={"team_key": "team_id"})
    if not dims.empty:
        dims = dims.drop(columns=["team_id"]).rename(columns={"team_key": "team_id"})
    return trust, dims


def _hide_unsupported_trends(cells: pd.DataFrame, keys: list[str], kind: str) -> pd.DataFrame:
    """Drop the trend of a cell whose previous-period cell is hidden or not at hand.

    prev_score and delta would otherwise hand out the very number suppression hid.
    """
    if cells.empty:
        return cells
    prev_of = {p: previous_period(p, kind) for p in cells["period"].unique()}
    shown = cells.loc[~cells["suppressed"], [*keys, "period"]].assign(prev_ok=True)
    out = cells.assign(prev_period=cells["period"].map(prev_of)).merge(
        shown.rename(columns={"period": "prev_period"}), on=[*keys, "prev_period"], how="left"
    )
    ok = out["prev_ok"].fillna(False).astype(bool)
    for col in ["prev_score", "delta", "p_value", "p_adjusted"]:
        if col in out.columns:
            out[col] = out[col].astype(object).where(ok, None)
    for col in ["significant", "has_trend"]:
        if col in out.columns:
            out[col] = out[col].astype(bool) & ok
    return out.drop(columns=["prev_period", "prev_ok"])


def _labels(frame: pd.DataFrame) -> pd.Series:
    """One text label per cell key (the ledger's set label).

    Built once per distinct cell and spread by code: a members frame has one row per
    response and cell, but only a few thousand distinct cells.
    """
    if frame.empty:
        return pd.Series([], index=frame.index, dtype=object)
    cells = frame[CELL]
    codes = cells.groupby(CELL, sort=False, dropna=False).ngroup().to_numpy()
    first = cells.drop_duplicates()  # same order as the groups (sort=False: first seen)
    text = (
        first["period"].astype(str)
        + "|"
        + first["rubric_id"].astype(str)
        + "|"
        + first["team_id"].astype(str)
        + "|"
        + first["measure"].astype(str)
    ).to_numpy(dtype=object)
    return pd.Series(text[codes], index=frame.index, dtype=object)


def _decide(
    org: Organization, trust: pd.DataFrame, dims: pd.DataFrame, forced: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    t_keys = _labels(trust.assign(measure=TRUST_MEASURE))
    t_in = trust.assign(forced=t_keys.isin(forced).to_numpy())
    d_in = dims
    if not dims.empty:
        d_keys = _labels(dims.rename(columns={"dimension_key": "measure"}))
        d_in = dims.assign(forced=d_keys.isin(forced).to_numpy())
    t, d = results_disclosure(org=org, trust=t_in, dims=d_in)
    kind = org.reporting_period
    t = _hide_unsupported_trends(t, ["team_id", "rubric_id"], kind)
    d = _hide_unsupported_trends(d, ["team_id", "rubric_id", "dimension_key"], kind)
    return t, d


def _shown_labels(trust: pd.DataFrame, dims: pd.DataFrame) -> set[str]:
    shown = set(_labels(trust.loc[~trust["suppressed"]].assign(measure=TRUST_MEASURE)))
    if not dims.empty:
        d = dims.loc[~dims["suppressed"]].rename(columns={"dimension_key": "measure"})
        shown |= set(_labels(d))
    return shown


def _clean(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value.item() if isinstance(value, np.generic) else value


def _payload_columns(frame: pd.DataFrame) -> list[str]:
    """Every column of a disclosed snapshot frame that a shown cell carries."""
    return [c for c in frame.columns if c not in _NOT_PAYLOAD]


def _payloads(frame: pd.DataFrame, measure: pd.Series) -> pd.DataFrame:
    """(period, rubric_id, team_id, measure, payload) per cell: the reason code when hidden,
    else the values in `_payload_columns` order (no number is stored for a hidden cell)."""
    fields = _payload_columns(frame)
    values = frame[fields].to_numpy(dtype=object).tolist()
    sup = frame["suppressed"].to_numpy()
    reason = frame["reason"].to_numpy()
    payload = [
        str(r) if s else [_clean(v) for v in vals]
        for vals, s, r in zip(values, sup, reason, strict=True)  # cells of one release
    ]
    return pd.DataFrame(
        {
            "period": frame["period"].to_numpy(),
            "rubric_id": frame["rubric_id"].to_numpy(),
            "team_id": frame["team_id"].to_numpy(),
            "measure": measure.to_numpy(),
            "payload": payload,
        }
    )


@dataclass(frozen=True)
class PreparedRelease:
    """A release decided and built outside the write transaction (`results_release_prepare`):
    the ledger sets and rows to insert, and the stamp of everything the decision read."""

    stamp: tuple[object, ...]
    settlement: PreparedSettlement | None  # None: the org has no snapshots
    rows: list[ResultReleaseRow]  # their release is set when committed
    refused: int
    columns: str


def release_stamp(*, org_id: int) -> tuple[object, ...]:
    """What a prepared release depends on, cheaply: the org's k and period kind, its team
    tree, count and max id of both snapshot tables (a swap deletes and inserts; ids are
    never reused), and the ledger's count and max pk (another release or an ad-hoc filter
    recorded a set). Equal stamps: the decision made on them still holds."""
    org = (
        Organization.objects.filter(pk=org_id)
        .values_list("anonymity_k", "reporting_period")
        .first()
    )
    teams = tuple(
        Team.objects.filter(organization_id=org_id)
        .order_by("pk")
        .values_list("pk", "parent_id", "is_active")
    )
    snaps = tuple(
        tuple(
            model.objects.filter(organization_id=org_id)
            .aggregate(n=Count("pk"), m=Max("pk"))
            .values()
        )
        for model in (TrustIndexSnapshot, DimensionSnapshot)
    )
    return (org, hash(teams), snaps, ledger_stamp(org=Organization(pk=org_id)))


def results_release_prepare(
    *,
    org_id: int,
    members: pd.DataFrame | None = None,
    member_periods: set[dt.date] | None = None,
) -> PreparedRelease:
    """Decide and build the org's next release from its stored snapshots, writing nothing
    (outside any transaction: SQLite's write lock is not held while deciding, settling and
    fingerprinting). `results_release_commit` stores it, or publishes again in its write
    transaction if anything the preparation read has changed meanwhile."""
    stamp = release_stamp(org_id=org_id)  # first: a change after it moves the stamp
    org = Organization.objects.get(pk=org_id)  # its team tree as of the stamp or later
    return _release_prepare(org=org, stamp=stamp, members=members, member_periods=member_periods)


def results_release_commit(
    *,
    org: Organization,
    prepared: PreparedRelease,
    trigger: str,
    round_id: int | None = None,
    members: pd.DataFrame | None = None,
    member_periods: set[dt.date] | None = None,
) -> tuple[ResultRelease, bool]:
    """Store a prepared release (caller: in its write transaction, holding the org row
    lock); returns it and whether the preparation held. If the stamp moved (another
    recompute swapped snapshots, a set was recorded in the ledger, the tree or k changed),
    the release is decided again here, as `results_release_publish` does: slower, correct."""
    if release_stamp(org_id=org.pk) != prepared.stamp:
        return (
            results_release_publish(
                org=org,
                trigger=trigger,
                round_id=round_id,
                members=members,
                member_periods=member_periods,
            ),
            False,
        )
    return _release_store(org=org, prepared=prepared, trigger=trigger, round_id=round_id), True


def results_release_publish(
    *,
    org: Organization,
    trigger: str,
    round_id: int | None = None,
    members: pd.DataFrame | None = None,
    member_periods: set[dt.date] | None = None,
) -> ResultRelease:
    """Publish the org's pulse results as a new release (caller holds the org row lock).

    `members`: `release_members_labelled` of `member_periods`, loaded by the caller before its write
    transaction (the answer read is the slow part; scoring.services). Used when it covers
    every period with snapshots now, else loaded here.
    """
    prepared = _release_prepare(org=org, stamp=(), members=members, member_periods=member_periods)
    return _release_store(org=org, prepared=prepared, trigger=trigger, round_id=round_id)


def _release_prepare(
    *,
    org: Organization,
    stamp: tuple[object, ...],
    members: pd.DataFrame | None,
    member_periods: set[dt.date] | None,
) -> PreparedRelease:
    trust, dims = _snapshots(org)
    if trust.empty:
        return PreparedRelease(stamp=stamp, settlement=None, rows=[], refused=0, columns="")
    periods = sorted(set(trust["period"]))
    if members is None or member_periods is None or not set(periods) <= member_periods:
        members = release_members_labelled(org=org, periods=periods)
    else:
        members = members[members["period"].isin(periods)]
    members = members[[SET, ID, "measure", ROUND]]
    last: dict[str, pd.DataFrame] = {}

    def decide(forced: frozenset[str]) -> set[str]:
        last["t"], last["d"] = _decide(org, trust, dims, set(forced))
        return _shown_labels(last["t"], last["d"])

    settled = ledger_settle_prepare(
        org=org, members=members, decide=decide, source=LedgerSource.PULSE
    )
    t, d = last["t"], last["d"]
    parts = [_payloads(t, pd.Series(TRUST_MEASURE, index=t.index))]
    if not d.empty:
        parts.append(_payloads(d, d["dimension_key"]))
    cells = pd.concat(parts, ignore_index=True)
    rows = []
    for (period, rubric_id, team_id), grp in cells.groupby(
        ["period", "rubric_id", "team_id"], sort=True
    ):  # one stored row per (team, period, rubric)
        rows.append(
            ResultReleaseRow(
                team_key=int(team_id),
                period=period,
                rubric_id=int(rubric_id),
                cells=json.dumps(dict(zip(grp["measure"], grp["payload"], strict=True))),
            )
        )
    columns = json.dumps(
        {"trust": _payload_columns(t), "dimension": _payload_columns(d) if not d.empty else []}
    )
    return PreparedRelease(
        stamp=stamp,
        settlement=settled,
        rows=rows,
        refused=len(settled.settlement.refused),
        columns=columns,
    )


def _release_store(
    *, org: Organization, prepared: PreparedRelease, trigger: str, round_id: int | None
) -> ResultRelease:
    """The write of a release: its ledger sets, header and rows; older rows dropped."""
    release = ResultRelease.objects.create(
        organization_id=org.pk, released_at=timezone.now(), trigger=trigger, round_id=round_id
    )
    if prepared.settlement is not None:
        ledger_settle_commit(prepared=prepared.settlement)
        for row in prepared.rows:
            row.release = release
        ResultReleaseRow.objects.bulk_create(prepared.rows, batch_size=1000)
        release.rows = len(prepared.rows)
        release.refused = prepared.refused
        release.columns = prepared.columns
        release.save(update_fields=["rows", "refused", "columns"])
    _drop_older(org, release)
    transaction.on_commit(lambda: release_published.announce(org.pk))
    return release


def _drop_older(org: Organization, release: ResultRelease) -> None:
    """Only the latest release is ever read; older ones keep their header as history."""
    ResultReleaseRow.objects.filter(release__organization_id=org.pk).exclude(
        release=release
    ).delete()
