"""Which pulse results may be released: trust index and dimension cells through orgs.disclosure.

The trust index and each dimension are separate measures with their own people counts, each
suppressed on the org's whole tree per (period, rubric); a dimension is never shown next to a
hidden trust index; and the trust index — a weighted mean of the cell's dimensions — is shown
only when every dimension it was computed from is shown (reason "part_hidden"), so the index
and the shown dimensions can never be solved for a hidden one.

k counts **people** (docs/privacy.md, "k counts people"), never responses: a person who
answered three rounds of a period is one respondent. The counts come from the invitation
side (`surveys.selectors_counts`), never from the answers:

- trust index, own people of a team: min(people who answered in the team, responses);
- a dimension, own people: at most the team's own people, and at least
  ceil(responses with that dimension / closed rounds of the period that asked it) — the
  lower bound is used, so several rounds per period can only hide more;
- the tree test (complementary suppression) sums these own counts up the tree, as it needs
  a partition; a person who answered in two teams (moved between rounds) is then counted
  in both. So every cell is also tested, and shown, on the **distinct** people of its whole
  sub-tree (`respondents_subtrees`): the n shown is that, never a sum that counts a mover
  twice, and a cell whose distinct people are fewer than k is hidden even if the sum is not.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from orgs.disclosure import disclosure_cells
from orgs.models import Organization
from surveys.models import Response, RoundItem, RoundStatus
from surveys.selectors_counts import respondents_subtrees
from trustmath.suppression import (
    REASON_FEWER_THAN_K,
    REASON_NO_RESPONSES,
    REASON_PART_HIDDEN,
    REASON_STALE,
    SuppressionInputError,
)

# The trust index as a measure; dimension keys are slugs, so this can never clash with one.
TRUST_MEASURE = "__trust_index__"
_BY = ["period", "rubric_id"]
_KEY = [*_BY, "team_id", "measure"]
ROOT = 0  # the whole organization in the snapshot frames

logger = logging.getLogger(__name__)


def _rounds_asking(org: Organization, periods: list) -> dict[tuple, int]:
    """(period, rubric id, team id, dimension key) → closed rounds that asked the dimension
    AND hold answers of the team's own members (two queries, one row per team and round).

    A person answers a round once, so a team's answers to a dimension over r such rounds are
    at least ceil(answers / r) people. Counting every closed round of the period in the org
    instead made a one-off round of another team halve every team's bound, hiding figures of
    8 people as "fewer than 5". Rounds are taken from the answers themselves (not the
    audience), so a team that moved since still counts every round it answered."""
    asked: dict[int, set[str]] = {}
    for round_id, key in (
        RoundItem.objects.filter(
            round__organization_id=org.pk,
            round__status=RoundStatus.CLOSED,
            round__period__in=periods,
        )
        .values_list("round_id", "item__dimension__key")
        .order_by()
        .distinct()
    ):
        asked.setdefault(round_id, set()).add(key)
    rows = (
        Response.objects.filter(
            organization_id=org.pk, period__in=periods, round__status=RoundStatus.CLOSED
        )
        .values_list("period", "round__rubric_id", "team_id", "round_id")
        .order_by()  # no default ordering in the SELECT DISTINCT: one row per team and round
        .distinct()
    )
    out: dict[tuple, int] = {}
    for period, rubric_id, team_id, round_id in rows:
        for key in asked.get(round_id, ()):
            cell = (period, rubric_id, team_id, key)
            out[cell] = out.get(cell, 0) + 1
    return out


def _people_counts(
    org: Organization, trust: pd.DataFrame, dims: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Replace the response counts by people: n_own/n for the tree test, `people` shown."""
    tree = org.team_tree()
    periods = sorted(set(trust["period"]))
    subtree = {t: tree.descendants([t]) for t in tree.parent_of}
    subtree[ROOT] = set(tree.parent_of)
    people = respondents_subtrees(org=org, periods=periods)
    own_people = {p: own for p, (own, _) in people.items()}
    distinct = {p: sub for p, (_, sub) in people.items()}

    def rollup(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
        own = {
            (*(row[k] for k in keys), row["team_id"]): row["n_own"]
            for row in frame[[*keys, "team_id", "n_own"]].to_dict("records")
        }
        return pd.Series(
            [
                sum(
                    own.get((*(row[k] for k in keys), s), 0)
                    for s in subtree.get(row["team_id"], ())
                )
                for row in frame[[*keys, "team_id"]].to_dict("records")
            ],
            index=frame.index,
            dtype="int64",
        )

    stored_fit = (rollup(trust, _BY) == trust["n"]).all() and (
        dims.empty or (rollup(dims, [*_BY, "dimension_key"]) == dims["n"]).all()
    )
    if not stored_fit:
        # The snapshots were computed on another tree (a team moved since): fail closed.
        raise SuppressionInputError("snapshots do not fit the current team tree")
    trust = trust.copy()
    trust["n_own"] = [
        0 if t == ROOT else min(int(n), own_people[p].get(t, 0))
        for t, p, n in zip(trust["team_id"], trust["period"], trust["n_own"], strict=True)
    ]
    trust["n"] = rollup(trust, _BY)
    trust["people"] = np.minimum(
        trust["n"],
        [distinct[p].get(t, 0) for t, p in zip(trust["team_id"], trust["period"], strict=True)],
    )
    if dims.empty:
        return trust, dims
    own_cap = {
        (r["period"], r["rubric_id"], r["team_id"]): r["n_own"]
        for r in trust[[*_BY, "team_id", "n_own"]].to_dict("records")
    }
    asked = _rounds_asking(org, periods)
    dims = dims.copy()
    dims["n_own"] = [
        0
        if r["team_id"] == ROOT
        else min(
            own_cap.get((r["period"], r["rubric_id"], r["team_id"]), 0),
            -(
                -int(r["n_own"])
                // max(
                    1,
                    asked.get((r["period"], r["rubric_id"], r["team_id"], r["dimension_key"]), 1),
                )
            ),
        )
        for r in dims[[*_BY, "team_id", "n_own", "dimension_key"]].to_dict("records")
    ]
    dims["n"] = rollup(dims, [*_BY, "dimension_key"])
    dims["people"] = np.minimum(
        dims["n"],
        [distinct[p].get(t, 0) for t, p in zip(dims["team_id"], dims["period"], strict=True)],
    )
    return trust, dims


def _distinct_guard(decided: pd.DataFrame, k: int) -> pd.DataFrame:
    """Hide a shown cell whose distinct people are under k, then let the rules follow it.

    Only hides more (always safe). A hidden trust index hides its cell's dimensions; a hidden
    dimension hides its trust index ("part_hidden"), as in trustmath.disclosure.
    """
    small = ~decided["suppressed"] & (decided["people"] < k)
    if not small.any():
        return decided
    out = decided.copy()
    out.loc[small, "reason"] = np.where(
        out.loc[small, "people"] == 0, REASON_NO_RESPONSES, REASON_FEWER_THAN_K
    )
    out.loc[small, "suppressed"] = True
    cell = [*_BY, "team_id"]
    is_trust = out["measure"] == TRUST_MEASURE
    base = out.loc[is_trust & small, [*cell, "reason"]].rename(columns={"reason": "_r"})
    hit = out[cell].merge(base, on=cell, how="left")["_r"].to_numpy()
    follow = (~is_trust).to_numpy() & pd.notna(hit) & ~out["suppressed"].to_numpy()
    out.loc[follow, "reason"] = hit[follow]
    out.loc[follow, "suppressed"] = True
    parts = out.loc[~is_trust & small & (out["n"] > 0), cell].drop_duplicates().assign(_h=True)
    hit2 = out[cell].merge(parts, on=cell, how="left")["_h"].fillna(False).astype(bool).to_numpy()
    comp = is_trust.to_numpy() & hit2 & ~out["suppressed"].to_numpy()
    out.loc[comp, "reason"] = REASON_PART_HIDDEN
    out.loc[comp, "suppressed"] = True
    return out


def results_disclosure(
    *, org: Organization, trust: pd.DataFrame, dims: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add `suppressed` and `reason` (a code of trustmath.suppression) to both snapshot frames.

    `trust`: one row per (team_id, period, rubric_id) with n, n_own (responses, as stored);
    `dims`: the same plus dimension_key. Both frames hold the whole org (every team), never a
    viewer's subset. On return `n` is the distinct people of the cell (see the module doc).
    """
    try:
        trust, dims = _people_counts(org, trust, dims)
    except SuppressionInputError:
        logger.warning("snapshots of org %s do not fit its team tree; awaiting recompute", org.pk)
        stale = {"suppressed": True, "reason": REASON_STALE}
        return trust.assign(**stale), (dims.assign(**stale) if not dims.empty else dims)
    cols = [*_BY, "team_id", "n", "n_own", "people"]
    # Cells the release ledger refused (scoring.releases) come in as a bool column "forced".
    if "forced" in trust.columns:
        cols.append("forced")
    long = [trust[cols].assign(measure=TRUST_MEASURE)]
    if not dims.empty:
        long.append(
            dims.reindex(columns=[*cols, "dimension_key"]).rename(
                columns={"dimension_key": "measure"}
            )
        )
    decided = disclosure_cells(
        org=org,
        cells=pd.concat(long, ignore_index=True),
        by=_BY,
        base=TRUST_MEASURE,
        composites={TRUST_MEASURE: None},
        forced="forced" if "forced" in cols else None,
    )
    decided = _distinct_guard(decided, org.k)[[*_KEY, "suppressed", "reason"]]
    trust = trust.assign(n=trust["people"]).drop(columns=["people", "forced"], errors="ignore")
    is_trust = decided["measure"] == TRUST_MEASURE
    trust_out = trust.merge(
        decided.loc[is_trust].drop(columns="measure"), on=[*_BY, "team_id"], how="left"
    )
    if dims.empty:
        return trust_out, dims
    dims = dims.assign(n=dims["people"]).drop(columns=["people", "forced"], errors="ignore")
    dims_out = dims.merge(
        decided.loc[~is_trust].rename(columns={"measure": "dimension_key"}),
        on=[*_BY, "team_id", "dimension_key"],
        how="left",
    )
    return trust_out, dims_out
