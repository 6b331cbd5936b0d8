"""trustmath is pure: importing any of its modules, or running the engine, never loads Django,
DRF, Celery or a project app. Runs in a fresh interpreter, because this test process has
Django loaded already."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every project package but trustmath itself, read from the import-linter root packages so an
# app added there is forbidden here too.
_ROOT_PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
    "root_packages"
]
FORBIDDEN = sorted(
    {"django", "rest_framework", "celery", "kombu"} | set(_ROOT_PACKAGES) - {"trustmath"}
)

# Imports every module of the package found on disk, one after the other, and records which
# forbidden top-level packages are loaded after each import (first offender = the culprit).
_IMPORT_ALL = """
import importlib, json, pkgutil, sys
import trustmath
forbidden = set(json.loads(sys.argv[1]))
names = ["trustmath"] + sorted(
    m.name for m in pkgutil.walk_packages(trustmath.__path__, prefix="trustmath.")
)
loaded = {}
for name in names:
    importlib.import_module(name)
    loaded[name] = sorted(m for m in sys.modules if m.partition(".")[0] in forbidden)
print(json.dumps(loaded))
"""

_RUN_ENGINE = """
import json, sys
from trustmath.engine import score
from tests.trustmath.engine_fixture import P1, PARENT_OF, answers, dimensions, items
score(answers(P1), items(), dimensions(), PARENT_OF)
forbidden = set(json.loads(sys.argv[1]))
print(json.dumps(sorted(m for m in sys.modules if m.partition(".")[0] in forbidden)))
"""


def _fresh_python(code: str) -> object:
    out = subprocess.run(
        [sys.executable, "-c", code, json.dumps(FORBIDDEN)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _modules_on_disk() -> set[str]:
    names = set()
    for path in (ROOT / "trustmath").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_trustmath_module_imports_without_django_drf_celery_or_an_app() -> None:
    loaded = _fresh_python(_IMPORT_ALL)
    assert isinstance(loaded, dict)
    # The walk must reach every module on disk, so a module added later is covered too.
    assert set(loaded) == _modules_on_disk()
    offenders = {name: mods for name, mods in loaded.items() if mods}
    assert offenders == {}, f"trustmath must stay pure; loaded after importing: {offenders}"


def test_the_engine_runs_without_importing_django() -> None:
    # Catches imports inside functions too, which importing the modules does not execute.
    assert _fresh_python(_RUN_ENGINE) == []


def test_the_forbidden_list_names_every_project_app() -> None:
    assert {"django", "core", "orgs", "surveys", "decisions", "scoring", "trustos"} <= set(
        FORBIDDEN
    )
