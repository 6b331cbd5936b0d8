"""Print the pinned dependencies of pyproject.toml (runtime + test), one per line, for pip.

The project itself is not pip-installed: it runs from its folder, so git worktrees and fresh
clones each use their own code with one shared virtual environment.
"""

import sys
import tomllib
from pathlib import Path

data = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
project = data["project"]
deps = list(project["dependencies"])
for extra in sys.argv[1:]:
    deps += project["optional-dependencies"][extra]
print("\n".join(deps))
