# hepatoboard developer entry points. `make run` and `make test` work on a fresh clone: they
# install the pinned, hash-checked dependencies of requirements/run.lock or requirements/dev.lock
# (`make lock` refreshes both from pyproject.toml), then the project itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
RUN_STAMP := $(VENV)/.installed-run
CASES  ?= examples/seed-father.yaml
HOST   ?= 127.0.0.1
PORT   ?= 8000

LOCK_ARGS := --generate-hashes --universal --python-version 3.11 --quiet

.PHONY: run test lint bench clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# pinned, hash-checked dependencies first; the project itself without resolving anything more
$(STAMP): requirements/dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): requirements/run.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/run.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(RUN_STAMP)

## lock: re-resolve the dependencies of pyproject.toml into the lock files (needs the network)
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml requirements/build.in --extra dev $(LOCK_ARGS) -o requirements/dev.lock
	$(BIN)/uv pip compile pyproject.toml requirements/build.in -c requirements/dev.lock $(LOCK_ARGS) -o requirements/run.lock

## run: set everything up, assess the example case, then start the service (SQLite default)
run: $(RUN_STAMP)
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
