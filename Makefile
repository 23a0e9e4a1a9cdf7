# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
# Both create and reuse .venv and install what they need, idempotently.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: serve test check lint typecheck system-deps test-suites bench clean lighthouse screenshots

$(STAMP): pyproject.toml
	@scripts/bootstrap-venv.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

# npm packages from package-lock.json: the map's county boundaries, axe-core for the tests
$(NODE_STAMP): package.json package-lock.json
	@scripts/install-node-deps.sh
	@touch $(NODE_STAMP)

## Build the store from ontology/ and data/ and serve it at http://127.0.0.1:8000
serve: $(STAMP) $(NODE_STAMP)
	$(BIN)/kgraph build
	$(BIN)/kgraph serve

## Run the whole test suite (installs Debian packages the integration tests need)
test: $(STAMP) system-deps $(NODE_STAMP) test-suites
	$(BIN)/python -m pytest -n 2 --dist loadgroup
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

system-deps:
	@scripts/install-system-deps.sh

## The W3C SHACL test suite, from PyPI (pinned, checked), into .cache/ (not kept in git)
test-suites: $(STAMP)
	@PYTHON=$(BIN)/python scripts/fetch-test-suites.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: $(STAMP)
	$(BIN)/mypy

bench: $(STAMP) system-deps
	$(BIN)/pip install -q -e ".[bench]"
	$(BIN)/python benchmarks/run.py --sizes 100000,1000000 --markdown benchmarks/latest.md --json benchmarks/latest.json

## Screenshots of the main pages at 1280 and 375 px into docs/screenshots/
screenshots: $(STAMP) system-deps $(NODE_STAMP)
	$(BIN)/python scripts/screenshots.py

## Lighthouse scores of the home page, a board page and the editor (needs the npm registry once)
lighthouse: $(STAMP) system-deps $(NODE_STAMP)
	scripts/lighthouse.sh

clean:
	rm -rf $(VENV) .kgraph .pytest_cache .mypy_cache .ruff_cache node_modules
