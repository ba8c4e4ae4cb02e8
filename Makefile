# Two commands for a fresh machine with Python 3.11: `make build` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint golden clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("bilingual needs Python 3.11 or newer, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lingua]'
	touch $(STAMP)

## build: set up .venv and build articles/ into output/
build: $(STAMP)
	$(BIN)/bilingual build

## test: lint and run the test suite
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## golden: regenerate tests/golden/ after an intended change to the output
golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) output .pytest_cache .ruff_cache *.egg-info
