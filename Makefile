VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup system run lint check test bench constraints messages

# Debian packages the page tests drive: a headless Chromium, and a CJK font so that Chinese
# text renders in its screenshots. Installed every time (apt-get is quick when they are there).
SYSTEM_PACKAGES := chromium fonts-noto-cjk
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Every target sets up first: a fresh clone needs nothing installed by hand.
setup: $(VENV)/.installed

# pip runs again only when the dependencies or their pins change, so the daily loop skips it.
$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

run: setup
	$(BIN)/grassroots serve --demo

system:
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The daily loop: lint, types and every test but the browser's and the slow ones; no apt-get.
check: lint
	$(BIN)/python -m pytest -m "not browser and not slow"

# The whole suite, as CI runs it (.ci/run).
test: system lint
	$(BIN)/python -m pytest

bench: system setup
	$(BIN)/python bench/load.py
	$(BIN)/python bench/import.py
	$(BIN)/python bench/queries.py
	$(BIN)/python bench/map.py

# New pins: the newest releases pyproject.toml allows, resolved in a throwaway venv and frozen.
constraints:
	set -e; pins=$$(mktemp -d); trap 'rm -rf "$$pins"' EXIT; \
	python3 -m venv "$$pins"; \
	"$$pins/bin/python" -m pip install --quiet --disable-pip-version-check -e ".[test]"; \
	{ sed -n '/^#/p' constraints.txt; "$$pins/bin/python" -m pip freeze --exclude-editable; } > "$$pins/constraints.txt"; \
	mv "$$pins/constraints.txt" constraints.txt

# The message catalogue (CONTRIBUTING.md, "Messages and languages"): every msgid the code marks with _() or N_(),
# merged into the English catalogue; a new one arrives with an empty msgstr to fill in, a gone one leaves.
MESSAGE_DIRS := graph service api cli loaders visualizations
messages: setup
	set -e; pot=$$(mktemp); trap 'rm -f "$$pot"' EXIT; \
	$(BIN)/pybabel -q extract --no-location --sort-output --no-wrap -k N_ -o "$$pot" $(MESSAGE_DIRS); \
	$(BIN)/pybabel -q update -i "$$pot" -d graph/locale -D messages -l en --no-wrap --no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
