# QA platform: everyday commands. GNU make; needs only python3.11 (or python3 = 3.11) and make.
#
#   make run          install, migrate, load demo data into an empty database, serve :8000
#   make test         unit + browser tests (browser tests skip without /usr/bin/chromium)
#   make integration  PostgreSQL + Redis + a real Celery worker (see tests/integration/conftest.py)
#   make api-fuzz     schemathesis over /api/schema/ on a live server (part of make integration)
#   make lint         ruff check          make format   ruff format + safe fixes
#   make worker       Celery worker       make beat     Celery beat (both need REDIS_URL)
#   make speech       Debian espeak-ng (spoken demo recordings) when this machine can install it
#   make browsers     Debian chromium, espeak-ng, poppler (pdftoppm) and CJK fonts when this machine can install them
#   make clean        caches and collected static; make distclean also removes .venv and var/

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
MANAGE := $(PY) manage.py

HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
CHROMIUM ?= /usr/bin/chromium
PDFTOPPM ?= /usr/bin/pdftoppm

# Integration defaults match a local PostgreSQL (trust auth) and Redis; override on the command line.
INTEGRATION_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/qa_platform)
INTEGRATION_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/0)

DEMO_USERS := manager qa supervisor trainer hr agent

.PHONY: help install browsers speech run migrate demo test integration api-fuzz lint format worker beat clean distclean messages

help:
	@sed -n '2,11s/^# \{0,1\}//p' $(MAKEFILE_LIST)

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a requirements file changed since the last install.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check --quiet --upgrade pip
	$(PY) -m pip install --disable-pip-version-check --quiet -r requirements-dev.txt
	@touch $@

install: $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`: its
# download is blocked here). The PDF report tests render pages with poppler's pdftoppm, which
# needs poppler-data (the Adobe-GB1 maps of the reports' STSong-Light font) and a CJK font to
# draw it with (fonts-noto-cjk). This target never fails: without them, those tests skip.
browsers:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing=" chromium"; \
	command -v espeak-ng >/dev/null 2>&1 || missing="$$missing espeak-ng"; \
	[ -x $(PDFTOPPM) ] || missing="$$missing poppler-utils"; \
	[ -d /usr/share/poppler/cMap/Adobe-GB1 ] || missing="$$missing poppler-data"; \
	[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	if [ -z "$$missing" ]; then echo "browsers: chromium, espeak-ng, poppler-utils, poppler-data and fonts-noto-cjk present"; exit 0; fi; \
	sh bin/apt-install browsers $$missing; \
	if [ -x $(CHROMIUM) ]; then echo "browsers: $(CHROMIUM) ready"; \
	else echo "browsers: WARNING: no $(CHROMIUM); browser tests will be SKIPPED."; fi; \
	command -v espeak-ng >/dev/null 2>&1 || echo "browsers: note: no espeak-ng; demo recordings use generated tones."; \
	[ -x $(PDFTOPPM) ] || echo "browsers: WARNING: no $(PDFTOPPM) (poppler-utils); PDF rendering tests will be SKIPPED."; \
	[ -d /usr/share/poppler/cMap/Adobe-GB1 ] || echo "browsers: note: no poppler-data; pdftoppm cannot draw the reports' Chinese font."

migrate: install
	$(MANAGE) migrate --noinput

# The demo's recordings speak their transcripts through espeak-ng; without it they are tones.
speech:
	@command -v espeak-ng >/dev/null 2>&1 || sh bin/apt-install speech espeak-ng
	@if command -v espeak-ng >/dev/null 2>&1; then echo "speech: espeak-ng ready (demo recordings are spoken)"; \
	else echo "speech: WARNING: no espeak-ng; the demo's recordings will be generated tones beside their spoken-dialogue transcripts."; fi

# LOCALE=zh-hans loads the Chinese demo center instead (make run LOCALE=zh-hans).
demo: migrate speech
	$(MANAGE) seed_demo --if-empty$(if $(LOCALE), --locale $(LOCALE))

# DEBUG stays off: WhiteNoise serves the collected static files (runserver_nostatic hands them
# to WhiteNoiseMiddleware), exactly as gunicorn would in production.
run: demo
	$(MANAGE) collectstatic --noinput --verbosity 0
	@echo
	@echo "  QA platform: http://$(HOST):$(PORT)/   (API docs: http://$(HOST):$(PORT)/api/docs/)"
	@echo "  Demo logins (password: demo): $(DEMO_USERS)"
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install browsers
	$(PY) -m pytest -m "not integration" $(PYTEST_ARGS)

# The zh-hans catalog: collect the marked strings (makemessages needs GNU gettext's xgettext, a
# developer's tool), then compile the .mo in pure Python. Both files are committed, so a fresh
# clone shows Chinese without either tool; tests/test_catalog.py fails while a string is missing
# or untranslated.
messages: install
	$(MANAGE) makemessages -l zh_Hans --ignore ".venv/*" --ignore "var/*" --no-obsolete --no-location
	$(PY) bin/compile-catalog

# QA_INTEGRATION=1 switches qa_platform/test_settings.py to PostgreSQL and Redis; the suite's
# conftest starts a Celery worker on the test database and a queue of its own.
integration: install
	QA_INTEGRATION=1 DATABASE_URL="$(INTEGRATION_DATABASE_URL)" REDIS_URL="$(INTEGRATION_REDIS_URL)" \
		$(PY) -m pytest -m integration tests/integration $(PYTEST_ARGS)

# The API fuzz run alone: gunicorn on a throwaway PostgreSQL database, schemathesis as manager and
# as agent (tests/integration/test_schemathesis.py; QA_FUZZ_EXAMPLES=15 examples per operation by default).
api-fuzz: install
	QA_INTEGRATION=1 DATABASE_URL="$(INTEGRATION_DATABASE_URL)" REDIS_URL="$(INTEGRATION_REDIS_URL)" \
		$(PY) -m pytest -m integration tests/integration/test_schemathesis.py $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

worker: install
	@[ -n "$$REDIS_URL" ] || { echo "worker: set REDIS_URL (without it tasks run in-process and no worker is needed)"; exit 2; }
	$(VENV)/bin/celery -A qa_platform worker --loglevel INFO

beat: install
	@[ -n "$$REDIS_URL" ] || { echo "beat: set REDIS_URL (without it tasks run in-process and no beat is needed)"; exit 2; }
	$(VENV)/bin/celery -A qa_platform beat --loglevel INFO --schedule var/celerybeat-schedule

clean:
	rm -rf var/staticfiles .pytest_cache .ruff_cache test-results
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) var

# Sampling benchmark (benchmarks/README.md): one week's plan on a seeded month, 200 and 2,000 agents,
# on SQLite, then on PostgreSQL in a throwaway database when BENCH_POSTGRES_URL's server answers.
BENCH_AGENTS ?= 200 2000
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/postgres

.PHONY: benchmark
benchmark: install
	$(PY) benchmarks/bench_sampling.py --agents $(BENCH_AGENTS)
	@if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(BENCH_POSTGRES_URL)" 2>/dev/null; then \
		$(PY) benchmarks/bench_sampling.py --agents $(BENCH_AGENTS) --postgres "$(BENCH_POSTGRES_URL)"; \
	else echo "benchmark: no PostgreSQL at $(BENCH_POSTGRES_URL); PostgreSQL run skipped"; fi
	$(MAKE) bench-paths

# Hot paths beside hand-written SQL (benchmarks/README.md): run_sampling, evaluation submit,
# quota progress page and API, center overview, evaluations API list; BENCH_AGENTS sizes, SQLite then
# PostgreSQL (skipped when BENCH_POSTGRES_URL's server does not answer). One Markdown table per backend.
.PHONY: bench-paths
bench-paths: install
	$(PY) benchmarks/bench_paths.py --agents $(BENCH_AGENTS)
	@if $(PY) -c "import sys, psycopg; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$(BENCH_POSTGRES_URL)" 2>/dev/null; then \
		$(PY) benchmarks/bench_paths.py --agents $(BENCH_AGENTS) --postgres "$(BENCH_POSTGRES_URL)"; \
	else echo "bench-paths: no PostgreSQL at $(BENCH_POSTGRES_URL); PostgreSQL run skipped"; fi

# Report generation benchmark (benchmarks/README.md): a month's team reports, then all of them, each
# by ONE reports.generate_month task on a real Celery worker (prefork, 2 processes, a queue of its own
# on BENCH_REDIS_URL), for seed_demo --agents 2000 --weeks 4 in a throwaway PostgreSQL database.
BENCH_REPORTS_AGENTS ?= 2000
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14

.PHONY: bench-reports
bench-reports: install
	$(PY) benchmarks/bench_reports.py --agents $(BENCH_REPORTS_AGENTS) --postgres "$(BENCH_POSTGRES_URL)" --redis "$(BENCH_REDIS_URL)"
