"""OpenAPI post-processing: every operation documents the error statuses it can answer.

The API answers errors in one place (core.api.exception_handler) from one family (core.errors,
DRF's own exceptions), so their statuses and body shape are the same on every operation and
are added here once instead of in each view's extend_schema. A view's own documented error
response (e.g. the survey endpoints' SurveyError) is kept as it is.
"""

from __future__ import annotations

from typing import Any

ERROR_COMPONENT = "Error"
VALIDATION_COMPONENT = "ValidationError"

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An error. `detail` says what went wrong; domain errors add `code` (what to branch "
        "on) and `errors` (per field). Validation errors may instead map each field to its "
        "messages."
    ),
    "properties": {
        "detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": True,
}
VALIDATION_SCHEMA: dict[str, Any] = {
    "description": "Invalid input: an error object, or a list of messages.",
    "oneOf": [
        {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"},
        {"type": "array", "items": {"type": "string"}},
    ],
}

# status -> (description, component): which operations get which is decided below.
EVERY = {
    400: ("Invalid input (fields, query parameters, body size or depth).", VALIDATION_COMPONENT),
    404: ("No such object, or not one of your organization's.", ERROR_COMPONENT),
    429: ("Too many requests: retry after the Retry-After header's seconds.", ERROR_COMPONENT),
}
AUTHENTICATED = {
    401: (
        "Missing, invalid, expired or revoked credentials (see WWW-Authenticate).",
        ERROR_COMPONENT,
    ),
    403: ("Your role, the token's scope, or CSRF does not allow this.", ERROR_COMPONENT),
}
WITH_BODY = {
    413: ("The request body is larger than the limit.", ERROR_COMPONENT),
    415: ("Unsupported request content type.", ERROR_COMPONENT),
}
WRITES = {
    409: ("The object is not in a state that allows this (yet).", ERROR_COMPONENT),
    410: ("It is over for good: a link already used, a round closed.", ERROR_COMPONENT),
}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _authenticated(operation: dict[str, Any]) -> bool:
    """An operation that checks credentials (not only the anonymous `{}` requirement)."""
    return any(requirement for requirement in operation.get("security", []))


def _error_statuses(method: str, operation: dict[str, Any]) -> dict[int, tuple[str, str]]:
    statuses = dict(EVERY)
    if _authenticated(operation):
        statuses |= AUTHENTICATED
    if "requestBody" in operation:
        statuses |= WITH_BODY
    if method not in {"get", "head", "options"}:
        statuses |= WRITES
    return statuses


def error_responses_add(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular POSTPROCESSING_HOOKS entry: document the error family everywhere."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    schemas.setdefault(VALIDATION_COMPONENT, VALIDATION_SCHEMA)
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, (description, component) in _error_statuses(method, operation).items():
                responses.setdefault(
                    str(status),
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{component}"}
                            }
                        },
                    },
                )
    return result
