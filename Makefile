# Two commands on a fresh machine: `make test` and `make lab` set everything up themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstalled whenever pyproject.toml or this file changes.
STAMP := $(VENV)/.installed

# `make lab JOURNAL=~/my-journal ARGS=--no-browser`: a journal folder and the command's
# own options (`acutrack lab --help`), for `lab` and `app`.
JOURNAL ?=
ARGS ?=
JOURNAL_ARG := $(if $(JOURNAL),--journal "$(JOURNAL)")

.PHONY: test check test-clock lab app bench bench-scale calibrate power-table mutate format clean

$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Tests run on every core (pytest-xdist), each module on one worker, so that a module's
# costly fixture (a calibration, a server, a report) is made once; the slowest are listed.
PYTEST := $(BIN)/python -m pytest -n auto --dist loadscope --durations=15

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PYTEST)

# The fast tier, while working: lint, and every test not marked slow, notebook or browser
# (about a minute here). `make test` runs them all.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n auto -q -m "not slow and not notebook and not browser"

# The suite again (browser tests aside) with the clock moved over 400 days ahead, to the
# minutes before a daylight-saving change (Debian's faketime; CI runs it after `test`).
# Tests take "now" from clocks they control: this shows that none reads the wall clock.
test-clock: $(STAMP)
	TZ=Europe/London faketime -f "@$$($(BIN)/python tools/moved_clock.py)" \
		$(PYTEST) -m "not browser" -q -p no:cacheprovider

# The lab saves the kit's notebooks as committed (acutrack/notebook_files.py); in a git
# checkout, git's clean filter also strips what a run adds (outputs, counts) from notebooks
# saved any other way (tools/strip_notebook.py, .gitattributes): nothing to commit.
lab: $(STAMP)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
		git config filter.acutrack-notebook.clean '$(PYTHON) tools/strip_notebook.py'; fi
	$(BIN)/acutrack $(JOURNAL_ARG) lab $(ARGS)

# The kit as an app, with no code in view (Voilà).
app: $(STAMP)
	$(BIN)/acutrack $(JOURNAL_ARG) app $(ARGS)

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run.py

# Journals of 10,000 to 1,000,000 sessions: time and peak memory (a few minutes).
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale.py

# The full calibration table (the test suite runs a short version): a few minutes.
calibrate: $(STAMP)
	$(BIN)/python -m acutrack.stats.calibration

# The power `acutrack plan --new` looks up, simulated anew (acutrack/stats/power_table.csv;
# about 15 minutes).
power-table: $(STAMP)
	$(BIN)/python -m acutrack.stats.power

# Do the tests catch wrong intervals? Curated mutants, each tested on a copy of the
# package (tools/mutate.py): a few minutes, niced so the machine stays usable.
mutate: $(STAMP)
	nice -n 10 $(BIN)/python tools/mutate.py

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
