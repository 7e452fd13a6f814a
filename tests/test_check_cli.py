"""The real command line, run as a subprocess the way an author and CI run it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from generator.rules import load_all
from generator.yamlsource import load_yaml

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import UNIT_ID, YEAR, SiteTree
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree

D = Decimal
REPO = Path(__file__).resolve().parents[1]
EXAMPLE_CONTENT = REPO / "content"
BUDGET_DISPLAY = f"content/units/{UNIT_ID}/{YEAR}/budget.yaml"


def budgetsite(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    # The checkout under test comes first, whatever copy of the package is installed.
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": path}
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True,
                            text=True, encoding="utf-8", timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def check(tree: SiteTree, *options: str) -> subprocess.CompletedProcess:
    tree.write()
    return budgetsite("check", "--content", "content", *options, cwd=tree.root)


def published_asset_total_of_61(tree: SiteTree) -> None:
    """The published 资产总额 (61) differs from the sum of its categories (60): A001 and nothing else."""
    tree.patch_budget({"fixed_assets": {"total": D("61.00")}})
    tree.replace_in_narrative("固定资产金额为60.00万元", "固定资产金额为61.00万元")


def to_plain(value):
    """YAML data as jsonschema sees JSON: Decimal → float."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_plain(item) for item in value]
    return value


# ---- check: exit codes ----------------------------------------------------------------------


def test_clean_content_exits_0(site_tree):
    result = check(site_tree)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == result.stdout.strip().splitlines()[-1]  # nothing but the summary
    assert "检查了 1 个单位、1 份公开：0 个错误，0 个警告" in result.stdout


def test_errors_exit_1_with_located_chinese_diagnostics(site_tree):
    published_asset_total_of_61(site_tree)
    result = check(site_tree)
    assert result.returncode == 1
    match = re.search(rf"^{re.escape(BUDGET_DISPLAY)}:(\d+):(\d+): A001 \[错误\] 资产总额与各类资产价值之和不符"
                      r"（应为 60\.00，实为 61\.00，差额 \+1\.00）$", result.stdout, re.MULTILINE)
    assert match, result.stdout
    line = int(match.group(1))
    assert "total: 61.00" in (site_tree.root / BUDGET_DISPLAY).read_text(encoding="utf-8").splitlines()[line - 1]
    assert "检查了 1 个单位、1 份公开：1 个错误，0 个警告" in result.stdout


def test_bad_yaml_exits_1_without_traceback(site_tree):
    site_tree.put_file(f"units/{UNIT_ID}/{YEAR}/budget.yaml", "year: 2023\nfunctional: [\n  {code: 1\n")
    result = check(site_tree)
    assert result.returncode == 1
    assert re.search(rf"^{re.escape(BUDGET_DISPLAY)}:\d+:\d+: S001 \[错误\] YAML 语法错误", result.stdout, re.MULTILINE)


def test_missing_content_folder_is_a_usage_error(tmp_path):
    result = budgetsite("check", "--content", "no-such-folder", cwd=tmp_path)
    assert result.returncode == 2
    assert "内容目录不存在" in result.stderr


def test_unknown_option_is_a_usage_error(site_tree):
    site_tree.write()
    result = budgetsite("check", "--content", "content", "--frobnicate", cwd=site_tree.root)
    assert result.returncode == 2
    assert "--frobnicate" in result.stderr


def test_unknown_format_is_a_usage_error(site_tree):
    assert check(site_tree, "--format", "xml").returncode == 2


def test_strict_turns_warnings_into_failure(site_tree):
    site_tree.year().budget["functional"][1]["code"] = "2010198"  # not in the catalogue: C001, a warning
    relaxed = check(site_tree)
    assert relaxed.returncode == 0, relaxed.stdout
    assert re.search(rf"^{re.escape(BUDGET_DISPLAY)}:\d+:\d+: C001 \[警告\]", relaxed.stdout, re.MULTILINE)
    assert "0 个错误，1 个警告" in relaxed.stdout
    assert check(site_tree, "--strict").returncode == 1


def test_stale_acknowledgement_is_a_warning(site_tree):
    site_tree.patch_budget({"acknowledged": [{"rule": "A001", "at": "fixed_assets.total", "reason": "早已改正"}]})
    assert check(site_tree).returncode == 0
    strict = check(site_tree, "--strict")
    assert strict.returncode == 1
    assert re.search(rf"^{re.escape(BUDGET_DISPLAY)}:\d+:\d+: D001 \[警告\]", strict.stdout, re.MULTILINE)


def test_acknowledged_deviation_exits_0_and_says_so(site_tree):
    published_asset_total_of_61(site_tree)
    site_tree.patch_budget(
        {"acknowledged": [{"rule": "A001", "at": "fixed_assets.total", "reason": "公开文本资产总额即为61.00万元"}]})
    result = check(site_tree, "--strict")
    assert result.returncode == 0, result.stdout
    assert re.search(rf"^{re.escape(BUDGET_DISPLAY)}:\d+:\d+: A001 \[已确认偏差\]", result.stdout, re.MULTILINE)
    assert "确认理由：公开文本资产总额即为61.00万元" in result.stdout
    assert "1 个已确认偏差" in result.stdout


def test_info_is_shown_only_on_request(site_tree):
    site_tree.replace_in_narrative("全部收入和支出都反映在预算中。", "全部收入和支出都反映在预算中，另安排经费12.5万元。")
    quiet = check(site_tree)
    assert quiet.returncode == 0 and "N009" not in quiet.stdout and "1 个提示" in quiet.stdout
    assert "N009 [提示]" in check(site_tree, "--info").stdout


# ---- check: JSON output --------------------------------------------------------------------


def test_json_output(site_tree):
    published_asset_total_of_61(site_tree)
    site_tree.replace_in_narrative("全部收入和支出都反映在预算中。", "全部收入和支出都反映在预算中，另安排经费12.5万元。")
    result = check(site_tree, "--format", "json")
    assert result.returncode == 1
    payload = json.loads(result.stdout)
    assert {"units": 1, "disclosures": 1, "errors": 1, "warnings": 0, "info": 1}.items() <= payload["summary"].items()
    by_code = {d["code"]: d for d in payload["diagnostics"]}
    assert set(by_code) == {"A001", "N009"}  # info is included in JSON
    a001 = by_code["A001"]
    assert {"file", "line", "column", "code", "severity", "message", "expected", "found", "difference",
            "acknowledged", "unit", "year", "subject"} <= set(a001)
    assert a001["file"] == BUDGET_DISPLAY and a001["line"] > 0 and a001["column"] > 0
    assert (a001["expected"], a001["found"], a001["difference"]) == ("60.00", "61.00", "+1.00")
    assert (a001["severity"], a001["unit"], a001["year"], a001["subject"]) == ("error", UNIT_ID, YEAR,
                                                                                "fixed_assets.total")
    assert a001["acknowledged"] is None
    assert by_code["N009"]["file"] == f"content/units/{UNIT_ID}/{YEAR}/narrative.md"


def test_json_output_of_a_clean_tree(site_tree):
    result = check(site_tree, "--format", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["diagnostics"] == []


# ---- rules and explain ------------------------------------------------------------------------


def test_rules_lists_every_code():
    result = budgetsite("rules")
    assert result.returncode == 0
    listed = re.findall(r"^([A-Z]\d{3})\s+\[(错误|警告|提示)\]\s+(\S.*)$", result.stdout, re.MULTILINE)
    registry = load_all()
    assert [code for code, _, _ in listed] == sorted(registry)
    assert all(registry[code].title == title for code, _, title in listed)


def test_explain_prints_why_and_how():
    spec = load_all()["B001"]
    result = budgetsite("explain", "b001")
    assert result.returncode == 0
    assert result.stdout.startswith(f"B001 {spec.title}")
    assert spec.rationale in result.stdout and spec.fix in result.stdout and spec.example in result.stdout


def test_explain_unknown_code_exits_2():
    result = budgetsite("explain", "ZZZ9")
    assert result.returncode == 2
    assert "ZZZ9" in result.stderr and result.stdout == ""


# ---- schema -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def budget_schema() -> dict:
    result = budgetsite("schema")
    assert result.returncode == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def test_schema_validates_every_example_budget(budget_schema):
    validator = jsonschema.Draft202012Validator(budget_schema)
    budgets = sorted(EXAMPLE_CONTENT.glob("units/*/*/budget.yaml"))
    assert budgets
    for path in budgets:
        doc = load_yaml(path)
        assert not doc.problems, path
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(to_plain(doc.data))]
        assert not errors, f"{path}: {errors}"


def test_schema_rejects_what_check_rejects(budget_schema):
    validator = jsonschema.Draft202012Validator(budget_schema)
    assert not validator.is_valid({"year": 2023, "totals": {"income": {"totl": 1}}})  # unknown key
    assert not validator.is_valid({"totals": {}})  # year is required
    assert not validator.is_valid({"year": 2023, "functional": [{"code": "20101011", "basic": 1}]})  # code shape
    assert validator.is_valid({"year": 2023, "functional": [{"code": "2010101", "basic": 1.5}]})


@pytest.mark.parametrize("kind, files", [("unit", "units/*/unit.yaml"), ("site", "site.yaml")])
def test_schema_of_other_kinds_validates_the_examples(kind, files, tmp_path):
    target = tmp_path / "schemas" / f"{kind}.json"
    result = budgetsite("schema", "--kind", kind, "-o", str(target))
    assert result.returncode == 0 and target.exists()
    schema = json.loads(target.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    paths = sorted(EXAMPLE_CONTENT.glob(files))
    assert paths
    for path in paths:
        assert validator.is_valid(to_plain(load_yaml(path).data)), path


def test_schema_unknown_kind_exits_2():
    result = budgetsite("schema", "--kind", "nonsense")
    assert result.returncode == 2
    assert "nonsense" in result.stderr


# ---- check: the narrative's statements, each verified, contradicted or not verifiable ---------


def _statement_cases(tree: SiteTree) -> None:
    """One statement the data contradicts; last year's 三公 recorded only as a subtotal, so the 三公's
    持平 is checked and its three parts' changes have no previous figure; one amount unrecognised."""
    tree.replace_in_narrative("一般公共预算收入100.00万元", "一般公共预算收入100.01万元")
    tree.year().budget["previous_year"]["three_public"] = {"subtotal": D("9.50")}
    tree.replace_in_narrative("全部收入和支出都反映在预算中。", "全部收入和支出都反映在预算中，另安排经费12.5万元。")


def test_info_lists_every_statement_with_its_state(site_tree):
    _statement_cases(site_tree)
    quiet = check(site_tree)
    assert "正文中有 4 处金额未能核对" in quiet.stdout  # three parts' changes (N013), and the 12.5 (N009)
    lines = check(site_tree, "--info").stdout.splitlines()
    narrative = f"content/units/{UNIT_ID}/{YEAR}/narrative.md"
    listed = [line.strip() for line in lines if line.startswith(f"  {narrative}:")]
    assert any("不符 [N001] 一般公共预算拨款收入 正文 100.01，数据 100" in line for line in listed), listed
    assert any("一致 本年收入合计 正文 100，数据 100" in line for line in listed), listed
    assert any("一致 比上年增减：“三公”经费 正文 持平，数据 0" in line for line in listed), listed
    assert any("无法核对 [N013] 比上年增减：公务接待费 正文 0" in line and "无上年数" in line for line in listed)
    assert any("无法核对 [N009] 未识别的金额 正文 12.5" in line for line in listed), listed
    totals = next(line for line in lines if line.startswith("共 "))
    assert totals == f"共 {len(listed)} 处：一致 {len(listed) - 5}，不符 1，无法核对 4"


def test_json_lists_every_statement_also_from_the_cache(site_tree):
    _statement_cases(site_tree)
    first = json.loads(check(site_tree, "--format", "json").stdout)
    second = json.loads(check(site_tree, "--format", "json").stdout)  # the unit's result comes from the cache
    assert first["statements"] == second["statements"] and first["statements"]
    rows = first["statements"]
    assert first["summary"]["statements"] == {"verified": len(rows) - 5, "contradicted": 1, "unverifiable": 4}
    wrong = next(r for r in rows if r["state"] == "contradicted")
    assert (wrong["figure"], wrong["stated"], wrong["data"], wrong["codes"]) == \
        ("income.general_budget", "100.01", "100", ["N001"])
    assert site_tree.line(wrong["file"], wrong["line"])[wrong["column"] - 1:].startswith("100.01万元")
    unchecked = {r["figure"]: r for r in rows if r["state"] == "unverifiable"}
    assert unchecked["change.three_public.reception"]["reason"] == "无上年数（previous_year 中没有公务接待费）"
    assert unchecked["change.three_public.reception"]["data"] is None
    assert {"unit", "year", "kind", "label", "excerpt"} <= set(wrong)
