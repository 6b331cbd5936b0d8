"""Schemathesis over the served schema, run in-process: load it, draw cases, collect failures.

Used by tests/security/test_api_fuzz.py. The WSGI app is called directly (no server), inside
the test's transaction, so the seeded rows are visible and rolled back after each role.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from trustos.wsgi import application

SCHEMA_PATH = "/api/schema/"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Examples per operation and role: 46 operations x 3 roles x this fits CI's time on 2 cores.
# FUZZ_EXAMPLES=500 for a longer local run (README, "API fuzzing").
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))


@contextmanager
def connection_kept() -> Iterator[None]:
    """Keep the test's database connection open across WSGI calls: the start and end of a
    request close it (Django's test client prevents that too), which would end the test's transaction.
    Hold it around the whole test class: werkzeug closes a response lazily."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def schema_load() -> Any:
    """The schema exactly as /api/schema/ serves it, bound to the WSGI app."""
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


def operations(schema: Any) -> list[Any]:
    return [result.ok() for result in schema.get_all_operations()]


def _strategy(operation: Any) -> Any:
    """Valid and invalid requests (NUL bytes, wrong types, missing fields) of one operation."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return st.one_of([operation.as_strategy(generation_mode=mode) for mode in modes])


def operation_fuzz(
    operation: Any,
    *,
    headers: Mapping[str, str],
    real_path_values: Mapping[str, Iterable[Any]],
    examples: int = EXAMPLES,
    before_call: Callable[[], None] | None = None,
) -> None:
    """Run `examples` cases of `operation`; raise the first check failure. Half the cases put
    a real object's id/token (one's own, another org's) in the path instead of a random one."""
    real = {name: list(values) for name, values in real_path_values.items() if values}

    @settings(
        max_examples=examples,
        derandomize=True,  # the same cases every run: a CI failure reproduces locally
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report fast, fix from the case
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation), data=st.data())
    def run(case: Any, data: Any) -> None:
        for name in list(case.path_parameters or {}):
            if name in real and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = data.draw(st.sampled_from(real[name]), label=name)
        if before_call is not None:
            before_call()
        case.call_and_validate(headers=dict(headers), checks=CHECKS)

    run()
