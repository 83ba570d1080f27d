VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup run test bench

# Every target sets up first: a fresh clone needs nothing installed by hand.
setup:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

run: setup
	$(BIN)/grassroots serve --demo

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: setup
	$(BIN)/python bench/load.py
