"""The suite's own layout rules, checked so a new file can't quietly break another's data."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
TRANSACTIONAL = re.compile(r"\(TransactionTestCase\)|transaction=True")
PLAIN = re.compile(r"^class \w+\((?:TestCase|BaseTestCase|DecisionTestCase)\)", re.M)


def test_no_file_mixes_transactional_and_plain_database_tests() -> None:
    # A transactional test flushes the database when it ends (data migrations' rows such as
    # the shipped rubric come back only at the next transactional test). pytest-django runs
    # plain TestCases first, but `--dist loadfile` hands out whole files, so a mixed file
    # would run its flush in the middle and empty the database for the next file.
    mixed = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("test_*.py"))
        if TRANSACTIONAL.search(text := path.read_text()) and PLAIN.search(text)
    ]
    assert not mixed, f"split these into transactional-only and plain files: {mixed}"
