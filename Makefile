VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system run test bench

# Debian packages the page tests drive: a headless Chromium, and a CJK font so that Chinese
# text renders in its screenshots. Installed every time (apt-get is quick when they are there).
SYSTEM_PACKAGES := chromium fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every target sets up first: a fresh clone needs nothing installed by hand.
setup:
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

run: setup
	$(BIN)/grassroots serve --demo

system:
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null

test: system setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: system setup
	$(BIN)/python bench/load.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/queries.py
	$(BIN)/python bench/map.py
