# Talent Supermarket: `make run` to try it, `make test` to check it. `make help` lists targets.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Test processes (pytest-xdist; each gets its own PostgreSQL database). 0 runs in one process.
PYTEST_WORKERS ?= 2
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.DEFAULT_GOAL := help
.PHONY: help run install test lint fmt typecheck bench reindex clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PY=python3.11)")'
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

install: $(STAMP) ## create .venv and install the service

run: $(STAMP) ## install, migrate, load the demo city when the database is empty, serve on :8000
	$(BIN)/talent-supermarket migrate
	$(BIN)/talent-supermarket demo --if-empty
	$(BIN)/talent-supermarket serve

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

test: $(TEST_STAMP) ## install test extras, then lint, import contracts, mypy and the whole suite
	@if [ -x scripts/meili_install.sh ]; then scripts/meili_install.sh; fi
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy app matching search
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile tests matching search $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## ruff and the import-linter contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: $(TEST_STAMP) ## format and autofix
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(TEST_STAMP) ## mypy --strict
	$(BIN)/mypy app matching search

bench: $(TEST_STAMP) ## run the benchmarks in bench/ (quick mode; BENCH_ARGS= for full)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b $${BENCH_ARGS---quick}; done

reindex: $(STAMP) ## rebuild the search index from the database
	$(BIN)/talent-supermarket reindex

clean: ## remove the virtualenv and local data (var/)
	rm -rf $(VENV) var
