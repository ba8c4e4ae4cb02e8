# Two commands for a fresh machine with Python 3.11: `make build` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test lint golden validators screenshots fuzz docs clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("bilingual needs Python 3.11 or newer, found " + sys.version.split()[0] if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lingua]'
	touch $(STAMP)

## build: set up .venv and build articles/ into output/
build: $(STAMP)
	$(BIN)/bilingual build

## test: lint and run the test suite (on every core: pyproject.toml's addopts)
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## validators: the Nu Html Checker and axe-core for the test suite (needs npm; Chromium and
## Java come from Debian: apt-get install chromium default-jre-headless)
VALIDATORS := tools/validators/node_modules/.installed
$(VALIDATORS): tools/validators/package-lock.json
	cd tools/validators && npm ci --no-audit --no-fund --loglevel=error
	touch $(VALIDATORS)
validators: $(VALIDATORS)

## screenshots: docs/screenshot-sv.png and docs/screenshot-en.png of the bundled site
screenshots: $(STAMP)
	$(BIN)/python tools/screenshots.py

## fuzz: the property tests with 10,000 examples each (make test runs 150)
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=thorough BILINGUAL_FUZZ_BUILDS=10000 $(BIN)/python -m pytest \
		tests/test_properties.py tests/test_plainmatter.py \
		--hypothesis-show-statistics

## docs: regenerate docs/config.md from the config schema
docs: $(STAMP)
	$(BIN)/python -m pipeline.config > docs/config.md

## golden: regenerate tests/golden/ after an intended change to the output
golden: $(STAMP)
	$(BIN)/python -m pytest tests/test_golden.py --update-golden

clean:
	rm -rf $(VENV) output .cache .pytest_cache .ruff_cache *.egg-info tools/validators/node_modules
