"""The API's one paginator: limit/offset with a documented maximum page size."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
# Far past any table we hold, far below the databases' 64-bit OFFSET limit.
MAX_OFFSET = 10**9


def _bounded_int(request: Request, name: str, *, low: int, high: int, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    # isdecimal first: int() of a 10,000-digit string is itself slow work for an attacker.
    if not (raw.isascii() and raw.isdecimal() and len(raw) <= 12) or not low <= int(raw) <= high:
        raise ValidationError({name: [f"A whole number from {low} to {high}."]})
    return int(raw)


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """Like DRF's, but a `limit` or `offset` outside its documented range is a 400 naming the
    parameter (DRF silently ignored junk and passed any huge number to the database: a 500)."""

    default_limit = DEFAULT_LIMIT
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        return _bounded_int(
            request, self.limit_query_param, low=1, high=MAX_LIMIT, default=DEFAULT_LIMIT
        )

    def get_offset(self, request: Request) -> int:
        return _bounded_int(request, self.offset_query_param, low=0, high=MAX_OFFSET, default=0)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["description"] = (
                    f"Number of results per page: default {DEFAULT_LIMIT}, at most {MAX_LIMIT}."
                )
                param["schema"] = {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
                }
            elif param["name"] == self.offset_query_param:
                param["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return params
