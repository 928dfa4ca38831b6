# Everyday commands. `make run` serves the site, `make test` runs every check CI runs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
# W3C Nu HTML Checker for the HTML validity test, fetched from the npm registry once.
VNU_JAR := .cache/vnu/vnu.jar
# Reinstalled only when pyproject.toml changes.
STAMP := $(VENV)/.installed-miejsca-otwarte
HOST ?= 127.0.0.1
PORT ?= 8000
# Commands that must work without a SECRET_KEY (catalogues, local server).
DEV_ENV := DEBUG=1
I18N_IGNORE := $(sort --ignore=.venv --ignore=$(VENV)) --ignore=node_modules --ignore=staticfiles --ignore=tests --ignore=.cache

.PHONY: help install run test lint format messages compilemessages services vnu clean audit

help:
	@echo "make run    install everything, load the 2023 program (dates moved to the upcoming"
	@echo "            29-30 Nov) and serve it at http://$(HOST):$(PORT) with the task worker"
	@echo "make test   install everything, make sure PostgreSQL and chromium are there, run"
	@echo "            pytest on PostgreSQL, lint-imports, ruff check and ruff format --check"
	@echo "make lint   lint-imports (the apps' layers), ruff check and ruff format --check"
	@echo "make format ruff format and ruff check --fix"
	@echo "make messages  update locale/*/LC_MESSAGES/django.po from the code and compile them"
	@echo "make clean  remove the virtualenv, compiled catalogues, collected static files"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $@

install: $(STAMP)

compilemessages: install
	$(DEV_ENV) $(PY) manage.py compilemessages $(I18N_IGNORE) -v 0

messages: install
	$(DEV_ENV) $(PY) manage.py makemessages -l pl -l en --no-obsolete $(I18N_IGNORE)
	$(DEV_ENV) $(PY) manage.py compilemessages $(I18N_IGNORE) -v 0

services:
	scripts/ensure-services.sh

$(VNU_JAR):
	scripts/fetch-vnu.sh $@

vnu: $(VNU_JAR)

run: compilemessages
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_edition --upcoming --fill-translations
	$(DEV_ENV) $(PY) manage.py setup_roles
	@echo "Serving http://$(HOST):$(PORT)/ — the task worker prints queued e-mails here. Ctrl-C stops both."
	export $(DEV_ENV); \
	$(PY) manage.py mail_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true; wait $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install services compilemessages $(VNU_JAR)
	$(PY) -m pytest
	$(VENV)/bin/lint-imports
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	VENV=$(VENV) scripts/audit.sh

lint: install
	$(VENV)/bin/lint-imports
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf $(VENV) .cache staticfiles test-results .pytest_cache .ruff_cache *.egg-info build
	find locale -name '*.mo' -delete 2>/dev/null || true
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

# Load test (issue #8): fresh database mo_bench, the site and a bare-Django floor under gunicorn,
# wrk against both; writes docs/performance.md and bench/results.json, fails when a target is
# missed. Needs PostgreSQL at 127.0.0.1:5432, wrk and redis-server. BENCH_DURATION=3 for a quick look.
.PHONY: bench bench-large bench-signup-cost bench-manage-cost bench-mail-cost
bench: install
	$(PY) bench/run.py

# Ten times the conference (issue #18): 50,000 registrations and 200 program items in mo_bench_large,
# judged against the last `make bench`'s shares; writes bench/results-large.json and its own table.
bench-large: install
	BENCH_SIZE=large $(PY) bench/run.py

# Instructions per sign-up under valgrind (needs the database `make bench` leaves, and Redis at 6379).
bench-signup-cost: install
	$(PY) bench/signup_cost.py --instructions

# Instructions per GET of the management and thanks pages (the same database and Redis).
bench-manage-cost: install
	$(PY) bench/manage_cost.py --instructions

# Instructions per mail of the worker: its task, the PDF ticket, the SMTP conversation with a sink.
bench-mail-cost: install
	$(PY) bench/mail_cost.py --instructions

audit: install
	VENV=$(VENV) scripts/audit.sh
