# ModLens: `make run` starts the dashboard, `make test` runs every test (browser tests included).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
ADDRESS ?= 127.0.0.1
DATA_DIR ?= ../shared/data

.PHONY: run test install install-dev chromium postgresql default-model lint benchmarks clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run

install-dev: $(VENV)/.installed-dev

## Start the dashboard on http://$(ADDRESS):$(PORT) with the bundled default model (this machine only; see README
## "Running the dashboard for a team" before changing ADDRESS).
run: install
	$(BIN)/python -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT)

## Install Debian's chromium for the browser tests (only as root, only when missing).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "chromium missing and not root: browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi

## Install Debian's PostgreSQL server for the store tests (only as root, only when missing); the tests
## start a throwaway cluster of their own from its binaries.
postgresql:
	@if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; \
		else \
			echo "PostgreSQL missing and not root: PostgreSQL tests will be skipped (apt-get install postgresql)"; \
		fi; \
	fi

## Run every test: unit, AppTest, PostgreSQL and browser tests, in two processes (pytest-xdist; a test file stays in
## one process, so its module fixtures are built once). About 20 minutes on 2 cores (one process: about 40).
test: install-dev chromium postgresql
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: install-dev
	$(BIN)/ruff check .

## Rebuild the bundled default model from the public datasets in $(DATA_DIR): a baseline without debiasing (for the
## card's before/after table), then the recipe with three seeds, keeping the best within their spread (about 15
## minutes on 2 idle cores). Deterministic: the same data and seeds give the same weights.
default-model: install
	$(BIN)/python -m core train --public all --data-dir $(DATA_DIR) --out assets/model --overwrite --preset default --debias \
		--debias-sentences 48 --identity-weight 2.5 --contrast 60 --obfuscate 0.05 --dataset-weight jigsaw=3 \
		--dataset-weight jigsaw_more=2 --vocab-size 30000 --seeds 13,21,34 --read-normalizer robust2 \
		--card-appendix docs/default-model-v9.1.md --name modlens-default-v9.1

benchmarks: install-dev
	$(BIN)/python benchmarks/score_throughput.py
	$(BIN)/python benchmarks/ray_scaling.py
	$(BIN)/python benchmarks/bias_metrics.py
	$(BIN)/python benchmarks/review_store.py
	$(BIN)/python benchmarks/post_markers.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
