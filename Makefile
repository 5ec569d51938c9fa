# ModLens: `make run` starts the dashboard, `make test` runs every test (browser tests included).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
DATA_DIR ?= ../shared/data

.PHONY: run test install install-dev chromium default-model lint benchmarks clean

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

## Start the dashboard on http://localhost:$(PORT) with the bundled default model.
run: install
	$(BIN)/python -m streamlit run app.py --server.port $(PORT)

## Install Debian's chromium for the browser tests (only as root, only when missing).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = "0" ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
		else \
			echo "chromium missing and not root: browser tests will be skipped (apt-get install chromium)"; \
		fi; \
	fi

## Run every test: unit, AppTest and browser tests.
test: install-dev chromium
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .

## Rebuild the bundled default model from the public datasets in $(DATA_DIR): a baseline without debiasing (for the
## card's before/after table), then the recipe with three seeds, keeping the best within their spread (about an
## hour on 2 cores). Deterministic: the same data and seeds give the same weights.
default-model: install
	$(BIN)/python -m core train --public all --data-dir $(DATA_DIR) --out assets/model --preset default --debias \
		--debias-sentences 16 --contrast 60 --obfuscate 0.05 --dataset-weight jigsaw=2 --dataset-weight jigsaw_more=1.5 \
		--seeds 13,21,34 --card-appendix docs/default-model-v4.md --name modlens-default-v4

benchmarks: install-dev
	$(BIN)/python benchmarks/score_throughput.py
	$(BIN)/python benchmarks/bias_metrics.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
