# Entry points of the project. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
HOST ?= 0.0.0.0
PORT ?= 8000

.DEFAULT_GOAL := help

.PHONY: audit screenshots admin-screenshots messages help install run demo migrate test test-fast lint format check browser-test bench bench-network bench-events bench-registrations bench-catalogue bench-recommendations bench-sync bench-tasks bench-sync-latency bench-http bench-network-agenda clean

help: ## List the entry points
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,search]'
	touch $(STAMP)

install: $(STAMP) ## Create the virtualenv and install the project with its dev tools

migrate: $(STAMP) ## Apply migrations (SQLite by default, DATABASE_URL when set)
	$(PY) manage.py migrate --no-input

demo: migrate ## Build the demo network of sites (idempotent) and print the logins
	$(PY) manage.py demo_network

run: demo ## Install, migrate, build the demo network; web on http://localhost:8000, worker and scheduler (Ctrl-C stops all)
	PATH="$(CURDIR)/$(BIN):$$PATH" HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho -f Procfile.dev start

# Tests run in 2 processes (pytest-xdist), each with its own test database and its own network
# of sites; a file stays in one process, so module-scoped fixtures are built once.
# Files are handed out in collection order (--no-loadscope-reorder; xdist would otherwise start
# with the files that have most tests), which tests/conftest.py puts the slowest files first in,
# so that both processes finish together. TEST_WORKERS=0 runs in this process only (pdb, -x).
TEST_WORKERS ?= 2
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: $(STAMP) ## Run the whole test suite, browser checks included (2 processes)
	$(PY) -m pytest $(PYTEST_PARALLEL)

test-fast: $(STAMP) ## Run the test suite without the browser checks (2 processes)
	$(PY) -m pytest $(PYTEST_PARALLEL) -m "not browser"

lint: $(STAMP) ## ruff (lint and format check) and import-linter (the layers contract)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(STAMP) ## ruff: fix what can be fixed and format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP) ## Django system checks and the missing-migrations check
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

browser-test: $(STAMP) ## Accessibility and keyboard checks of every page type in headless Chromium
	$(PY) -m pytest $(PYTEST_PARALLEL) -m browser

bench: bench-network bench-events bench-registrations bench-catalogue bench-sync ## Run every benchmark (PostgreSQL on 127.0.0.1, database bibnet_bench)

bench-network: $(STAMP) ## Provision 1 site, then all 471 with sitegen bulk; sitegen sync over 471; home page with 2 and 471 sites
	$(PY) benchmarks/provisioning.py

bench-events: $(STAMP) ## 100,000 events over 300 sites: agenda queries and time; UiTdatabank import rate
	$(PY) benchmarks/events.py

bench-network-agenda: $(STAMP) ## 471 sites, 100,000 events: network agenda per filter, network search and "in de buurt", queries and p50/p95
	$(PY) benchmarks/network_agenda.py

bench-registrations: $(STAMP) ## 50 concurrent registrations for 10 places, 5 rounds: correctness and p95 latency
	$(PY) benchmarks/registrations.py

bench-catalogue: $(STAMP) ## 1,000,000 MARC records: import rate, index size, search p50/p95 (RECORDS=n)
	$(PY) benchmarks/catalogue.py $(if $(RECORDS),--records $(RECORDS),)

clean: ## Remove the virtualenv, the SQLite database and collected static files
	rm -rf $(VENV) db.sqlite3 staticfiles

bench-recommendations: $(STAMP) ## 1,000,000 records: recommendation batch time and serving time (RECORDS=n)
	$(PY) benchmarks/recommendations.py $(if $(RECORDS),--records $(RECORDS),)

bench-sync: $(STAMP) ## sitegen sync over 300 sites; a page with 3 shared sections and a campaign vs none
	$(PY) benchmarks/sync.py

.PHONY: backup restore
BACKUP_DIR ?= backups/$(shell date +%Y%m%d-%H%M%S)

backup: $(STAMP) ## Back up the database and media into BACKUP_DIR (default backups/<timestamp>)
	$(PY) manage.py backup --output $(BACKUP_DIR)

restore: $(STAMP) ## Restore BACKUP_DIR into a fresh database (DATABASE_URL) and verify row counts
	$(PY) manage.py restore --input $(BACKUP_DIR)

bench-tasks: $(STAMP) ## 1,000 small tasks through the database task backend and a real worker: throughput
	$(PY) benchmarks/tasks.py

bench-sync-latency: $(STAMP) ## UiTdatabank change -> agenda through the real scheduler and worker, 5 rounds (about 6 min)
	$(PY) benchmarks/uitdatabank_latency.py

bench-http: $(STAMP) ## HTTP: every page type cached/uncached vs bare Django under gunicorn + Redis, 471 sites (needs wrk: apt-get install wrk)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (Debian package)"; exit 1; }
	$(PY) benchmarks/http_pages.py

audit: demo ## Lighthouse 12.2.3 (mobile) on every public page type of the demo network: a table of the four scores (CHROME_PATH, Node 20)
	npm ci --prefix audit --no-audit --no-fund --silent
	$(PY) audit/lighthouse.py

admin-screenshots: demo ## The local editor's admin screens at 375 and 1280 px in audit/out/admin/ (Chromium, Playwright)
	$(PY) audit/admin_screenshots.py

# gettext_noop is extracted under its own name only: an alias (N_) is not a makemessages keyword.
# events/locale holds the English catalogue of its import reasons only; makemessages would start
# an empty Dutch one there, which is removed (the Dutch source strings need none).
messages: $(STAMP) ## Refresh locale/nl from the sources (makemessages) and compile it (needs gettext)
	$(PY) manage.py makemessages -l nl --no-obsolete --ignore 'audit/*' --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'node_modules/*'
	rm -rf events/locale/nl
	$(PY) manage.py compilemessages -l nl --ignore '.venv/*'

screenshots: demo ## Full-page screenshots of every public page type at 375 and 1280 px in audit/out/screenshots/ (Chromium, Playwright)
	$(PY) audit/screenshots.py
