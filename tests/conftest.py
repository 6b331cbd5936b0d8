"""pytest configuration shared by every test package."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import TestCase

_enter_atomics = TestCase._enter_atomics.__func__  # type: ignore[attr-defined]


def _enter_atomics_with_migration_data(cls: Any) -> Any:
    """Open the class's transactions, then put back data-migration rows if they are gone.

    A transactional test (serialized_rollback) flushes the database when it ends and only the
    *next* transactional test restores the rows data migrations made (the shipped rubric, beat
    tasks). Under `xdist --dist loadfile` a worker can run a plain TestCase file after that
    flush; restore the serialized rows inside the class's transaction, which rolls them back
    again with everything else the class wrote.
    """
    atomics = _enter_atomics(cls)
    from surveys.models import RubricVersion

    for alias in cls._databases_names(include_mirrors=False):
        if RubricVersion.objects.using(alias).filter(organization_id=None).exists():
            continue
        conn = connections[alias]
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents:
            conn.creation.deserialize_db_from_string(contents)
        else:
            from surveys.rubric_io import rubric_shipped_ensure

            rubric_shipped_ensure()
    return atomics


TestCase._enter_atomics = classmethod(_enter_atomics_with_migration_data)  # type: ignore[method-assign,assignment]


@pytest.fixture(autouse=True)
def _shared_caches_cleared() -> Iterator[None]:
    """Each test starts with empty shared caches: the database rolls back between tests and
    reuses ids, so a page or session kept under an org id of an earlier test must not be
    found by a later one (core.reads, dashboards.page_cache)."""
    for alias in ("reads", "sessions"):
        caches[alias].clear()
    yield
