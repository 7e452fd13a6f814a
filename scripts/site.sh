#!/usr/bin/env bash
# `make site` without make: installs what is needed, then builds the example site and PDFs into build/site/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m generator build --pdf --compendium "$@"  # pages and PDFs share one pass and one set of charts
