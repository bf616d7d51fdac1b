# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is what those two are made of.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test`: one per core ("auto"); TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto

# Larger tool sets (benchmarks, fault tests, Lighthouse, backups) live in mk/*.mk.
-include mk/*.mk

# A Python >= 3.12: the one .python-version selects (pyenv), else the newest on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

# DATABASE_URL wins; otherwise scripts/devdb.py finds (or starts) PostgreSQL and says where.
WITH_DB = url="$$($(PY) scripts/devdb.py)" || exit 1; export DATABASE_URL="$$url";

.PHONY: run test lint format venv db migrate demo messages chromium pdf-libs html-checker apt bench-data clean-pgdata

run: venv messages pdf-libs
	@$(WITH_DB) \
	$(MANAGE) migrate --no-input && \
	$(MANAGE) load_demo && \
	$(MANAGE) runserver $(HOST):$(PORT)

test: venv messages chromium pdf-libs html-checker
	@$(WITH_DB) \
	$(VENV)/bin/ruff check . && \
	$(VENV)/bin/lint-imports && \
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (e.g. apt-get install python3.12, or pyenv install 3.13)." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

messages: venv
	@command -v msgfmt >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=gettext
	@$(MANAGE) compilemessages --ignore '.venv' -v 0

# Browser tests drive Debian's Chromium; Playwright's own browser download is never used.
chromium:
	@command -v chromium >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=chromium

# WeasyPrint (the minutes and report PDFs) draws with Debian's Pango and needs a font.
# WeasyPrint needs Pango; with HarfBuzz's subsetter (libharfbuzz-subset0) it subsets the
# fonts of a PDF itself, several times faster than its fallback (fontTools).
pdf-libs: venv
	@$(PY) -c "import weasyprint; from weasyprint.text.ffi import harfbuzz_subset; \
		assert harfbuzz_subset is not None" >/dev/null 2>&1 || $(MAKE) --no-print-directory apt \
		PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

# The HTML check (tests/partnership/test_html_validity.py) runs the Nu HTML Checker on
# Java; the test installs the checker itself (npm's vnu-jar, into ~/.cache).
html-checker:
	@command -v java >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=default-jre-headless
	@command -v npm >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PACKAGES=npm

apt:
	@SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $(PACKAGES) >/dev/null

db: venv
	@$(PY) scripts/devdb.py

migrate: venv
	@$(WITH_DB) $(MANAGE) migrate --no-input

demo: migrate
	@$(WITH_DB) $(MANAGE) load_demo

# ruff, and the layer contracts in pyproject.toml (docs/architecture.md).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Scale data for benchmarks, in its own database so the demo stays small:
#   make bench-data N=10000
N ?= 10000
bench-data: venv
	@export DATABASE_URL="$${BENCH_DATABASE_URL:-$$(PARTNERSHIP_DB_NAME=partnership_bench $(PY) scripts/devdb.py)}" && \
	$(MANAGE) migrate --no-input && \
	$(MANAGE) seed_scale --initiatives $(N)

# Stop and delete the project-local cluster (only ever used when no server answered).
clean-pgdata: venv
	@test ! -d .pgdata || { $(PY) scripts/devdb.py --stop; rm -rf .pgdata; }
