# The two commands of the README: `make site` builds the example site and PDFs, `make test` runs the tests.
PYTHON ?= python3

.PHONY: setup site test check golden bench

setup:
	bash scripts/setup.sh

site: setup
	$(PYTHON) -m generator build --pdf --compendium  # pages and PDFs share one pass and one set of charts

test: setup
	$(PYTHON) -m pytest -q

check: setup
	$(PYTHON) -m generator check

golden: setup
	UPDATE_GOLDEN=1 $(PYTHON) -m pytest -q tests -k golden

# Screenshots of every page kind at 1280 and 390 px and of every PDF page, into build/shots/ (scripts/shots.py).
.PHONY: shots
shots: setup
	$(PYTHON) scripts/shots.py
