# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test install lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# bpmn-js for the diagram editor, exactly as package-lock.json pins it; served from node_modules, never committed.
$(NODE_STAMP): package.json package-lock.json
	bash .ci/ensure-node
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)
	bash .ci/ensure-pango
	$(BIN)/pybabel compile --statistics -d webui/translations 2>&1 | tail -n 2

run: install
	$(BIN)/reintegra init
	$(BIN)/reintegra run --demo

test: install
	bash .ci/ensure-postgres
	bash .ci/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy engine webui
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=25

bench: install
	$(BIN)/python bench/run_all.py
