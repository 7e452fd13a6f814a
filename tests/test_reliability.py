"""Hostile or broken content, as data (tests/reliability_cases.yaml): each case changes a copy of the
example content and runs the real CLI (`check`, and `build` unless the case says otherwise) in a
separate process. Each must end with the expected located diagnostic and exit status, never a traceback
or a crash, and a refused build writes nothing."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).parent
EXAMPLES = HERE / "fixtures" / "examples"
CASES = yaml.safe_load((HERE / "reliability_cases.yaml").read_text(encoding="utf-8"))
# file[:line[:col]]: CODE — a problem with a whole file or folder names just the file
LOCATED = re.compile(r"^(?P<file>\S[^\n]*?)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?: (?P<code>[A-Z]\d{3}) ", re.M)


def _text(step: dict) -> str:
    if "repeat" in step:  # a long text made of `repeat` written `times` times
        return step.get("prefix", "") + step["repeat"] * step["times"] + step.get("suffix", "")
    return step["text"]


def _apply(step: dict, content: Path, outside: Path) -> None:
    """One change: write/append a file (text, optionally in another encoding), replace text in it,
    copy one (`from`), remove it, or put a symbolic link (`to` relative to the link, or `outside:NAME` for a file
    written beside content/)."""
    path = content / step["path"]
    if "write" == step["do"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_text(step).encode(step.get("encoding", "utf-8")))
    elif "append" == step["do"]:
        with path.open("ab") as out:
            out.write(_text(step).encode(step.get("encoding", "utf-8")))
    elif "replace" == step["do"]:
        text = path.read_text(encoding="utf-8")
        assert step["old"] in text, f"{step['old']!r} not in {path}"
        path.write_text(text.replace(step["old"], step["new"], step.get("count", 1)), encoding="utf-8")
    elif "copy" == step["do"]:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(content / step["from"], path)
    elif "remove" == step["do"]:
        shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    elif "symlink" == step["do"]:
        target = step["to"]
        if target.startswith("outside:"):
            target = outside / target.removeprefix("outside:")
            if not target.exists():  # a copy of the file or folder it replaces, outside content/
                shutil.copytree(path, target) if path.is_dir() else shutil.copyfile(path, target)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        os.symlink(target, path)
    else:  # pragma: no cover - a mistyped case
        raise AssertionError(f"unknown step {step}")


def _run(command: str, content: Path, output: Path) -> subprocess.CompletedProcess:
    args = [sys.executable, "-m", "generator", command, "-c", str(content)]
    if command == "build":
        args += ["-o", str(output), "--no-search", "-j", "1"]
    else:
        args += ["--cache-dir", str(output.parent / "cache")]
    return subprocess.run(args, capture_output=True, text=True, timeout=300, cwd=HERE.parent)


def _params():
    for case in CASES:
        for command in case.get("commands", ["check", "build"]):
            yield pytest.param(case, command, id=f"{case['category']}-{case['name']}-{command}")


@pytest.mark.parametrize(("case", "command"), list(_params()))
def test_reliability_case(case, command, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(EXAMPLES, content, symlinks=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    for step in case["steps"]:
        _apply(step, content, outside)
    output = tmp_path / "out" / "site"
    result = _run(command, content, output)
    shown = f"exit {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    assert "Traceback" not in result.stderr, shown
    assert result.returncode == case.get("exit", 1), shown
    for code in case.get("absent", []):  # what the cause must not drag in (or the accepted input set off)
        assert f" {code} " not in result.stdout + result.stderr, f"{code} reported:\n{shown}"
    if command == "build" and case.get("exit", 1) == 0:  # an accepted site is built; build lists no findings
        assert (output / "index.html").is_file(), shown
        return
    if "code" not in case:  # accepted input: nothing more to find
        return
    located = [m for m in LOCATED.finditer(result.stdout + "\n" + result.stderr) if m.group("code") == case["code"]]
    assert located, f"no located {case['code']}:\n{shown}"
    where = case.get("where")
    if where is not None:
        assert any(where in m.group("file") for m in located), f"{case['code']} not in {where}:\n{shown}"
    if "line" in case:
        assert any(int(m.group("line") or 0) == case["line"] for m in located), shown
    if "found" in case:
        assert case["found"] in result.stdout + result.stderr, shown
    if command == "build" and case.get("exit", 1) != 0:
        assert not output.exists() or not any(output.iterdir()), f"a refused build wrote {list(output.iterdir())}"
