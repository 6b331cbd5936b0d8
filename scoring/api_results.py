"""The results API's body: JSON of the released read model, one page at a time, cached per release.

The pulse part of a page (its trust index and dimension cells, the teams and periods, the
count) changes only with a release, the team tree, the org's k or the reader's scope, so it
is kept in the "reads" cache under a key naming all of them: the latest release (id and time),
a digest of the team tree, k, the reader's visible teams and the normalised query. Nothing
needs purging: a new release is a new key. The registered result sources (decision
check-ins, handoffs, workshop follow-through) move without a release, so their cells are
read live for the page's rows on every request (one call per source, bounded by the page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.cache import caches
from rest_framework.utils.encoders import JSONEncoder

from core.registry import SourceCell, result_sources
from orgs.tenancy import Tenant
from scoring.selectors import (
    DIM_FIELDS,
    REASON_TEXT,
    TRUST_CELL_FIELDS,
    DimensionCell,
    ResultRow,
    ResultsQuery,
    TeamResults,
    TrustCell,
    release_latest,
    results_page,
)
from trustmath.stats import round_sig

RESULT_ROUNDING = 2  # two decimals: far below the width of any interval we show
CACHE_ALIAS = "reads"  # settings CACHES: shared by the web processes where configured
CACHE_SECONDS = 7 * 24 * 3600  # a bound only: the key changes with every release anyway
CACHE_VERSION = "2"  # bump when the cached body changes shape
DEFAULT_PAGE_SIZE = 200
MAX_PAGE_SIZE = 1000  # rows (team × period): ~0.6 MB of JSON at 8 dimensions


def _rounded(cell: dict[str, Any]) -> dict[str, Any]:
    # p-values to 3 significant figures: 2 decimals would print 0.05 next to "significant".
    return {
        k: (round_sig(v) if k in ("p_value", "p_adjusted") else round(v, RESULT_ROUNDING))
        if isinstance(v, float)
        else v
        for k, v in cell.items()
    }


def _cell_json(cell: TrustCell, fields: list[str]) -> dict[str, Any]:
    """A suppressed cell as its reason only; a visible one with its numbers, rounded."""
    if cell.suppressed:
        return {"suppressed": True, "reason": cell.reason}
    return _rounded({"suppressed": False, **{f: getattr(cell, f) for f in fields}})


def _dimension_json(cell: DimensionCell) -> dict[str, Any]:
    return {"key": cell.key, "name": cell.name, **_cell_json(cell, DIM_FIELDS)}


def _source_json(cell: SourceCell | None) -> dict[str, Any] | None:
    return None if cell is None else _rounded(cell.payload)


def _pulse_json(row: ResultRow) -> dict[str, Any]:
    return {
        "team_id": row.team_id,
        "team_name": row.team_name,
        "period": row.period.isoformat(),
        "trust_index": _cell_json(row.trust_index, TRUST_CELL_FIELDS),
        "dimensions": [_dimension_json(c) for c in row.dimensions],
    }


def _row_json(row: ResultRow) -> dict[str, Any]:
    return {
        **_pulse_json(row),
        **{name: _source_json(cell) for name, cell in row.sources.items()},
    }


def results_json(res: TeamResults) -> dict[str, Any]:
    """The results read model as the API's JSON (every row, no paging)."""
    return {
        "k": res.k,
        "reasons": REASON_TEXT,
        "teams": [
            {"team_id": t.team_id, "name": t.name, "parent_id": t.parent_id} for t in res.teams
        ],
        "periods": [p.isoformat() for p in res.periods],
        "results": [_row_json(r) for r in res.rows],
    }


def dumps(value: Any) -> str:
    """JSON as the API renders it (DRF's JSONRenderer: compact, UTF-8, no NaN)."""
    return json.dumps(
        value, cls=JSONEncoder, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


@dataclass(frozen=True)
class ResultsBody:
    """One page of the API's body, as JSON text; `team_ids` lets the view check the ids asked
    for, `count` says whether there is a next page."""

    text: str
    count: int
    team_ids: frozenset[int]

    def json(self) -> Any:
        return json.loads(self.text)


def _scope(tenant: Tenant) -> str:
    """Which teams the reader may see (admins: all), and a digest of the team tree (names,
    parents) and k: the teams list and every name in the body depend on them."""
    visible = tenant.visible_team_ids()
    teams = "all" if visible is None else ",".join(str(t) for t in sorted(visible))
    tree = tenant.org.team_tree()
    shape = sorted((t, p, tree.names.get(t, "")) for t, p in tree.parent_of.items())
    return hashlib.sha256(f"{teams}|{shape}|{tenant.org.k}".encode()).hexdigest()[:20]


def _query_key(query: ResultsQuery) -> str:
    teams = "*" if query.team_ids is None else ",".join(map(str, sorted(set(query.team_ids))))
    periods = (
        "*"
        if query.periods is None
        else ",".join(p.isoformat() for p in sorted(set(query.periods)))
    )
    dims = "*" if query.dimensions is None else ",".join(sorted(set(query.dimensions)))
    return f"{teams}|{periods}|{dims}|{query.offset}|{query.limit}"


def results_body(*, tenant: Tenant, query: ResultsQuery) -> ResultsBody:
    """The body of one results page: the cached pulse part + the sources' live cells."""
    org = tenant.org
    release = release_latest(org=org)
    key = None
    cached = None
    if release is not None:
        raw = f"{org.pk}|{release.stamp}|{_scope(tenant)}|{_query_key(query)}"
        key = f"results:v{CACHE_VERSION}:{org.pk}:" + hashlib.sha256(raw.encode()).hexdigest()
        cached = caches[CACHE_ALIAS].get(key)
    if cached is None:
        page = results_page(tenant=tenant, query=query, release=release, sources=False)
        res = page.results
        # Pre-serialised: a hit joins strings, it never walks or encodes the cells again.
        cached = {
            "head": dumps({"k": res.k, "reasons": REASON_TEXT, "count": page.count})[:-1],
            "count": page.count,
            "teams": dumps(
                [
                    {"team_id": t.team_id, "name": t.name, "parent_id": t.parent_id}
                    for t in res.teams
                ]
            ),
            "team_ids": [t.team_id for t in res.teams],
            "periods": dumps([p.isoformat() for p in page.periods]),
            "rows": [dumps(_pulse_json(r)) for r in res.rows],
            "keys": [(r.team_id, r.period) for r in res.rows],
        }
        if key is not None:
            caches[CACHE_ALIAS].set(key, cached, CACHE_SECONDS)
    keys: list[tuple[int, dt.date]] = cached["keys"]
    found = {s.field: s.cells(org, keys) for s in result_sources} if keys else {}
    rows = cached["rows"]
    if found:  # each row's object closed after its sources' cells (encoded live)
        rows = [
            row[:-1] + "," + dumps({f: _source_json(got.get(k)) for f, got in found.items()})[1:]
            for row, k in zip(rows, keys, strict=True)
        ]
    text = (
        f'{cached["head"]},"teams":{cached["teams"]},"periods":{cached["periods"]},'
        f'"results":[{",".join(rows)}]}}'
    )
    return ResultsBody(text=text, count=cached["count"], team_ids=frozenset(cached["team_ids"]))
