"""People counts for k: distinct people who answered closed rounds, per team and period.

The read paths test k on these, never on the number of responses (docs/privacy.md, "k
counts people"): a person who answers three rounds of a period is one respondent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count

from orgs.models import Organization
from surveys.models import PeriodRespondentCount, PeriodRespondentKey


def respondents_count(*, org: Organization, team_ids: Iterable[int], period: dt.date) -> int:
    """Distinct people who answered a closed round of `period` in any of `team_ids`.

    While the period is open (or has an open round) the keyed hashes are still there and
    the count is exact across the teams. Once the period is closed out only per-team counts
    remain; a person counted in two teams (they moved between two rounds) would then be
    counted twice in a union, so the org-wide overlap (sum of team counts minus distinct
    people in the org) is taken off: the result is a lower bound, exact when nobody moved,
    and a lower bound only ever hides more. Open rounds' answers are not counted: results
    are released from closed rounds only.
    """
    teams = sorted(set(team_ids))
    if not teams:
        return 0
    keys = PeriodRespondentKey.objects.filter(organization=org, period=period)
    if keys.exists():
        return keys.filter(team_id__in=teams).values("key").distinct().count()
    counts: dict[int, int] = {}
    everyone = 0
    for team_id, people in PeriodRespondentCount.objects.filter(
        organization=org, period=period
    ).values_list("team_id", "people"):
        if team_id is None:
            everyone = people
        else:
            counts[team_id] = people
    overlap = max(0, sum(counts.values()) - everyone)
    chosen = [counts.get(t, 0) for t in teams]
    return max(max(chosen), sum(chosen) - overlap)


def respondents_by_team(*, org: Organization, period: dt.date) -> dict[int, int]:
    """Distinct people who answered closed rounds of `period`, per team (own people only)."""
    keys = PeriodRespondentKey.objects.filter(organization=org, period=period)
    if keys.exists():
        return {
            row["team_id"]: row["n"]
            for row in keys.values("team_id").annotate(n=Count("id")).order_by()
        }
    return dict(
        PeriodRespondentCount.objects.filter(
            organization=org, period=period, team__isnull=False
        ).values_list("team_id", "people")
    )


def respondents_subtrees(
    *, org: Organization, periods: Iterable[dt.date]
) -> dict[dt.date, tuple[dict[int, int], dict[int, int]]]:
    """period → (team → own people, team (0 = whole org) → people of the team *and its
    sub-teams*), distinct people who answered closed rounds.

    Two queries for any number of periods. Own people are `respondents_by_team`'s. A person who answered in two teams of one
    sub-tree (they moved between two rounds) is one person of it: exact while the keyed
    hashes exist, afterwards the same lower bound as `respondents_count`.
    """
    wanted = sorted(set(periods))
    tree = org.team_tree()
    subtree = {t: tree.descendants([t]) for t in tree.parent_of}
    keys: dict[dt.date, dict[int, set[str]]] = {}
    for period, team_id, key in PeriodRespondentKey.objects.filter(
        organization=org, period__in=wanted
    ).values_list("period", "team_id", "key"):
        keys.setdefault(period, {}).setdefault(team_id, set()).add(key)
    counts: dict[dt.date, dict[int | None, int]] = {}
    for period, team_id, people in PeriodRespondentCount.objects.filter(
        organization=org, period__in=wanted
    ).values_list("period", "team_id", "people"):
        counts.setdefault(period, {})[team_id] = people
    out: dict[dt.date, tuple[dict[int, int], dict[int, int]]] = {}
    for period in wanted:
        own: dict[int, int]
        if period in keys:
            by_team = keys[period]
            own = {t: len(v) for t, v in by_team.items()}
            row = {
                t: len(set().union(*(by_team.get(s, set()) for s in sub)))
                for t, sub in subtree.items()
            }
            row[0] = len(set().union(*by_team.values()))
        else:
            per = counts.get(period, {})
            team_counts = {t: c for t, c in per.items() if t is not None}
            own = team_counts
            everyone = per.get(None, 0)
            overlap = max(0, sum(team_counts.values()) - everyone)
            row = {}
            for t, sub in subtree.items():
                chosen = [team_counts.get(s, 0) for s in sub]
                row[t] = max(max(chosen), sum(chosen) - overlap)
            row[0] = everyone
        out[period] = (own, row)
    return out
