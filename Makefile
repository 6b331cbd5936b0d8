# Trust OS: `make run` and `make test` do all the set-up on a fresh machine (Python 3.11).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-services lint format bench install migrate seed clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) scripts/requirements.py test > $(VENV)/requirements.txt
	$(PY) -m pip install --quiet -r $(VENV)/requirements.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty

## make run: install, migrate, load demo data once, serve web + Celery worker + beat.
run: seed
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m trustos.runall

## make test: install, lint (ruff, import contracts, mypy), run the whole suite (embedded SQLite + eager Celery).
test: install lint
	$(PY) -m pytest -n 2 --dist loadfile -q

## the same suite against a real PostgreSQL and Redis started on loopback by the script.
test-services: install
	bash scripts/with-services.sh $(PY) -m pytest -n 2 --dist loadfile -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	$(PY) -m bench

clean:
	rm -rf var staticfiles .pytest_cache
