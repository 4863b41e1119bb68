# dropspace: `make run` starts everything on embedded defaults, `make test` checks everything.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(VENV)
PORT ?= 8000
export PORT
export SITE_URL ?= http://127.0.0.1:$(PORT)

.PHONY: run test lint format install migrate demo bench clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

install: $(UV) ## create .venv and install exactly what uv.lock pins
	$(UV) sync --frozen --quiet

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate ## create (or refresh) the demo account and print its credentials
	$(MANAGE) create_demo_account

# Posting worker processes of `make run`: each runs Python on one core (16 threads waiting on
# the platforms), so two use both cores of a small machine (docs/benchmarks.md).
WORKER_PROCESSES ?= 2

run: demo ## web + Celery workers + Celery beat on http://127.0.0.1:$(PORT)
	$(VENV)/bin/honcho start -f Procfile -c worker=$(WORKER_PROCESSES)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint ## lint, migrations, OpenAPI schema, then the test suite
	DJANGO_DEBUG=0 $(MANAGE) makemigrations --check --dry-run
	$(MANAGE) spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/pytest -n $${PYTEST_WORKERS:-auto} $(PYTEST_ARGS)

bench: migrate ## throughput and latency numbers (see docs/benchmarks.md)
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(TOOLS) var
