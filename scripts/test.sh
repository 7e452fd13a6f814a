#!/usr/bin/env bash
# `make test` without make: installs what is needed, then runs the test suite (arguments go to pytest).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m pytest -q "$@"
