# hepatoboard developer entry points. `make run` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
CASES  ?= examples/seed-father.yaml
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: set everything up, assess the example case, then start the service (SQLite default)
run: $(STAMP)
	$(BIN)/hepatoboard assess $(CASES)
	$(BIN)/hepatoboard serve --demo --host $(HOST) --port $(PORT)

## test: lint, type-check and run the whole test suite with line coverage (installs
## Chromium/poppler/fonts via apt if missing); fails under the coverage floor in pyproject.toml
test: $(STAMP)
	bash .ci/system-deps.sh
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	rm -rf .coverage && mkdir -p .coverage
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage combine -q
	$(BIN)/coverage report

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

## bench: run the benchmarks and print their results (load test needs Debian's wrk for best numbers)
bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/load.py 2

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache .ruff_cache .hypothesis .coverage .mypy_cache
