"""The engine modules are pure: importing and running them never loads Django."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_engine_runs_without_importing_django() -> None:
    code = (
        "import sys, pandas as pd\n"
        "from trustmath.engine import score\n"
        "from tests.scoring.engine_fixture import P1, PARENT_OF, answers, dimensions, items\n"
        "score(answers(P1), items(), dimensions(), PARENT_OF)\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(len(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert out.stdout.strip() == "0", out.stdout + out.stderr
