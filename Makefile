# The two commands of the README: `make site` builds the example site and PDFs, `make test` runs the tests.
# Where make is not installed yet, `bash scripts/site.sh` and `bash scripts/test.sh` do the same (and
# scripts/setup.sh installs make). Everything runs in the project environment .venv (scripts/setup.sh).
PYTHON := .venv/bin/python

.PHONY: setup site test check golden bench

setup:
	bash scripts/setup.sh

site:
	bash scripts/site.sh

test:
	bash scripts/test.sh

check: setup
	$(PYTHON) -m generator check

golden: setup
	UPDATE_GOLDEN=1 $(PYTHON) -m pytest -q tests -k golden

# Screenshots of every page kind at 1280 and 390 px and of every PDF page, into build/shots/ (scripts/shots.py).
.PHONY: shots
shots: setup
	$(PYTHON) scripts/shots.py
