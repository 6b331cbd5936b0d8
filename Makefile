# Trust OS: `make run` and `make test` do all the set-up on a fresh machine (Python 3.11).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# What pip last installed: the pinned list itself, so only a changed pin reinstalls (a file
# date would not do: a fresh clone's pyproject.toml is always newer than an existing venv).
INSTALLED := $(VENV)/requirements.txt

.PHONY: run test test-fast test-services lint format bench bench-quick bench-during install migrate seed clean axe

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

## make install: pip only when the pinned requirements differ from what was last installed.
install: | $(PY)
	@want=$$(mktemp) && trap 'rm -f "$$want"' EXIT && \
	$(PY) scripts/requirements.py test > "$$want" && \
	if cmp -s "$$want" $(INSTALLED); then echo "Requirements unchanged: nothing to install."; \
	else $(PY) -m pip install --quiet -r "$$want" && cp "$$want" $(INSTALLED); fi

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

## make run: install, migrate, load demo data once, serve web + Celery worker + beat.
run: seed
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m trustos.runall

## make axe: axe-core (accessibility rules) from the npm registry, for tests/browser/test_accessibility.py.
# One pinned file in the git-ignored var/; never node_modules, never committed.
AXE_VERSION := 4.11.4
AXE_JS := var/axe-core-$(AXE_VERSION)/axe.min.js

$(AXE_JS):
	@command -v npm >/dev/null 2>&1 || { echo "npm is needed to fetch axe-core (apt-get install npm)"; exit 1; }
	@mkdir -p $(@D)
	cd $(@D) && npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js && \
	rm -f axe-core-$(AXE_VERSION).tgz
	@test -s $@ && echo "axe-core $(AXE_VERSION): $@"

axe: $(AXE_JS)

## make test: install, lint (ruff, import contracts, mypy), run the whole suite (embedded SQLite + eager Celery).
test: install lint axe
	$(PY) -m pytest -n 2 --dist loadfile -q

## the same suite against a real PostgreSQL and Redis started on loopback by the script.
test-services: install axe
	bash scripts/with-services.sh $(PY) -m pytest -n 2 --dist loadfile -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make bench: every hot path at 10k, 100k and 1M responses (BENCHMARKS.md; DATABASE_URL = PostgreSQL).
bench: install
	$(PY) -m bench
	$(PY) -m bench.execution
	$(PY) -m bench.workshops

## make bench-quick: the same cases at 10k and 100k responses, about 2 minutes once the
## scratch databases are built (kept under var/bench/; the first run builds them).
bench-quick: install
	$(PY) -m bench --quick
	$(PY) -m bench.execution --items 100000 --runs 1
	$(PY) -m bench.workshops --rounds 1

## make bench-during: survey answers submitted during a recompute of 1M responses (SQLite
## unless DATABASE_URL): every one must be stored, none may wait for the maths.
bench-during: install
	$(PY) -m bench --sizes 1M --only during

clean:
	rm -rf var staticfiles .pytest_cache
