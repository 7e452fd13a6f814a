"""`budgetsite review BASE` on a temporary repository: a pull request that corrects one disclosure
and adds another unit is listed with its check result and the lines it changed."""

from __future__ import annotations

import json
from decimal import Decimal as D

from typer.testing import CliRunner

from generator.cli import app

try:
    from conftest import UNIT_ID, YEAR, SiteTree
    from test_versions import commit, git
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree
    from tests.test_versions import commit, git


def pull_request(tmp_path):
    tree = SiteTree(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tree, "2023-02-10", "公开")
    git(tmp_path, "checkout", "-q", "-b", "fix")
    budget = tree.year().budget
    budget["functional"][0]["basic"] = D("45.00")
    budget["functional"][4]["basic"] = D("15.00")
    tree.add_unit("other-office")
    commit(tree, "2023-03-15", "更正并新增单位")
    return tree


def test_review_lists_changed_disclosures_with_check_and_diff(tmp_path):
    tree = pull_request(tmp_path)
    result = CliRunner().invoke(app, ["review", "main", "--content", str(tree.content), "--format", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    by_unit = {d["unit"]: d for d in payload["disclosures"]}
    assert by_unit["other-office"]["status"] == "新增"
    changed = by_unit[UNIT_ID]
    assert changed["status"] == "修改" and changed["year"] == YEAR and changed["passed"]
    lines = {l["key"]: l for s in changed["changes"] for l in s["lines"]}
    assert (lines["2010101"]["before"], lines["2010101"]["after"], lines["2010101"]["change"]) == ("50.00", "45.00", "-5.00")


def test_review_markdown_and_a_failing_change(tmp_path):
    tree = pull_request(tmp_path)
    tree.year().budget["functional"][0]["basic"] = D("44.00")  # the totals no longer add up
    tree.write()
    result = CliRunner().invoke(app, ["review", "main", "--content", str(tree.content)])
    assert result.exit_code == 1
    assert "❌" in result.output and f"| {UNIT_ID} | {YEAR} | 修改 |" in result.output
    assert "　　2010101 行政运行 | 50.00 | 44.00 | -6.00 | -12.0% |" in result.output  # a 项 under its 款


def test_review_of_an_unknown_ref_is_a_usage_error(tmp_path):
    tree = pull_request(tmp_path)
    result = CliRunner().invoke(app, ["review", "no-such-ref", "--content", str(tree.content)])
    assert result.exit_code == 2 and "no-such-ref" in result.output
