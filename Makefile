# replylint. The README names two commands for a fresh machine: `make serve` and `make test`.
# Both create .venv on first use and are safe to run again.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.stamp-runtime
FULL_STAMP := $(VENV)/.stamp-full

.PHONY: serve check-samples test test-python lint model bench clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Runtime + API only: no torch, no transformers.
$(RUNTIME_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[api]'
	touch $@

# Everything the tests need, training included.
$(FULL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[api,train,dev]'
	touch $@ $(RUNTIME_STAMP)

## The main job.
serve: check-samples

## Lint the sample drafts with the CLI (exit 1 just means findings were reported).
check-samples: $(RUNTIME_STAMP)
	$(BIN)/replylint check --jsonl examples/drafts.jsonl || [ $$? -eq 1 ]

## The whole test suite.
test: $(FULL_STAMP)
	$(BIN)/python -m pytest

lint: $(FULL_STAMP)
	$(BIN)/ruff check linter api training tests benchmarks
	$(BIN)/ruff format --check linter api training tests benchmarks

bench: $(RUNTIME_STAMP)
	$(BIN)/python -m benchmarks

clean-venv:
	rm -rf $(VENV)
