"""Reads of the scoring app: k-anonymous results from the org's latest release, the one path every reader uses.

Every result leaves through `results_for_teams`, which builds the one typed read model the
results page and API both render. It reads the org's **latest release** only
(`scoring.releases`, published at a round's close, when late answers reach a closed round
and when the team tree changed): there every cell was decided on the org's *whole* team
tree (people counts, complementary suppression, composites follow their parts, trends
follow their previous cell) and checked against the release ledger, so a read never
recomputes and never decides anything; it only keeps the teams and periods the tenant may
see. Three queries (latest release, its rows, the dimension names) plus one per registered
result source, whatever the number of teams or periods; no per-row pandas. Suppressed
cells carry no numbers at all (they were stored without them).

`results_page` narrows a read to teams, periods, dimensions and one page (LIMIT/OFFSET in
SQL), so a reader builds only the rows it shows: the heatmap one period, the results page
one team, the API one page (cached per release by `scoring.api_results`).
"""

from __future__ import annotations

import datetime as dt
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from operator import itemgetter
from typing import Any

from core.reasons import reason_text as core_reason_text
from core.registry import result_sources
from orgs.models import Organization
from orgs.tenancy import Tenant
from scoring.disclosure import TRUST_MEASURE
from scoring.models_release import ResultRelease, ResultReleaseRow
from scoring.read_model import (
    DIM_FIELDS,
    REASON_TEXT,
    TRUST_CELL_FIELDS,
    TRUST_FIELDS,
    DimensionCell,
    DimensionMeta,
    ReleaseRef,
    ResultRow,
    ResultsPage,
    ResultsQuery,
    ResultTeam,
    TeamResults,
    TrustCell,
)
from surveys.models import Dimension
from trustmath.engine import ORG_ID

__all__ = [  # the read model's types live in scoring.read_model; readers import them here
    "DIM_FIELDS",
    "REASON_TEXT",
    "TRUST_CELL_FIELDS",
    "TRUST_FIELDS",
    "DimensionCell",
    "DimensionMeta",
    "ReleaseRef",
    "ResultRow",
    "ResultTeam",
    "ResultsPage",
    "ResultsQuery",
    "TeamResults",
    "TrustCell",
    "reason_text",
    "release_latest",
    "results_default_team",
    "results_for_teams",
    "results_page",
    "results_periods",
    "results_teams",
]


def reason_text(code: str | None, k: int) -> str:
    """A suppression reason code in words for people (core.reasons)."""
    return core_reason_text(code or "", k=k)


def _positions(columns: list[str], names: frozenset[str]) -> list[tuple[str, int]]:
    """(dataclass field, position in a stored cell's values) for the fields the release has."""
    return [(c, i) for i, c in enumerate(columns) if c in names]


def _tree(org: Organization) -> tuple[dict[int, int | None], dict[int, str]]:
    """The org's team tree with the whole organization (0) as its root, and team names."""
    tree = org.team_tree()
    parent_of: dict[int, int | None] = {t: (p or ORG_ID) for t, p in tree.parent_of.items()}
    parent_of[ORG_ID] = None  # the root, as suppress_tree expects
    names = dict(tree.names)
    names[ORG_ID] = f"{org.name} (whole organization)"
    return parent_of, names


def results_teams(*, tenant: Tenant) -> list[ResultTeam]:
    """Every team whose results `tenant` may see (0 = whole org first, then by name)."""
    parent_of, names = _tree(tenant.org)
    visible = tenant.visible_team_ids()
    allowed = set(names) if visible is None else {t for t in visible if t in parent_of}
    return [
        ResultTeam(team_id=t, name=names[t], parent_id=None if t == ORG_ID else parent_of[t])
        for t in sorted(allowed, key=lambda t: (t != ORG_ID, names[t].lower()))
    ]


def release_latest(*, org: Organization) -> ReleaseRef | None:
    """The org's latest results release, the only one reads serve (one query)."""
    found = (
        ResultRelease.objects.filter(organization_id=org.id)
        .order_by("-released_at", "-id")
        .values_list("id", "released_at", "columns")
        .first()
    )
    return None if found is None else ReleaseRef(*found)


def _cell_maker(cls: type[Any], columns: list[str]) -> Callable[[Any, dict[str, Any]], Any]:
    """A function (stored payload, extra fields) → a cell of `cls`, for one release's columns.

    The release stores a shown cell as its values in `columns` order and a hidden one as its
    reason code only. At 500 teams a read builds tens of thousands of cells, so a cell is
    made without the frozen dataclass's generated __init__ (one setattr per field) and its
    values picked with one itemgetter: the same fields and equality, every field the release
    does not carry at its declared default.
    """
    names = frozenset(f.name for f in fields(cls)) - {"suppressed", "reason", "key", "name"}
    where = _positions(columns, names)
    picked = [name for name, _ in where]
    getter = itemgetter(*[i for _, i in where]) if where else None
    defaults = {f.name: f.default for f in fields(cls)}
    shown = {**defaults, "suppressed": False}
    hidden = {**defaults, "suppressed": True}

    def make(payload: Any, extra: dict[str, Any]) -> Any:
        obj = object.__new__(cls)
        values = obj.__dict__
        if not isinstance(payload, list):
            values.update(hidden, **extra)
            values["reason"] = payload or None
        else:
            values.update(shown, **extra)
            if getter is not None:
                got = getter(payload)
                values.update(zip(picked, got if len(picked) > 1 else (got,), strict=True))
        return obj

    return make


def _dimension_order(dim_meta: list[DimensionMeta], keys: Iterable[str]) -> list[str]:
    """Rubric order, then any key the rubric does not know in the order it was stored."""
    known = [d.key for d in dim_meta]
    extra = [k for k in dict.fromkeys(keys) if k not in set(known) and k != TRUST_MEASURE]
    return known + extra


def results_for_teams(
    *,
    tenant: Tenant,
    team_ids: Iterable[int] | None = None,
    periods: Iterable[dt.date] | None = None,
) -> TeamResults:
    """k-anonymous results of the teams (0 = whole org) `tenant` may see, from snapshots.

    `teams` lists every team the tenant may see (for pickers); `rows` only those of
    `team_ids` (silently dropping ones the tenant may not see) when given;
    `periods` narrows to those periods (default: every period with snapshots). Each row also
    carries the cell of every registered result source (`core.registry.result_sources`).
    """
    query = ResultsQuery(
        team_ids=None if team_ids is None else [int(t) for t in team_ids],
        periods=None if periods is None else list(periods),
    )
    return results_page(tenant=tenant, query=query).results


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: at 500 teams a read creates ~100,000 objects
    (fetched rows, decoded cells, cells) that hold no cycles, and a collection every few
    hundred of them rescans the growing heap: more than half the read's time before."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def results_page(
    *,
    tenant: Tenant,
    query: ResultsQuery,
    release: ReleaseRef | None = None,
    sources: bool = True,
) -> ResultsPage:
    """`results_for_teams` narrowed by `query` (see `_results_page`); `sources=False` leaves
    the registered sources' cells out (a caller that reads them itself, live)."""
    with _gc_paused():
        return _results_page(tenant=tenant, query=query, release=release, sources=sources)


def _results_page(
    *, tenant: Tenant, query: ResultsQuery, release: ReleaseRef | None, sources: bool
) -> ResultsPage:
    """`results_for_teams` narrowed by `query`: dimensions, and one page of rows read with
    LIMIT/OFFSET in SQL, so a read builds only the rows it returns (+ one count and one
    DISTINCT period query when paged). `release`: the latest release if already read."""
    org = tenant.org
    k = org.k
    _, names = _tree(org)
    teams_out = results_teams(tenant=tenant)
    allowed = {t.team_id for t in teams_out}
    if query.team_ids is not None:
        allowed &= set(query.team_ids)

    wanted = None if query.periods is None else sorted(set(query.periods))
    registered = list(result_sources)
    empty = ResultsPage(
        results=TeamResults(k=k, teams=teams_out, periods=[], dimensions=[], sources=registered),
        count=0,
        periods=[],
    )
    release = release or release_latest(org=org)
    if release is None:
        return empty
    # The latest release only: decided on the whole tree and checked against the ledger when
    # it was published; here only the viewer's teams and periods are picked from it.
    stored_columns = json.loads(release.columns)
    trust_cell = _cell_maker(TrustCell, stored_columns.get("trust", []))
    dim_cell = _cell_maker(DimensionCell, stored_columns.get("dimension", []))
    qs = ResultReleaseRow.objects.filter(release_id=release.id)
    paged = query.limit is not None
    if paged or query.team_ids is not None or len(allowed) < len(names):
        qs = qs.filter(team_key__in=sorted(allowed))
    if wanted is not None:
        qs = qs.filter(period__in=wanted)
    qs = qs.order_by("team_key", "period", "rubric_id")
    if paged:
        count = qs.count()
        all_periods = sorted(qs.order_by("period").values_list("period", flat=True).distinct())
        lo = query.offset
        qs = qs[lo : lo + (query.limit or 0)]
    stored = [
        r for r in qs.values_list("team_key", "period", "rubric_id", "cells") if r[0] in allowed
    ]
    if not paged:
        count = len(stored)
        all_periods = sorted({r[1] for r in stored})
    if not stored:
        return ResultsPage(results=empty.results, count=count, periods=all_periods)
    # One json.loads for every row: the cells were stored as JSON text for this.
    decoded: list[dict[str, Any]] = json.loads("[" + ",".join(r[3] for r in stored) + "]")
    rubric_ids = sorted({int(r[2]) for r in stored})
    seen = list(
        Dimension.objects.filter(rubric_id__in=rubric_ids)
        .order_by("rubric_id", "position", "id")
        .values_list("key", "name")
    )
    dim_meta = list({key: DimensionMeta(key=key, name=name) for key, name in seen}.values())
    if query.dimensions is not None:
        dim_meta = [d for d in dim_meta if d.key in set(query.dimensions)]
    dim_names = {d.key: d.name for d in dim_meta}
    order = _dimension_order(dim_meta, (key for cells in decoded for key in cells))
    if query.dimensions is not None:
        order = [key for key in order if key in dim_names]
    keys = [(int(t), p, int(r)) for t, p, r, _ in stored]
    # Other apps' labelled sources for the same (team, period) cells: one call each.
    pairs = [(t, p) for t, p, _ in keys]
    found = {s.field: s.cells(org, pairs) for s in registered} if sources else {}
    rows = _rows(keys, decoded, names, order, dim_names, trust_cell, dim_cell, found)
    periods_out = sorted({r.period for r in rows})
    results = TeamResults(
        k=k,
        teams=teams_out,
        periods=periods_out,
        dimensions=dim_meta,
        rows=rows,
        sources=registered,
    )
    return ResultsPage(results=results, count=count, periods=all_periods)


def _rows(
    keys: list[tuple[int, dt.date, int]],
    decoded: list[dict[str, Any]],
    names: dict[int, str],
    order: list[str],
    dim_names: dict[str, str],
    trust_cell: Callable[[Any, dict[str, Any]], Any],
    dim_cell: Callable[[Any, dict[str, Any]], Any],
    found: dict[str, Any],
) -> list[ResultRow]:
    """The page's rows from their decoded cells (see `results_page`)."""
    return [
        ResultRow(
            team_id=team_id,
            team_name=names[team_id],
            period=period,
            rubric_id=rubric_id,
            trust_index=trust_cell(cells.get(TRUST_MEASURE), {}),
            dimensions=[
                dim_cell(cells[key], {"key": key, "name": dim_names.get(key, "")})
                for key in order
                if key in cells
            ],
            sources={f: got.get((team_id, period)) for f, got in found.items()},
        )
        for (team_id, period, rubric_id), cells in zip(keys, decoded, strict=True)
    ]


def results_periods(
    *, tenant: Tenant, team_ids: Iterable[int] | None = None, release: ReleaseRef | None = None
) -> list[dt.date]:
    """The periods of the latest release with a row of a team `tenant` may see (of `team_ids`
    when given): what a page offers to pick, without building any row (one DISTINCT query)."""
    org = tenant.org
    release = release or release_latest(org=org)
    if release is None:
        return []
    allowed = {t.team_id for t in results_teams(tenant=tenant)}
    if team_ids is not None:
        allowed &= {int(t) for t in team_ids}
    return sorted(
        ResultReleaseRow.objects.filter(release_id=release.id, team_key__in=sorted(allowed))
        .order_by("period")
        .values_list("period", flat=True)
        .distinct()
    )


def results_default_team(*, tenant: Tenant, teams: list[ResultTeam]) -> int | None:
    """The team the results page opens on: the viewer's own, not the alphabetically first.

    An admin sees the whole organization; a leader (else a facilitator) the highest team
    they lead (a department before its teams, then by name); an employee allowed to see
    results their own team. None when the viewer may see no team.
    """
    shown = {t.team_id for t in teams}
    if not shown:
        return None
    if tenant.is_admin and ORG_ID in shown:
        return ORG_ID
    tree = tenant.org.team_tree()
    for mine in (tenant.led_team_ids, tenant.facilitated_team_ids):
        candidates = [t for t in mine if t in shown]
        if candidates:
            return min(candidates, key=lambda t: (tree.depth(t), tree.names[t].casefold()))
    if tenant.own_team_id in shown:
        return tenant.own_team_id
    return teams[0].team_id
