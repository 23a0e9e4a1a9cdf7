# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
# Both create and reuse .venv and install what they need, idempotently.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test check lint typecheck system-deps bench clean

$(STAMP): pyproject.toml
	@scripts/bootstrap-venv.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

## Build the store from ontology/ and data/ and serve it at http://127.0.0.1:8000
serve: $(STAMP)
	$(BIN)/kgraph build
	$(BIN)/kgraph serve

## Run the whole test suite (installs Debian packages the integration tests need)
test: $(STAMP) system-deps
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

system-deps:
	@scripts/install-system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP) system-deps
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/run.py --sizes 100000,1000000 --markdown benchmarks/latest.md --json benchmarks/latest.json

clean:
	rm -rf $(VENV) .kgraph .pytest_cache .mypy_cache .ruff_cache
