# Breakthrough: two commands on a fresh Debian or Ubuntu machine with Python 3.11+.
#   make run    set up and serve the app with demo data on http://127.0.0.1:8000, with the
#               task worker that draws the PDFs beside it (Procfile.dev; Ctrl-C stops both)
#   make test   set up and run the whole test suite and the linters
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Written last by npm ci, so its date says the provider's packages are in.
TEST_PROVIDER := tests/oidc/node_modules/.package-lock.json

.PHONY: run test install install-test check-run check-test lint bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: check-run $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt ".[dev]"

install-test: check-test $(BIN)/python $(TEST_PROVIDER)
	$(BIN)/pip install --quiet -c constraints.txt ".[test]"

# The single sign-on tests run a real OpenID Connect provider (oidc-provider, from the npm
# registry, at the versions in its lockfile).
$(TEST_PROVIDER): tests/oidc/package.json tests/oidc/package-lock.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error

check-run:
	@scripts/check-system.sh run >/dev/null

check-test:
	@scripts/check-system.sh test >/dev/null

run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=true $(BIN)/python -m pytest

lint:
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# The load benchmark (not part of the tests): needs PostgreSQL and Debian's wrk.
bench: install-test
	$(BIN)/python bench/run.py
