#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: system packages (make, CJK fonts,
# HarfBuzz subsetting for fast WeasyPrint, poppler, Chromium for the browser tests, python3-venv) and a
# project virtual environment `.venv` holding the Python package with its test extras (Debian 12's system
# Python refuses `pip install`, PEP 668). Idempotent and quick when everything is there: one dpkg query and
# one import check. Elsewhere (no apt-get) the system packages are left to the user; the venv is still made.
# PYTHON: the Python (≥ 3.11) the venv is made from (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
SYSTEM_PACKAGES=(make fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
                 poppler-utils chromium git)

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "需要 Python 3.11 或更高版本（PYTHON=$PYTHON）" >&2
  exit 1
fi
# venv needs ensurepip, which Debian ships separately (python3.11-venv for Python 3.11)
if [ ! -x "$VENV/bin/python" ] && ! "$PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  SYSTEM_PACKAGES+=("python$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')-venv")
fi

if command -v dpkg >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for package in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "Installing system packages: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "Not a Debian system: install these (or your system's equivalents) yourself: ${SYSTEM_PACKAGES[*]}" >&2
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating the project environment $VENV"
  "$PYTHON" -m venv "$VENV"
fi
# Installed when something is missing or pyproject.toml changed since the last install
if ! "$VENV/bin/python" -c "import importlib.util as u, sys; sys.exit(not all(map(u.find_spec, ['generator', 'pytest', 'weasyprint', 'vl_convert', 'pagefind'])))" >/dev/null 2>&1 \
   || [ pyproject.toml -nt "$VENV/.installed" ]; then
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"
  touch "$VENV/.installed"
fi
