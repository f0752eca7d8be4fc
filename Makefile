# replylint. The README names two commands for a fresh machine: `make serve` and `make test`.
# Both create .venv on first use and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.stamp-runtime
FULL_STAMP := $(VENV)/.stamp-full
GRAMMAR_STAMP := tests/grammar/node_modules/.stamp-npm-ci
EXT := browser_extension
EXT_STAMP := $(EXT)/node_modules/.stamp-npm-ci

.PHONY: serve check-samples test test-python lint model bench bench-api clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime + API only: no torch, no transformers.
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[api]'
	touch $@

# Everything the tests need, training included.
$(FULL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[api,train,dev,postgres,spark]'
	touch $@ $(RUNTIME_STAMP)

## The main job: the HTTP API with the shipped model on 127.0.0.1:8000 (see docs/api.md).
serve: $(RUNTIME_STAMP)
	$(BIN)/replylint serve

## Lint the sample drafts with the CLI (exit 1 just means findings were reported).
check-samples: $(RUNTIME_STAMP)
	$(BIN)/replylint check --jsonl examples/drafts.jsonl || [ $$? -eq 1 ]

## The whole test suite: Python (core, model, training smoke run, API, rewrites with the harper.js
## grammar checker), then the browser extension in Chromium.
test: test-python test-extension

test-python: $(FULL_STAMP) $(GRAMMAR_STAMP) postgresql
	command -v java >/dev/null 2>&1 || (apt-get update && apt-get install -y openjdk-17-jre-headless)  # Spark tests (batch)
	REPLYLINT_REQUIRE_POSTGRES=1 $(BIN)/python -m pytest

## The feedback tests run on SQLite and on a real PostgreSQL server, which the tests start on a
## free port on 127.0.0.1 (initdb into a temporary folder) and stop; here it is only installed.
.PHONY: postgresql
postgresql:
	command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update && apt-get install -y postgresql)

$(GRAMMAR_STAMP): tests/grammar/package.json tests/grammar/package-lock.json
	command -v npm >/dev/null 2>&1 || (apt-get update && apt-get install -y nodejs npm)
	cd tests/grammar && npm ci --no-audit --no-fund
	touch $@

## Rebuild the shipped model from scratch: generate data, fine-tune, export int8 ONNX, calibrate,
## evaluate and write models/replylint-minilm-l1/MODEL_CARD.md (about 10-15 minutes on 2 cores).
model: $(FULL_STAMP)
	$(BIN)/python -u -m training.pipeline training/configs/replylint-minilm-l1.yaml

lint: $(FULL_STAMP)
	$(BIN)/ruff check linter api training tests benchmarks
	$(BIN)/ruff format --check linter api training tests benchmarks

bench: $(RUNTIME_STAMP)
	$(BIN)/python -m benchmarks

## The API alone under load (live server on 127.0.0.1; about two minutes).
bench-api: $(RUNTIME_STAMP)
	$(BIN)/python -m benchmarks api

clean-venv:
	rm -rf $(VENV)

## The browser extension: unit tests in Node, then end to end in Debian's Chromium (headless)
## against a real API server the tests start on 127.0.0.1. Installs Node, Chromium and the npm
## devDependencies when they are missing (apt-get needs root, as on CI).
$(EXT_STAMP): $(EXT)/package.json $(EXT)/package-lock.json
	command -v npm >/dev/null 2>&1 || (apt-get update && apt-get install -y nodejs npm)
	cd $(EXT) && npm ci --no-audit --no-fund
	touch $@

.PHONY: test-extension
test-extension: $(FULL_STAMP) $(EXT_STAMP)
	[ -x /usr/bin/chromium ] || (apt-get update && apt-get install -y chromium)
	cd $(EXT) && node --test tests/unit/*.test.js
	cd $(EXT) && node --test tests/e2e/*.test.mjs
