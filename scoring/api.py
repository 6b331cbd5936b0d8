"""Results API: k-anonymous team × period × dimension results and trust index, from snapshots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Q
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.views import APIView

from core.errors import InvalidInput
from core.reads import reads_page_get, reads_page_set, reads_request_key
from core.registry import result_sources
from orgs.query import periods_parse, team_ids_parse
from orgs.tenancy import Tenant, get_tenant
from scoring.api_results import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    dumps,
    results_body,
    results_json,
)
from scoring.selectors import ResultsQuery
from surveys.models import Dimension

__all__ = ["ResultsAPI", "periods_parse", "results_json", "results_tenant", "team_ids_parse"]


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
        "count": serializers.IntegerField(help_text="rows (team × period) of the whole selection"),
        "page": serializers.IntegerField(),
        "page_size": serializers.IntegerField(),
        "next": serializers.URLField(allow_null=True, help_text="the next page, if any"),
        "previous": serializers.URLField(allow_null=True),
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


def results_tenant(request: Any) -> Tenant:
    """The tenant of a results reader, or 403 when they may see no team at all."""
    tenant = get_tenant(request)
    if tenant is None:
        raise PermissionDenied("You are not a member of any organization.")
    visible = tenant.visible_team_ids()
    if visible is not None and not visible:
        raise PermissionDenied("Your role does not let you see team results.")
    return tenant


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


KNOWN_PARAMS = ("team", "period", "dimension", "page", "page_size", "format")
PAGE_SIZE_ERROR = f"page_size is a whole number from 1 to {MAX_PAGE_SIZE} (rows of team × period)"
PAGE_ERROR = "page is a whole number from 1"
RESPONSE_SECONDS = 6 * 3600  # a bound only: the key names the org's reads version


def _whole(raw: str | None, default: int, low: int, high: int | None, msg: str, name: str) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if value < low or (high is not None and value > high):
        raise ValidationError({name: [msg]})
    return value


def _params_check(request: Request) -> None:
    """A parameter the endpoint does not know is a 400 naming the ones it does (a typo'd
    filter would otherwise silently return everything)."""
    unknown = sorted(set(request.query_params) - set(KNOWN_PARAMS))
    if unknown:
        raise ValidationError(
            {unknown[0]: [f"unknown parameter; the results API takes {', '.join(KNOWN_PARAMS)}"]}
        )


def _dimensions_parse(raw: list[str], tenant: Tenant) -> list[str] | None:
    """`dimension` keys; a key no rubric of the org (or the product's) has is a 400 listing them."""
    if not raw:
        return None
    org = tenant.org
    known = set(
        Dimension.objects.filter(
            Q(rubric__organization_id=org.pk) | Q(rubric__organization__isnull=True)
        )
        .values_list("key", flat=True)
        .distinct()
    )
    wanted = [x.strip() for x in raw]
    bad = [x for x in wanted if x not in known]
    if bad:
        msg = f"unknown dimension {bad[0]!r}; known: {', '.join(sorted(known))}"
        raise ValidationError({"dimension": [msg]})
    return wanted


def _page_url(request: Request, page: int) -> str:
    params = request.query_params.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + params.urlencode())


class ResultsAPI(APIView):
    """Results of the teams you may see, one page of (team, period) rows at a time;
    suppressed cells carry only a reason, no numbers. Served from the latest release."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "team", OpenApiTypes.INT, many=True, description="team id(s), 0 = org"
            ),
            OpenApiParameter("period", OpenApiTypes.STR, many=True, description=PERIOD_HELP),
            OpenApiParameter(
                "dimension",
                OpenApiTypes.STR,
                many=True,
                description="dimension key(s): only these dimensions in each row",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, description="page number, from 1"),
            OpenApiParameter(
                "page_size",
                OpenApiTypes.INT,
                description=f"rows (team × period) per page, default {DEFAULT_PAGE_SIZE}, "
                f"at most {MAX_PAGE_SIZE}",
            ),
        ],
        responses={200: ResultsOut},
    )
    def get(self, request: Request) -> HttpResponse:
        tenant = results_tenant(request)  # the permission check, before any cached body
        # The whole body, kept until the org's reads version moves (core.reads: a release of
        # any kind — results, decision check-ins, handoffs, follow-through — or the tree).
        visible = tenant.visible_team_ids()
        teams = "all" if visible is None else ",".join(str(t) for t in sorted(visible))
        scope = f"{sorted(tenant.roles)}|{teams}"
        key = reads_request_key(
            org_id=tenant.org.pk, name="results-api", scope=scope, request=request._request
        )
        hit = reads_page_get(key)
        if hit is not None:
            return HttpResponse(hit, content_type="application/json")
        _params_check(request)
        params = request.query_params
        team_ids = _api_input(lambda: team_ids_parse(params.getlist("team")))
        kind = tenant.org.reporting_period
        periods = _api_input(lambda: periods_parse(params.getlist("period"), kind=kind))
        size = _whole(
            params.get("page_size"),
            DEFAULT_PAGE_SIZE,
            1,
            MAX_PAGE_SIZE,
            PAGE_SIZE_ERROR,
            "page_size",
        )
        page = _whole(params.get("page"), 1, 1, None, PAGE_ERROR, "page")
        if team_ids is not None:
            hidden = [t for t in team_ids if not (tenant.is_admin or tenant.can_see_team(t))]
            if hidden:  # unknown, another org's, or not yours: all the same to the caller
                raise NotFound(f"team {hidden[0]} not found")
        dimensions = _dimensions_parse(params.getlist("dimension"), tenant)
        query = ResultsQuery(
            team_ids=team_ids,
            periods=periods,
            dimensions=dimensions,
            offset=(page - 1) * size,
            limit=size,
        )
        found = results_body(tenant=tenant, query=query)
        if team_ids is not None:
            missing = [t for t in team_ids if t not in found.team_ids]
            if missing:
                raise NotFound(f"team {missing[0]} not found")
        # The page's JSON text as cached (scoring.api_results): paging fields added around it.
        nxt = _page_url(request, page + 1) if page * size < found.count else None
        prev = _page_url(request, page - 1) if page > 1 else None
        paging = dumps({"page": page, "page_size": size, "next": nxt, "previous": prev})
        body = found.text[:-1] + "," + paging[1:]
        reads_page_set(key, body, RESPONSE_SECONDS)
        return HttpResponse(body, content_type="application/json")
