"""new-year and new-unit through the real CLI, on a copy of the example content."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "fixtures" / "examples"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=ROOT, capture_output=True, text=True
    )


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(EXAMPLES, target)
    return target


def check_lines(content: Path) -> list[str]:
    result = run("check", "-c", str(content), "--no-cache", "--info")
    return result.stdout.splitlines() + result.stderr.splitlines()


def test_new_year_copies_the_latest_year(content: Path) -> None:
    result = run("new-year", "fengnan-renda", "-c", str(content))
    assert result.returncode == 0, result.stderr
    budget = yaml.safe_load((content / "units/fengnan-renda/2024/budget.yaml").read_text("utf-8"))
    assert budget["year"] == 2024
    assert budget["fixed_assets"]["as_of"] == "2023-12-31"
    assert "acknowledged" not in budget and "previous_year" not in budget
    # The dropped acknowledgement (P004 in the 2023 file) is named in the output.
    original = yaml.safe_load((content / "units/fengnan-renda/2023/budget.yaml").read_text("utf-8"))
    assert original["year"] == 2023
    assert "已去掉：acknowledged：P004" in result.stdout
    assert "已去掉：previous_year" in result.stdout


def test_new_year_refuses_an_existing_year(content: Path) -> None:
    before = sorted(p.relative_to(content) for p in content.rglob("*"))
    result = run("new-year", "langfang-renda", "--year", "2023", "-c", str(content))
    assert result.returncode != 0
    assert "已存在" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.relative_to(content) for p in content.rglob("*")) == before


def test_check_lists_the_marked_amounts(content: Path) -> None:
    assert run("new-year", "fengnan-renda", "-c", str(content)).returncode == 0
    marked = [line for line in check_lines(content) if " I001 " in line]
    assert marked and all("fengnan-renda/2024/narrative.md" in line for line in marked)
    # 1043.55 万元 is 2023's 收入总计 in the published text; carried into 2024 it must be reviewed.
    assert any("1043.55万元" in line for line in marked)


def test_new_unit_checks_apart_from_what_the_officer_fills(content: Path) -> None:
    result = run(
        "new-unit", "test-ju", "--name", "测试局", "--profile", "hebei-langfang-unit",
        "-y", "2023", "-c", str(content),
    )
    assert result.returncode == 0, result.stderr
    unit = content / "units/test-ju"
    assert (unit / "unit.yaml").exists() and (unit / "2023/budget.yaml").exists()
    reported = [line for line in check_lines(content) if "test-ju" in line]
    codes = {line.split()[1] for line in reported if "[错误]" in line or "[警告]" in line}
    assert reported and codes == {"I001"}
