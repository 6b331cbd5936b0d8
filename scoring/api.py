"""Results API: k-anonymous team × period × dimension results and trust index, from snapshots."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import InvalidInput
from core.registry import SourceCell, result_sources
from orgs.periods import period_label, period_start
from orgs.tenancy import Tenant, get_tenant
from scoring.selectors import (
    DIM_FIELDS,
    REASON_TEXT,
    TRUST_CELL_FIELDS,
    DimensionCell,
    ResultRow,
    TeamResults,
    TrustCell,
    results_for_teams,
)
from trustmath.stats import round_sig


def _num() -> serializers.FloatField:
    """An optional number: absent on suppressed cells, null where there is no value."""
    return serializers.FloatField(allow_null=True, required=False)


def _cell_fields() -> dict[str, serializers.Field]:
    """Fresh field instances (a serializer binds its fields, so they are never shared)."""
    return {
        "suppressed": serializers.BooleanField(),
        "reason": serializers.CharField(
            required=False, help_text="only when suppressed: fewer_than_k | complementary | stale"
        ),
        "n": serializers.IntegerField(
            required=False,
            help_text="only when shown: distinct people who answered (closed rounds), not "
            "responses; a dimension's is a lower bound when its period had several rounds",
        ),
        "score": _num(),
        "ci_low": _num(),
        "ci_high": _num(),
        "has_ci": serializers.BooleanField(required=False),
        "sd": _num(),
        "favourable_pct": _num(),
        "favourable_low": _num(),
        "favourable_high": _num(),
        "band": serializers.CharField(required=False),
        "prev_score": _num(),
        "delta": _num(),
        "p_value": _num(),
        "significant": serializers.BooleanField(required=False),
        "has_trend": serializers.BooleanField(required=False),
        "comparable": serializers.BooleanField(
            required=False,
            help_text="the trend is measured on statements both periods asked (like for like); "
            "false: no shared statement, so no delta and no p",
        ),
        "p_adjusted": serializers.FloatField(
            allow_null=True,
            required=False,
            help_text="Benjamini–Hochberg adjusted p across the period's trend tests; "
            "significant = p_adjusted < 0.05",
        ),
    }


CellOut = inline_serializer("ResultCell", _cell_fields())
DimensionCellOut = inline_serializer(
    "DimensionResultCell",
    {
        "key": serializers.CharField(help_text="rubric dimension key"),
        "name": serializers.CharField(),
        **_cell_fields(),
        "shared_items": serializers.IntegerField(
            required=False, help_text="statements asked in both periods: the trend's base"
        ),
        "favourable_n_eff": serializers.FloatField(
            allow_null=True,
            required=False,
            help_text="effective independent answers behind the favourable interval "
            "(each respondent is a cluster)",
        ),
    },
)
ResultsOut = inline_serializer(
    "TeamResults",
    {
        "k": serializers.IntegerField(help_text="minimum group size of the organization"),
        "reasons": serializers.DictField(
            child=serializers.CharField(), help_text="reason code → text for people"
        ),
        "teams": inline_serializer(
            "ResultTeam",
            {
                "team_id": serializers.IntegerField(help_text="0 = whole organization"),
                "name": serializers.CharField(),
                "parent_id": serializers.IntegerField(allow_null=True),
            },
            many=True,
        ),
        "periods": serializers.ListField(child=serializers.DateField()),
        "results": inline_serializer(
            "TeamPeriodResult",
            {
                "team_id": serializers.IntegerField(),
                "team_name": serializers.CharField(),
                "period": serializers.DateField(),
                "trust_index": CellOut,
                "dimensions": serializers.ListField(child=DimensionCellOut),
                # One field per registered result source: this module is imported with the
                # URLs, after every app's ready() has registered its sources.
                **{
                    source.field: serializers.DictField(allow_null=True, help_text=source.help_text)
                    for source in result_sources
                },
            },
            many=True,
        ),
    },
)

T = TypeVar("T")

RESULT_ROUNDING = 2  # two decimals: far below the width of any interval we show


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


def _row_json(row: ResultRow) -> dict[str, Any]:
    return {
        "team_id": row.team_id,
        "team_name": row.team_name,
        "period": row.period.isoformat(),
        "trust_index": _cell_json(row.trust_index, TRUST_CELL_FIELDS),
        "dimensions": [_dimension_json(c) for c in row.dimensions],
        **{name: _source_json(cell) for name, cell in row.sources.items()},
    }


def results_json(res: TeamResults) -> dict[str, Any]:
    """The results read model as the API's JSON."""
    return {
        "k": res.k,
        "reasons": REASON_TEXT,
        "teams": [
            {"team_id": t.team_id, "name": t.name, "parent_id": t.parent_id} for t in res.teams
        ],
        "periods": [p.isoformat() for p in res.periods],
        "results": [_row_json(r) for r in res.rows],
    }


def results_tenant(request: Any) -> Tenant:
    """The tenant of a results reader, or 403 when they may see no team at all."""
    tenant = get_tenant(request)
    if tenant is None:
        raise PermissionDenied("You are not a member of any organization.")
    visible = tenant.visible_team_ids()
    if visible is not None and not visible:
        raise PermissionDenied("Your role does not let you see team results.")
    return tenant


TEAM_ERROR = "team ids must be integers (0 = whole organization)"
_LABEL_EXAMPLE = {"month": "2026-11", "week": "2026-W47", "fortnight": "2026-W46/47"}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LABEL = re.compile(r"(\d{4})-(?:(\d{2})|W(\d{2})(?:/\d{2})?)")


def team_ids_parse(raw: list[str]) -> list[int] | None:
    """The `team` query values as ids; InvalidInput naming the field when one is not a number."""
    if not raw:
        return None
    try:
        return [int(x) for x in raw]
    except ValueError as exc:
        raise InvalidInput(TEAM_ERROR, {"team": TEAM_ERROR}) from exc


def _period_parse(text: str, kind: str) -> dt.date:
    """A period as the results page labels it (period_label: "2026-11", "2026-W47",
    "2026-W46/47") or any date in it (YYYY-MM-DD); its first day. ValueError otherwise."""
    if _DATE.fullmatch(text):  # not fromisoformat alone: it also takes "2026-W44"
        return period_start(dt.date.fromisoformat(text), kind)
    m = _LABEL.fullmatch(text)
    if m is None:
        raise ValueError(text)
    year, month, week = m.groups()
    day = (
        dt.date(int(year), int(month), 1)
        if month
        else dt.date.fromisocalendar(int(year), int(week), 1)
    )
    start = period_start(day, kind)
    if period_label(start, kind) != text:  # e.g. a week label in a monthly org
        raise ValueError(text)
    return start


def periods_parse(raw: list[str], *, kind: str) -> list[dt.date] | None:
    """The `period` query values as first days; InvalidInput naming the field otherwise."""
    if not raw:
        return None
    try:
        return [_period_parse(x.strip(), kind) for x in raw]
    except ValueError as exc:
        msg = (
            f"periods are given as the results page labels them (like "
            f"{_LABEL_EXAMPLE.get(kind, '2026-11')}) or as a date YYYY-MM-DD in the period"
        )
        raise InvalidInput(msg, {"period": msg}) from exc


def _api_input(parse: Callable[[], T]) -> T:
    """Run a parser; its InvalidInput as DRF's 400 body ({field: [message]})."""
    try:
        return parse()
    except InvalidInput as exc:
        raise ValidationError(exc.errors) from exc


PERIOD_HELP = (
    "period(s), as the results page labels them for the org's reporting period — month "
    "2026-11, week 2026-W47, fortnight 2026-W46/47 — or any date YYYY-MM-DD in the period"
)


class ResultsAPI(APIView):
    """Results of the teams you may see; suppressed cells carry only a reason, no numbers."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team", OpenApiTypes.INT, many=True, description="team id(s), 0 = org"
            ),
            OpenApiParameter("period", OpenApiTypes.STR, many=True, description=PERIOD_HELP),
        ],
        responses={200: ResultsOut},
    )
    def get(self, request: Request) -> Response:
        tenant = results_tenant(request)
        team_ids = _api_input(lambda: team_ids_parse(request.query_params.getlist("team")))
        kind = tenant.org.reporting_period
        periods = _api_input(
            lambda: periods_parse(request.query_params.getlist("period"), kind=kind)
        )
        if team_ids is not None:
            hidden = [t for t in team_ids if not (tenant.is_admin or tenant.can_see_team(t))]
            if hidden:  # unknown, another org's, or not yours: all the same to the caller
                raise NotFound(f"team {hidden[0]} not found")
        res = results_for_teams(tenant=tenant, team_ids=team_ids, periods=periods)
        if team_ids is not None:
            known = {t.team_id for t in res.teams}
            missing = [t for t in team_ids if t not in known]
            if missing:
                raise NotFound(f"team {missing[0]} not found")
        return Response(results_json(res))
