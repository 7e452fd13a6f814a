#!/usr/bin/env bash
# Installs everything the project needs on a fresh Debian machine: system packages (CJK fonts,
# HarfBuzz subsetting for fast WeasyPrint, poppler, Chromium for the accessibility test) and the
# Python package with its test extras. Idempotent: skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(fonts-noto-cjk fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 poppler-utils chromium git)
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

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c "import generator, pytest, weasyprint, vl_convert, pagefind" >/dev/null 2>&1 \
   || [ pyproject.toml -nt .cache/.installed ]; then
  "$PYTHON" -m pip install -q --disable-pip-version-check -e ".[test]"
  mkdir -p .cache && touch .cache/.installed
fi
