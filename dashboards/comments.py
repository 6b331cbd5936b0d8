"""Anonymous comments for leaders: only groups with at least `org.comment_threshold` people.

A group is a team with its sub-teams in one period. Whether it may show its comments is
decided on the org's whole team tree by `trustmath.disclosure.disclosure_decide` with the
comment threshold instead of k, on the *people* counts of `surveys.selectors_counts` (never
on the number of comments or responses): so a parent's comments minus its shown sub-teams'
comments are always the comments of 0 or at least comment-threshold people. Comments come
from closed rounds only, shuffled (never in submission order), dated to their period only
and never attributed to a sub-team.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pandas as pd

from core.errors import InvalidInput
from orgs.disclosure import disclosure_tree
from orgs.periods import period_label
from orgs.tenancy import Tenant
from scoring.selectors import reason_text
from surveys.models import Dimension, Response, RoundItem, RoundStatus
from surveys.selectors_counts import respondents_subtrees
from trustmath.disclosure import disclosure_decide
from trustmath.engine import ORG_ID
from trustmath.suppression import SuppressionInputError

MEASURE = "comments"


@dataclass(frozen=True)
class CommentGroup:
    period: dt.date
    period_label: str
    shown: bool
    reason: str
    comments: list[str] = field(default_factory=list)


@dataclass
class Comments:
    threshold: int
    team_id: int
    dimension: str
    dimensions: list[tuple[str, str]]
    groups: list[CommentGroup] = field(default_factory=list)
    periods: list[dt.date] = field(default_factory=list)


def _closed_periods(tenant: Tenant) -> list[dt.date]:
    return sorted(
        set(
            Response.objects.filter(organization=tenant.org, round__status=RoundStatus.CLOSED)
            .values_list("period", flat=True)
            .distinct()
        )
    )


def comment_groups_decide(
    *, tenant: Tenant, periods: list[dt.date]
) -> dict[tuple[dt.date, int], str]:
    """(period, team) → "" when the group's comments may be shown, else the reason code."""
    org = tenant.org
    counts = respondents_subtrees(org=org, periods=periods)
    parent_of = disclosure_tree(org=org)
    rows = []
    for period, (own, sub) in counts.items():
        for team in parent_of:
            rows.append(
                {
                    "period": period,
                    "team_id": team,
                    "measure": MEASURE,
                    "n": int(sub.get(team, 0)),
                    "n_own": 0 if team == ORG_ID else int(own.get(team, 0)),
                }
            )
    if not rows:
        return {}
    cells = pd.DataFrame(rows)
    try:
        decided = disclosure_decide(
            cells, k=org.comment_threshold, parent_of=parent_of, by=["period"]
        )
    except SuppressionInputError:
        # Counts that are not a partition of the tree (a mover counted in two teams):
        # fall back to the plain threshold on the distinct people of each sub-tree, and hide
        # every group whose parent is hidden, which only hides more.
        decided = cells.assign(
            suppressed=cells["n"] < org.comment_threshold,
            reason=["fewer_than_k" if n < org.comment_threshold else "" for n in cells["n"]],
        )
    return {
        (r["period"], int(r["team_id"])): ("" if not r["suppressed"] else str(r["reason"]))
        for r in decided.to_dict("records")
    }


def comments_for(
    *, tenant: Tenant, team_id: int, period: dt.date | None, dimension: str = ""
) -> Comments:
    """Comments of the team's sub-tree per period (or one period), groups under the threshold
    replaced by their reason; `dimension` keeps comments of rounds that asked it."""
    org = tenant.org
    kind = org.reporting_period
    dims = list(
        Dimension.objects.filter(rubric__rounds__organization=org)
        .values_list("key", "name")
        .distinct()
        .order_by("key")
    )
    known = dict(dims)
    dimension = (dimension or "").strip()
    if dimension and dimension not in known:
        msg = f"unknown dimension '{dimension[:60]}'"
        raise InvalidInput(msg, {"dimension": msg})
    out = Comments(
        threshold=org.comment_threshold,
        team_id=team_id,
        dimension=dimension,
        dimensions=sorted(dims, key=lambda d: d[1]),
    )
    out.periods = _closed_periods(tenant)
    wanted = [p for p in out.periods if period is None or p == period]
    if not wanted:
        return out
    decided = comment_groups_decide(tenant=tenant, periods=wanted)
    tree = org.team_tree()
    teams = set(tree.parent_of) if team_id == ORG_ID else tree.descendants([team_id])
    qs = Response.objects.filter(
        organization=org,
        round__status=RoundStatus.CLOSED,
        period__in=wanted,
        team_id__in=teams,
    ).exclude(comment="")
    if dimension:
        asked = RoundItem.objects.filter(
            round__organization=org, item__dimension__key=dimension
        ).values("round_id")
        qs = qs.filter(round_id__in=asked)
    texts: dict[dt.date, list[str]] = {}
    # Only the text and its period: never the team, the day or the id.
    for p, text in qs.values_list("period", "comment"):
        texts.setdefault(p, []).append(text)
    for p in sorted(wanted, reverse=True):
        code = decided.get((p, team_id), "no_responses")
        shown = code == ""
        comments = sorted(texts.get(p, [])) if shown else []
        # Shuffled with a seed of the group: the same page on reload, no submission order.
        random.Random(f"{org.pk}:{team_id}:{p}").shuffle(comments)
        out.groups.append(
            CommentGroup(
                period=p,
                period_label=period_label(p, kind),
                shown=shown,
                reason="" if shown else reason_text(code, out.threshold),
                comments=comments,
            )
        )
    return out
