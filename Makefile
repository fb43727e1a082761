# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/pybabel compile --statistics -d webui/translations 2>&1 | tail -n 2

run: install
	$(BIN)/reintegra init
	$(BIN)/reintegra run --demo

test: install
	bash .ci/ensure-postgres
	bash .ci/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/mypy engine webui
	$(BIN)/python -m pytest

bench: install
	$(BIN)/python bench/run_all.py
