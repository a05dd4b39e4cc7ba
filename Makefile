# gonghui: set-up, demo and tests. On a fresh clone `make demo` and `make test` are all it takes.
# Each step leaves a stamp file, so re-running only redoes what changed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
VENDOR := gonghui/static/vendor
VENDOR_STAMP := $(VENDOR)/.copied

# Background job worker (django-tasks-db's db_worker plus the jobs app's recovery sweep):
# `make demo` runs it in the background beside runserver and stops it when runserver exits.
JOB_WORKER := $(BIN)/python manage.py jobs_worker

.PHONY: help demo test lint venv assets clean

help:
	@echo "make demo    install everything, load demo data, serve http://$(HOST):$(PORT)/"
	@echo "make test    ruff + pytest (SQLite; PostgreSQL when DATABASE_URL=postgres://... is set)"
	@echo "             pytest arguments: make test PYTEST_ARGS='-k orgs -x'"
	@echo "make lint    ruff only"
	@echo "make assets  npm ci + copy front-end libraries into $(VENDOR)/"
	@echo "make venv    create $(VENV) and install the project with its dev extras"
	@echo "make clean   remove $(VENV) node_modules $(VENDOR) staticfiles (keeps .env and db.sqlite3)"

# --- installation -------------------------------------------------------------------------------

venv: $(VENV_STAMP)

$(VENV_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

assets: $(VENDOR_STAMP)

$(VENDOR_STAMP): $(NODE_STAMP) scripts/copy_assets.py
	$(PYTHON) scripts/copy_assets.py
	touch $@

# Local development keys; written once, never overwritten (they decrypt the local database).
.env: | $(VENV_STAMP)
	$(BIN)/python -m gonghui.devkeys $@

# --- running ------------------------------------------------------------------------------------

demo: $(VENV_STAMP) $(VENDOR_STAMP) .env
	scripts/system_packages.sh
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo
	@echo "gonghui demo: http://$(HOST):$(PORT)/   (Ctrl-C to stop)"
	@worker_cmd='$(JOB_WORKER)'; \
	if [ -n "$$worker_cmd" ]; then \
	  $$worker_cmd & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: export FAST_PASSWORD_HASHING := 1
test: export TESTING := 1
test: $(VENV_STAMP) $(VENDOR_STAMP) .env
	scripts/system_packages.sh
	$(BIN)/ruff check .
	@if [ -n "$${DATABASE_URL:-}" ]; then echo "pytest on $${DATABASE_URL%%:*}"; else echo "pytest on sqlite"; fi
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV_STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) node_modules $(VENDOR) staticfiles
