"""The set-up the README promises: its two commands, with and without make, in a project environment
(.venv, since Debian 12's Python refuses pip, PEP 668), and CI running the README's test command.
The scripts are not run here (they install system packages); they are parsed by bash and read."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_scripts_are_valid_bash():
    for script in ("scripts/setup.sh", "scripts/site.sh", "scripts/test.sh", ".ci/run"):
        result = subprocess.run(["bash", "-n", str(ROOT / script)], capture_output=True, text=True)
        assert result.returncode == 0, (script, result.stderr)


def test_readme_commands_exist_with_and_without_make():
    readme = read("README.md")
    assert "make site" in readme and "make test" in readme
    assert "bash scripts/site.sh" in readme and "bash scripts/test.sh" in readme
    assert "build/site/index.html" in readme and "budgetsite serve" in readme  # how to look at the result
    makefile = read("Makefile")
    assert re.search(r"^site:\n\tbash scripts/site\.sh$", makefile, re.M)
    assert re.search(r"^test:\n\tbash scripts/test\.sh$", makefile, re.M)
    assert "PYTHON := .venv/bin/python" in makefile


def test_setup_installs_make_and_venv_and_uses_the_project_environment():
    setup = read("scripts/setup.sh")
    packages = re.search(r"SYSTEM_PACKAGES=\(([^)]*)\)", setup).group(1).split()
    assert "make" in packages and "chromium" in packages and "fonts-noto-cjk" in packages
    assert "-venv" in setup and '-m venv "$VENV"' in setup and "VENV=.venv" in setup
    # pip only ever runs in the project environment, never into the system Python
    assert [line for line in setup.splitlines() if "pip install" in line and not line.startswith("#")] == [
        '  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[test]"']
    for script in ("scripts/site.sh", "scripts/test.sh"):
        text = read(script)
        assert "bash scripts/setup.sh" in text and "exec .venv/bin/python -m " in text
    assert ".venv/" in read(".gitignore").splitlines()


def test_ci_runs_the_readme_test_command_then_the_strict_check():
    run = [line for line in read(".ci/run").splitlines() if line and not line.startswith("#")]
    assert run[-2:] == ["if command -v make >/dev/null 2>&1; then make test; else bash scripts/test.sh; fi",
                        ".venv/bin/python -m generator check --strict"]
