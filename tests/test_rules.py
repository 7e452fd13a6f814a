"""Every rule: one failing and one passing case, named after its code.

A new rule in the registry without a case here fails `test_every_rule_has_a_case`, so adding a
rule forces adding its test. Each failing case changes one thing in the valid base fixture
(tests/conftest.py) and must produce a diagnostic with that code, pointing at the right file and
at a line that shows the offending value; the passing case (the base, or a variant where the rule
applies and holds) must not. Also here: acknowledgements turn every such diagnostic into an
acknowledged deviation, every rule is documented, docs/rules.md is current, and each documented
failing example really fails.
"""

from __future__ import annotations

import copy
import os
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pytest

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import BUDGET, DELETE, UNIT_ID, YEAR, SiteTree, codes, deep_merge, describe, dump_yaml, of_code
except ImportError:  # pragma: no cover - depends on how pytest was configured
    from tests.conftest import BUDGET, DELETE, UNIT_ID, YEAR, SiteTree, codes, deep_merge, describe, dump_yaml, of_code
from generator.diagnostics import Severity
from generator.rules import load_all
from generator.rules_doc import DOC_PATH

D = Decimal
Setup = Callable[[SiteTree], None]


@dataclass(frozen=True)
class Case:
    fail: Setup  # turns the valid base into content that breaks the rule
    file: Callable[[SiteTree], Path]  # the file the diagnostic must point at
    line_has: str | None = None  # text expected on the reported line
    passing: Setup | None = None  # a variant where the rule applies and holds (default: the base itself)


# ---- small builders for cases --------------------------------------------------------------


def budget(patch: dict, unit: str = UNIT_ID, year: int = YEAR) -> Setup:
    return lambda t: t.patch_budget(patch, unit, year)


def edit(change: Callable[[dict], None]) -> Setup:
    """Change the base budget in place (for list items, which a patch would replace wholesale)."""
    return lambda t: change(t.year().budget)


def narrative(old: str, new: str) -> Setup:
    return lambda t: t.replace_in_narrative(old, new)


def raw_budget(transform: Callable[[str], str]) -> Setup:
    """Write budget.yaml as text, for what a dict cannot express (tabs, duplicate keys)."""

    def setup(t: SiteTree) -> None:
        text = dump_yaml(t.year().budget)
        changed = transform(text)
        assert changed != text, "the transform did not change budget.yaml"
        t.put_file(f"units/{UNIT_ID}/{YEAR}/budget.yaml", changed)

    return setup


def both(*setups: Setup) -> Setup:
    def setup(t: SiteTree) -> None:
        for s in setups:
            s(t)

    return setup


def _set(path: tuple, value) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


def _append(path: tuple, value) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key in path:
            data = data[key]
        data.append(value)

    return change


BUDGET_FILE = lambda t: t.budget_path()  # noqa: E731
NARRATIVE_FILE = lambda t: t.narrative_path()  # noqa: E731
UNIT_FILE = lambda t: t.unit_path()  # noqa: E731
CATALOGUE_FILE = lambda t: t.content / "catalogue" / "functional.yaml"  # noqa: E731


def _catalogue_linked_outside(t: SiteTree) -> None:
    """content/catalogue/functional.yaml, a symbolic link to a file outside content/."""
    outside = t.root / "outside.yaml"
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text('"2010101": 行政运行\n', encoding="utf-8")
    CATALOGUE_FILE(t).parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE_FILE(t).symlink_to(outside)

# Last year's disclosure as a later year's previous_year records it (see BUDGET["previous_year"]).
PRIOR_YEAR = {
    "totals": {
        "income": {"total": D("90.00")},
        "expenditure": {"total": D("90.00"), "basic": D("74.00"), "project": D("16.00"),
                        "personnel": D("56.00"), "public": D("18.00")},
    },
    "three_public": {"outbound": D("0.00"), "vehicle_operation": D("4.50"), "reception": D("5.00")},
}
OTHER_UNIT = "zeta-office"  # sorts after demo-office, so cross-unit findings land on it


def _alias_catalogue(t: SiteTree) -> None:
    """The site's catalogue accepts a second name for 2010101, so only C003 can object."""
    t.put_file("catalogue/functional.yaml", '"2010101": [行政运行, 行政运转]\n')


def _other_unit_named(name: str) -> Setup:
    def setup(t: SiteTree) -> None:
        functional = copy.deepcopy(BUDGET["functional"])
        functional[0]["name"] = name
        t.add_unit(OTHER_UNIT, budget={"functional": functional})

    return setup


def _renamed_profile() -> str:
    """A site profile like the built-in one, whose overview section is named `general` (and has no role)."""
    from generator.content import BUILTIN_PROFILES

    text = (BUILTIN_PROFILES / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8")
    return text.replace("id: hebei-tangshan-dept", "id: renamed-dept").replace("{id: overview,", "{id: general,")


def _profile_with_schedule(t: SiteTree) -> None:
    """The unit's template, with a 资金支出计划 row in its project tables (as the 2024 templates have)."""
    from generator.content import BUILTIN_PROFILES

    text = (BUILTIN_PROFILES / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8")
    text = text.replace("id: hebei-tangshan-dept", "id: tangshan-with-schedule").replace(
        "  - {item: goal, label: 绩效目标}",
        "  - {item: schedule, label: 资金支出计划（%）, labels: [3月底, 6月底, 10月底, 12月底]}\n"
        "  - {item: goal, label: 绩效目标}")
    t.put_file("profiles/tangshan-with-schedule.yaml", text)
    t.patch_unit({"profile": "tangshan-with-schedule"})


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "财政局", "GIT_AUTHOR_EMAIL": "cz@example.org",
           "GIT_COMMITTER_NAME": "财政局", "GIT_COMMITTER_EMAIL": "cz@example.org"}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T10:00:00+08:00"
    subprocess.run(["git", "-C", str(root), *args], env=env, check=True, capture_output=True)


def _published_then_corrected(t: SiteTree) -> None:
    """Versions on; the disclosure committed on 2023-02-10, then a line item corrected on 2023-03-15
    (5.00 moved from 行政运行 to 住房公积金, the totals unchanged)."""
    t.patch_site({"versions": True})
    t.write()
    _git(t.root, "init", "-q", "-b", "main")
    _git(t.root, "add", "-A", "content")
    _git(t.root, "commit", "-q", "-m", "公开", date="2023-02-10")
    functional = t.year().budget["functional"]
    functional[0]["basic"] -= D("5.00")
    functional[4]["basic"] += D("5.00")
    t.write()
    _git(t.root, "add", "-A", "content")
    _git(t.root, "commit", "-q", "-m", "更正", date="2023-03-15")


def _corrected_with_note(date: str) -> Setup:
    def setup(t: SiteTree) -> None:
        _published_then_corrected(t)
        t.patch_budget({"corrections": [{"date": date, "note": "科目录入有误，更正。"}]})

    return setup


NO_FUNCTIONAL = {"functional": []}
NO_ECONOMIC = {"economic": []}

CASES: dict[str, Case] = {
    # ---- S: files and format (read time) -------------------------------------------------
    "S001": Case(raw_budget(lambda s: s.replace("  basic: 50.00", "\tbasic: 50.00", 1)), BUDGET_FILE,
                 "basic: 50.00"),
    "S002": Case(budget({"totals": {"income": {"totl": D("100.00")}}}), BUDGET_FILE, "totl"),
    "S003": Case(budget({"fixed_assets": {"as_of": DELETE}}), BUDGET_FILE, "fixed_assets:"),
    "S004": Case(budget({"year": "二〇二三"}), BUDGET_FILE, "year: 二〇二三"),
    "S005": Case(budget({"totals": {"income": {"total": "1,043.55"}}}), BUDGET_FILE, "1,043.55"),
    "S009": Case(lambda t: t.patch_unit({"id": "other-office"}), UNIT_FILE, "id: other-office"),
    "S010": Case(lambda t: t.put_file(f"units/{UNIT_ID}/{YEAR}/budget.yaml",
                                      "year: 2023\n" + ("# 填充\n" * 300_000)), BUDGET_FILE, "year"),
    "S014": Case(_catalogue_linked_outside, CATALOGUE_FILE),
    "S015": Case(raw_budget(lambda s: s.replace("name: 行政运行", 'name: "行政运行\\e[31m"', 1)), BUDGET_FILE,
                 "行政运行"),
    "S016": Case(lambda t: t.put_file("catalogue/functional.yaml", '"2010101": 5\n'), CATALOGUE_FILE, '"2010101"'),
    "S011": Case(raw_budget(lambda s: s.replace("  income:\n    total: 100.00\n",
                                                "  income:\n    total: 100.00\n    total: 100.00\n", 1)),
                 BUDGET_FILE, "total: 100.00"),
    "S012": Case(budget({"profile": "hebei-2099"}), BUDGET_FILE, "profile: hebei-2099"),
    "S013": Case(raw_budget(lambda s: s.replace("    grand_total: 100.00\n  operating_costs:",
                                                "  grand_total: 100.00\n  operating_costs:", 1)),
                 BUDGET_FILE, "grand_total: 100.00"),
    # ---- S: files and format (checked on the data) ---------------------------------------
    "S006": Case(budget({"fixed_assets": {"other": {"value": D("5.004")}}}), BUDGET_FILE, "value: 5.004"),
    "S007": Case(edit(_set(("procurement", "items", 0, "sme_reserved"), D("-0.50"))), BUDGET_FILE,
                 "sme_reserved: -0.50"),
    "S008": Case(edit(_append(("functional",), {"code": "2010101", "name": "行政运行", "basic": D("0.00")})),
                 BUDGET_FILE, "2010101"),
    # ---- C, H: classification codes --------------------------------------------------------
    "C001": Case(edit(_set(("functional", 1, "code"), "2010198")), BUDGET_FILE, "2010198"),
    "C002": Case(edit(_set(("functional", 0, "name"), "一般行政管理事务")), BUDGET_FILE, "一般行政管理事务"),
    "C003": Case(both(_alias_catalogue, _other_unit_named("行政运转")), lambda t: t.budget_path(OTHER_UNIT),
                 "行政运转", passing=both(_alias_catalogue, _other_unit_named("行政运行"))),
    "C004": Case(edit(_set(("functional", 0, "code"), "20101")), BUDGET_FILE, "20101"),
    "H001": Case(edit(_set(("functional", 1, "code"), "2019801")), BUDGET_FILE, "2019801"),
    # ---- B, X: balances and cross-table relations ------------------------------------------
    "B001": Case(budget({"totals": {"expenditure": {"year_end_balance": D("10.00"), "grand_total": D("110.00")}}}),
                 BUDGET_FILE, "grand_total: 100.00"),
    "B002": Case(budget({"totals": {"income": {"carry_over": D("5.00")}}}), BUDGET_FILE, "grand_total: 100.00"),
    "B003": Case(budget({"totals": {"expenditure": {"year_end_balance": D("5.00")}}}), BUDGET_FILE,
                 "grand_total: 100.00"),
    "B004": Case(budget({**NO_FUNCTIONAL, "totals": {"income": {"general_budget": D("90.00")}}}), BUDGET_FILE,
                 "total: 100.00", passing=budget(NO_FUNCTIONAL)),
    "B005": Case(budget({"totals": {"expenditure": {"basic": D("81.00")}}}), BUDGET_FILE, "total: 100.00"),
    "B006": Case(budget({**NO_ECONOMIC, "totals": {"expenditure": {"public": D("19.00")}}}), BUDGET_FILE,
                 "basic: 80.00", passing=budget(NO_ECONOMIC)),
    "X001": Case(budget({"totals": {"income": {"government_fund": D("1.00")}}}), BUDGET_FILE,
                 "government_fund: 1.00"),
    "X002": Case(edit(_set(("economic", 0, "personnel"), D("31.00"))), BUDGET_FILE, "economic:"),
    "X003": Case(budget({"totals": {"operating_costs": D("21.00")}}), BUDGET_FILE, "operating_costs: 21.00"),
    "X004": Case(budget(NO_FUNCTIONAL), BUDGET_FILE),
    # ---- T, P, A: 三公, procurement, assets ------------------------------------------------
    "T001": Case(budget({"three_public": {"subtotal": D("10.00")}}), BUDGET_FILE, "subtotal: 10.00"),
    "P001": Case(budget({"procurement": {"total": D("2.00")}}), BUDGET_FILE, "total: 2.00"),
    "P002": Case(edit(_set(("procurement", "items", 0, "unit_price"), D("0.70"))), BUDGET_FILE,
                 "project: 业务工作经费"),
    "P003": Case(edit(_set(("procurement", "items", 0, "general_budget"), D("1.00"))), BUDGET_FILE,
                 "amount: 1.20"),
    "P004": Case(budget({"fixed_assets": {"planned_purchases": D("5.00")}}), BUDGET_FILE,
                 "planned_purchases: 5.00"),
    "P006": Case(budget({"procurement": {"items": [{**BUDGET["procurement"]["items"][0], "unit": "某某中心"}],
                                         "subtotals": [{"unit": "某某中心", "amount": D("1.50")}]}}),
                 BUDGET_FILE, "amount: 1.50",
                 passing=budget({"procurement": {"items": [{**BUDGET["procurement"]["items"][0], "unit": "某某中心"}],
                                                 "subtotals": [{"unit": "某某中心", "amount": D("1.20")}]}})),
    "P007": Case(edit(_set(("procurement", "items", 0, "project_budget"), D("1.00"))), BUDGET_FILE,
                 "project_budget: 1.00"),
    "P008": Case(budget({"procurement": {"total_row": {"budget": D("20.00")}}}), BUDGET_FILE, "total_row:"),
    "P009": Case(edit(_append(("procurement", "items"), {"project": "业务工作经费", "project_budget": D("20.00"),
                                                         "item": "打印机"})), BUDGET_FILE, "project_budget: 20.00",
                 passing=edit(_append(("procurement", "items"), {"project": "业务工作经费", "item": "打印机"}))),
    # The base buys 2 台式计算机 (A02010104, 1.20) and plans 1.20 of fixed assets: it holds there.
    "P005": Case(both(budget({"fixed_assets": {"planned_purchases": D("0.00")}}),
                      narrative("拟购置固定资产总额为1.20万元", "拟购置固定资产总额为0.00万元")),
                 BUDGET_FILE, "planned_purchases: 0.00"),
    "A001": Case(budget({"fixed_assets": {"total": D("61.00")}}), BUDGET_FILE, "total: 61.00"),
    "A002": Case(budget({"fixed_assets": {"office_buildings": {"quantity": 600}}}), BUDGET_FILE, "quantity: 600"),
    # ---- F: performance ---------------------------------------------------------------------
    "F001": Case(edit(_set(("performance", "projects", 0, "schedule"), {"3月底": 50, "6月底": 40})),
                 BUDGET_FILE, "6月底: 40"),
    "F002": Case(edit(_set(("performance", "projects", 0, "funding"), {"fiscal": D("15.00"), "other": D("1.00")})),
                 BUDGET_FILE, "funding:"),
    "F003": Case(edit(_append(("performance", "projects"), {"name": "另一项目", "goal": "完成另一项工作。",
                                                            "amount": D("5.00")})),
                 BUDGET_FILE, "name: 业务工作经费"),
    "F004": Case(both(_profile_with_schedule, edit(_set(("performance", "projects", 0, "schedule"),
                                                         {"3月末": 25, "6月底": 50}))),
                 BUDGET_FILE, "3月末: 25", passing=_profile_with_schedule),
    # ---- N: narrative agrees with the data, and is safe ------------------------------------
    "N001": Case(narrative("一般公共预算收入100.00万元", "一般公共预算收入100.01万元"), NARRATIVE_FILE,
                 "一般公共预算收入100.01万元"),
    "N002": Case(budget({"previous_year": {"totals": {"expenditure": {"total": D("91.00")}}}}), NARRATIVE_FILE,
                 "较2022年预算增加10.00万元"),
    # Last year's basic 73 (personnel 55): every stated change equals this year minus last year,
    # but basic +7 and project +4 do not add up to the stated total +10.
    "N003": Case(both(budget({"previous_year": {"totals": {"expenditure": {"basic": D("73.00"),
                                                                           "personnel": D("55.00")}}}}),
                      narrative("基本支出增加6.00万元，主要为人员经费增加4.00万元",
                                "基本支出增加7.00万元，主要为人员经费增加5.00万元")),
                 NARRATIVE_FILE, "较2022年预算增加10.00万元"),
    "N004": Case(narrative("（一）业务工作经费项目支出20.00万元", "（一）其他业务项目支出15.00万元"), NARRATIVE_FILE,
                 "其他业务项目支出15.00万元"),
    "N005": Case(narrative("部门职责：", "部门职责：{{ expenditure.basik }}"), NARRATIVE_FILE, "basik"),
    "N006": Case(narrative("## 九、其他需要说明的事项", "## 九、其他说明事项"), NARRATIVE_FILE, "其他说明事项"),
    "N007": Case(narrative("## 九、其他需要说明的事项\n\n无。\n", ""), NARRATIVE_FILE),
    "N008": Case(narrative("{{table:procurement}}", "{{table:procurment}}"), NARRATIVE_FILE, "procurment"),
    "N009": Case(narrative("全部收入和支出都反映在预算中。", "全部收入和支出都反映在预算中，另安排经费12.5万元用于培训。"),
                 NARRATIVE_FILE, "12.5万元"),
    "N010": Case(edit(lambda b: b["performance"]["projects"][0].update(amount=D("18.00"),
                                                                       funding={"fiscal": D("18.00")})),
                 NARRATIVE_FILE, "业务工作经费项目支出20.00万元"),
    "N011": Case(narrative("部门职责：", "部门职责：<b>重要</b>"), NARRATIVE_FILE, "<b>"),
    "I001": Case(narrative("部门职责：", "部门职责：【待核】"), NARRATIVE_FILE, "【待核】"),
    "N012": Case(narrative("1、基本支出：", "![图](file:///etc/passwd)\n\n1、基本支出："), NARRATIVE_FILE,
                 "file:///etc/passwd"),
    "N013": Case(budget({"previous_year": {"three_public": DELETE}}), NARRATIVE_FILE, "持平"),
    "N014": Case(narrative("9.50万元，与2022年持平", "9.50万元，与2022年增加"), NARRATIVE_FILE, "增加"),
    "N015": Case(lambda t: t.put_file("profiles/renamed.yaml", _renamed_profile()), lambda t: t.content / "profiles"
                 / "renamed.yaml", "general"),
    "N016": Case(lambda t: t.put_file("narrative_patterns.yaml",
                                      '- {figure: operating_costs, sections: [operating_cost], pattern: "安排{amount}万元"}\n'),
                 lambda t: t.content / "narrative_patterns.yaml", "operating_cost"),
    # ---- Y: across years -------------------------------------------------------------------
    "Y001": Case(lambda t: t.add_year(2022, deep_merge(PRIOR_YEAR, {"totals": {"expenditure": {"total": D("91.00")}}})),
                 BUDGET_FILE, "total: 90.00", passing=lambda t: t.add_year(2022, copy.deepcopy(PRIOR_YEAR))),
    "Y002": Case(narrative("较2022年预算增加10.00万元", "较2021年预算增加10.00万元"), NARRATIVE_FILE, "较2021年预算"),
    "Y003": Case(narrative("2023年共计安排20.00万元", "2022年共计安排20.00万元"), NARRATIVE_FILE, "2022年共计安排"),
    "Y004": Case(budget({"fixed_assets": {"as_of": "2021-12-31"}}), BUDGET_FILE, "2021-12-31"),
    "Y005": Case(budget({"fixed_assets": {"as_of": "2022-06-30"}}), BUDGET_FILE, "2022-06-30",
                 passing=budget({"fixed_assets": {"as_of": "2022年12月31日"}})),
    "Y006": Case(budget({"fixed_assets": {"total": D("61.00")},
                         "acknowledged": [{"rule": "A001", "at": "fixed_assets.total", "reason": "2021年公开文本如此"}]}),
                 BUDGET_FILE, "2021年公开文本",
                 passing=budget({"fixed_assets": {"total": D("61.00")},
                                 "acknowledged": [{"rule": "A001", "at": "fixed_assets.total",
                                                   "reason": "2023年公开文本如此（与2022年同）"}]})),
    "Y007": Case(budget({"profile": "generic-dept-2024"}), BUDGET_FILE, "generic-dept-2024"),
    "V001": Case(_published_then_corrected, BUDGET_FILE, passing=_corrected_with_note("2023-03-15")),
    "V002": Case(_corrected_with_note("2023-03-16"), BUDGET_FILE, "2023-03-16",
                 passing=_corrected_with_note("2023-03-15")),
    "V003": Case(budget({"published": "2023年2月10日"}), BUDGET_FILE, "2023年2月10日"),
    # ---- D: acknowledgements ---------------------------------------------------------------
    "D001": Case(budget({"acknowledged": [{"rule": "N001", "at": "不存在的片段", "reason": "测试"}]}), BUDGET_FILE,
                 "rule: N001",
                 passing=budget({"fixed_assets": {"total": D("61.00")},
                                 "acknowledged": [{"rule": "A001", "at": "fixed_assets.total", "reason": "公开文本如此"}]})),
}

REGISTRY = load_all()
LOAD_CODES = sorted(code for code, spec in REGISTRY.items() if spec.scope == "load" and code != "D001")


# ---- the base fixture -----------------------------------------------------------------------


def test_base_fixture_checks_clean(site_tree):
    report = site_tree.check()
    assert report.diagnostics == [], describe(report)
    assert not report.failed(strict=True)
    assert [entry.key for entry in report.site.years()] == [f"{UNIT_ID}/{YEAR}"]


def test_base_fixture_states_every_figure_the_rules_compare(site_tree):
    """The base narrative is recognised, so the N rules really compare it (none is vacuously silent)."""
    from generator.rules.narrative_rules import _statements

    report = site_tree.check()
    statements, unrecognised = _statements(report.contexts[f"{UNIT_ID}/{YEAR}"])
    stated = {(s.kind, s.figure) for s in statements}
    assert unrecognised == []
    for figure in ("income.total", "income.general_budget", "expenditure.total", "expenditure.basic",
                   "expenditure.personnel", "expenditure.public", "expenditure.project", "operating_costs",
                   "three_public.subtotal", "procurement.total", "fixed_assets.total"):
        assert ("value", figure) in stated, figure
    assert ("change", "change.expenditure.total") in stated
    assert ("item", "expenditure.project") in stated
    assert ("change_item", "change.expenditure.project") in stated


# ---- the registry and its cases ---------------------------------------------------------------


# The importer's codes (scope "import") are reported by `budgetsite import`, not by check: their cases
# are the bad files of tests/test_import_xlsx.py.
CHECKED = {code for code, spec in REGISTRY.items() if spec.scope != "import"}


def test_every_rule_has_a_case():
    missing = sorted(CHECKED - set(CASES))
    stale = sorted(set(CASES) - set(REGISTRY))
    assert not missing, f"rules without a failing/passing case in tests/test_rules.py: {missing}"
    assert not stale, f"cases for rules that no longer exist: {stale}"


def _failing(code: str, make_site) -> tuple[SiteTree, list]:
    case = CASES[code]
    tree = make_site()
    case.fail(tree)
    report = tree.check()
    found = of_code(report, code)
    assert found, f"{code} not reported; got:\n{describe(report)}"
    expected_file = tree.display(case.file(tree))
    located = [d for d in found if d.location.file == expected_file and d.location.line > 0]
    assert located, f"{code} should point into {expected_file} at a line; got:\n{describe(report)}"
    return tree, located


@pytest.mark.parametrize("code", sorted(CASES), ids=sorted(CASES))
def test_failing_case(code, make_site):
    tree, located = _failing(code, make_site)
    assert all(d.severity is REGISTRY[code].severity for d in located)
    assert all(d.location.column > 0 for d in located)
    assert all(d.message and "{" not in d.message.replace("{{", "") for d in located), [d.message for d in located]
    if CASES[code].line_has is not None:
        lines = [tree.line(d.location.file, d.location.line) for d in located]
        assert any(CASES[code].line_has in line for line in lines), \
            f"{code} points at {lines}, expected a line with “{CASES[code].line_has}”"


@pytest.mark.parametrize("code", sorted(CASES), ids=sorted(CASES))
def test_passing_case(code, make_site):
    case = CASES[code]
    tree = make_site()
    if case.passing is not None:
        case.passing(tree)
    report = tree.check()
    assert code not in codes(report), describe(report)


# ---- acknowledgements ---------------------------------------------------------------------------

# Y006 reads the acknowledgements themselves, which this test replaces: acknowledging it is tested in
# tests/test_year_over_year.py.
ACKNOWLEDGEABLE = sorted(code for code, spec in REGISTRY.items()
                         if spec.scope not in ("load", "import") and code != "Y006")


@pytest.mark.parametrize("code", ACKNOWLEDGEABLE, ids=ACKNOWLEDGEABLE)
def test_acknowledged_deviation_passes(code, make_site):
    """Acknowledging each diagnostic of a failing case (rule + at) turns it into an acknowledged deviation."""
    tree = make_site()
    CASES[code].fail(tree)
    first = tree.check()
    assert of_code(first, code)
    per_year: dict[tuple, list] = {}
    for d in first.all_diagnostics():
        per_year.setdefault((d.unit, d.year), []).append({"rule": d.code, "at": d.subject, "reason": "公开文本如此，如实保留"})
    for (unit, year), entries in per_year.items():
        tree.patch_budget({"acknowledged": entries}, unit=unit, year=year)
    second = tree.check()
    assert second.diagnostics, describe(second)
    assert all(d.acknowledged == "公开文本如此，如实保留" for d in second.all_diagnostics()), describe(second)
    assert "D001" not in codes(second)
    assert not second.failed(strict=True)
    assert second.acknowledged == len(first.all_diagnostics())


def test_acknowledgement_without_at_covers_every_diagnostic_of_the_rule(site_tree):
    site_tree.patch_budget({
        "functional": [dict(line, code=f"20101{90 + i}") for i, line in enumerate(BUDGET["functional"][:2])]
        + BUDGET["functional"][2:],
        "acknowledged": [{"rule": "C001", "reason": "新设科目，目录尚未收录"}],
    })
    report = site_tree.check()
    c001 = of_code(report, "C001")
    assert len(c001) == 2
    assert all(d.acknowledged == "新设科目，目录尚未收录" for d in c001)
    assert "D001" not in codes(report)


def test_acknowledgement_of_another_rule_does_not_hide_the_error(site_tree):
    site_tree.patch_budget({
        "fixed_assets": {"total": D("61.00")},
        "acknowledged": [{"rule": "A002", "at": "fixed_assets.total", "reason": "规则写错了"}],
    })
    report = site_tree.check()
    [a001] = of_code(report, "A001")
    assert a001.acknowledged is None
    [d001] = of_code(report, "D001")
    assert d001.severity is Severity.WARNING
    assert "A002" in d001.message
    assert report.failed()


def test_acknowledgement_at_another_place_does_not_hide_the_error(site_tree):
    site_tree.patch_budget({
        "fixed_assets": {"total": D("61.00")},
        "acknowledged": [{"rule": "A001", "at": "procurement.total", "reason": "位置写错了"}],
    })
    report = site_tree.check()
    assert of_code(report, "A001")[0].acknowledged is None
    assert "D001" in codes(report)
    assert report.failed()


def _items_with_a_long_amount_at(index: int, count: int = 13) -> Setup:
    """`count` procurement items (the base one, then empty ones), item `index` with a three-decimal
    sme_reserved: S006 with subject procurement.items[index].sme_reserved, and nothing else."""

    def setup(t: SiteTree) -> None:
        items = t.year().budget["procurement"]["items"]
        items += [{"item": f"办公耗材{i}"} for i in range(1, count)]
        items[index]["sme_reserved"] = D("0.005")

    return setup


@pytest.mark.parametrize("at, covered", [
    ("procurement.items[12].sme_reserved", True),  # the subject itself
    ("procurement.items[12]", True),  # a path that contains it, cut at `.`
    ("procurement.items", True),  # cut at `[`
    ("procurement", True),
    ("procurement.items[1]", False),  # items[1] is not items[12]
    ("procurement.items[1", False),
    ("items[12].sme_reserved", False),  # not a path from the top of budget.yaml
    ("sme_reserved", False),
    ("procurement.item", False),  # not cut at a boundary
])
def test_acknowledgement_at_matches_whole_path_steps_only(site_tree, at, covered):
    _items_with_a_long_amount_at(12)(site_tree)
    site_tree.patch_budget({"acknowledged": [{"rule": "S006", "at": at, "reason": "公开文本如此"}]})
    report = site_tree.check()
    [s006] = of_code(report, "S006")
    assert s006.subject == "procurement.items[12].sme_reserved"
    assert (s006.acknowledged is not None) is covered, describe(report)
    assert ("D001" in codes(report)) is not covered
    assert report.failed() is not covered


def test_acknowledgement_at_a_last_key_does_not_cover_every_path_ending_in_it(site_tree):
    """`at: total` used to silence any diagnostic whose subject merely contained “total”."""
    site_tree.patch_budget({
        "fixed_assets": {"total": D("61.00")},
        "acknowledged": [{"rule": "A001", "at": "total", "reason": "写得太宽"}],
    })
    report = site_tree.check()
    [a001] = of_code(report, "A001")
    assert a001.subject == "fixed_assets.total" and a001.acknowledged is None
    assert "D001" in codes(report) and report.failed()


def test_acknowledgement_at_a_mapping_covers_what_is_inside(site_tree):
    site_tree.replace_in_narrative("固定资产金额为60.00万元", "固定资产金额为61.00万元")  # A001 alone
    site_tree.patch_budget({
        "fixed_assets": {"total": D("61.00")},
        "acknowledged": [{"rule": "A001", "at": "fixed_assets", "reason": "公开文本如此"}],
    })
    report = site_tree.check()
    [a001] = of_code(report, "A001")
    assert a001.acknowledged == "公开文本如此"
    assert "D001" not in codes(report) and not report.failed(strict=True)


def test_acknowledgement_of_narrative_text_is_the_quoted_text_itself(site_tree):
    """For a narrative diagnostic, `at` is the text the message quotes, whole: a fragment of it no
    longer covers it (a fragment such as 万元 would cover every amount of the text)."""
    site_tree.replace_in_narrative("一般公共预算收入100.00万元", "一般公共预算收入100.01万元")
    [n001] = of_code(site_tree.check(), "N001")
    assert f"“{n001.subject}”" in n001.message
    site_tree.patch_budget({"acknowledged": [{"rule": "N001", "at": "100.01万元", "reason": "片段"}]})
    report = site_tree.check()
    assert of_code(report, "N001")[0].acknowledged is None and "D001" in codes(report)
    site_tree.patch_budget({"acknowledged": [{"rule": "N001", "at": n001.subject, "reason": "公开文本如此"}]})
    report = site_tree.check()
    assert of_code(report, "N001")[0].acknowledged == "公开文本如此" and "D001" not in codes(report)


def test_example_content_acknowledgements_all_match():
    """The three acknowledgements of the example content are written as full paths and still match."""
    from generator.check import check_site

    report = check_site(Path(__file__).resolve().parents[1] / "content")
    assert report.errors == 0 and report.warnings == 0
    assert sorted((d.code, d.subject) for d in report.diagnostics if d.acknowledged) == [
        ("P004", "fixed_assets.planned_purchases"), ("S006", "fixed_assets.other.value"),
        ("S006", "fixed_assets.total")]


# ---- where a diagnostic points ------------------------------------------------------------------


def _position(tree: SiteTree, path: Path, *needles: str) -> tuple[int, int]:
    """Line and column of the last needle, found on the first line containing it after the lines of
    the needles before it (so that `previous_year:`, `expenditure:`, `total: 90.00` finds the right
    `total`). The column is that of the needle's text after its key, if it has one: the value."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = 0
    for needle in needles:
        start = next(i for i in range(start, len(lines)) if needle in lines[i])
    line, needle = lines[start], needles[-1]
    column = line.index(needle) + 1
    if ": " in needle and not needle.endswith(":"):
        column += needle.index(": ") + 2
    return start + 1, column


def _points(diagnostic) -> tuple[int, int]:
    return diagnostic.location.line, diagnostic.location.column


def _only(report, code: str):
    found = [d for d in report.all_diagnostics() if d.code == code]  # a consequence, too
    assert len(found) == 1, describe(report)
    return found[0]


def test_y001_points_at_last_years_figure_that_disagrees(site_tree):
    site_tree.add_year(2022, deep_merge(PRIOR_YEAR, {"totals": {"expenditure": {"total": D("91.00")}}}))
    report = site_tree.check()
    y001 = _only(report, "Y001")
    assert y001.location.file == site_tree.display(site_tree.budget_path())
    assert _points(y001) == _position(site_tree, site_tree.budget_path(), "previous_year:", "expenditure:",
                                      "total: 90.00")
    assert (y001.expected, y001.found) == ("91.00", "90.00")


def test_y001_points_at_a_three_public_item_once(site_tree):
    site_tree.add_year(2022, deep_merge(PRIOR_YEAR, {"three_public": {"reception": D("5.50")}}))
    report = site_tree.check()
    by_subject = {d.subject: d for d in report.diagnostics if d.code == "Y001"}
    budget = site_tree.budget_path()
    # once, at the item written: the subtotal and total derived from it, written nowhere, are not
    # reported again at the `three_public:` key (they used to be: three near-identical lines)
    assert set(by_subject) == {"previous_year.three_public.reception"}, describe(report)
    assert _points(by_subject["previous_year.three_public.reception"]) == \
        _position(site_tree, budget, "previous_year:", "three_public:", "reception: 5.00")


def test_s003_points_at_the_mapping_that_lacks_the_item(site_tree):
    site_tree.patch_budget({"fixed_assets": {"as_of": DELETE}})
    project = site_tree.year().budget["performance"]["projects"][0]
    del project["goal"]
    report = site_tree.check()
    found = {d.extra["path"]: d for d in report.diagnostics if d.code == "S003"}
    budget = site_tree.budget_path()
    assert set(found) == {"fixed_assets.as_of", "performance.projects[0].goal"}, describe(report)
    assert _points(found["fixed_assets.as_of"]) == _position(site_tree, budget, "fixed_assets:") == (
        _position(site_tree, budget, "fixed_assets:")[0], 1)
    # a list item has no key: its first line, where its `- ` is
    assert _points(found["performance.projects[0].goal"]) == _position(site_tree, budget, "projects:",
                                                                        "- name: 业务工作经费")[:1] + (5,)


def test_f002_points_at_the_funding_that_does_not_add_up(site_tree):
    site_tree.year().budget["performance"]["projects"][0]["funding"] = {"fiscal": D("15.00"), "other": D("1.00")}
    report = site_tree.check()
    assert _points(_only(report, "F002")) == _position(site_tree, site_tree.budget_path(), "projects:",
                                                       "funding:")
    assert _position(site_tree, site_tree.budget_path(), "projects:", "funding:")[1] == 5


def test_f002_points_at_the_only_funding_part_written(site_tree):
    site_tree.year().budget["performance"]["projects"][0]["funding"] = {"fiscal": D("15.00")}
    report = site_tree.check()
    assert _points(_only(report, "F002")) == _position(site_tree, site_tree.budget_path(), "projects:",
                                                       "funding:", "fiscal: 15.00")


def test_x002_points_at_the_economic_table(site_tree):
    site_tree.year().budget["economic"][3]["personnel"] = D("9.00")
    report = site_tree.check()
    x002 = _only(report, "X002")
    assert _points(x002) == _position(site_tree, site_tree.budget_path(), "economic:") == (
        _position(site_tree, site_tree.budget_path(), "economic:")[0], 1)
    assert (x002.expected, x002.found) == ("80.00", "81.00")


# ---- rule metadata and documentation ------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(REGISTRY), ids=sorted(REGISTRY))
def test_rule_is_documented(code):
    spec = REGISTRY[code]
    for attribute in ("title", "rationale", "fix", "message", "example"):
        value = getattr(spec, attribute)
        assert isinstance(value, str) and value.strip(), f"{code} has no {attribute}"
    for attribute in ("title", "rationale", "fix", "example"):
        # Only `message` is a format template; elsewhere doubled braces would be shown as typed.
        assert "{{{{" not in getattr(spec, attribute), f"{code}.{attribute} has over-escaped braces"
    assert spec.family != "其他", f"{code} belongs to no family"
    assert f"### {code} {spec.title}" in DOC_PATH.read_text(encoding="utf-8"), \
        f"{code} is missing from docs/rules.md: run `python -m generator.rules_doc`"


def test_rule_codes_are_stable_shape():
    import re

    assert all(re.fullmatch(r"[A-Z]\d{3}", code) for code in REGISTRY)
    assert LOAD_CODES == ["N015", "N016", "S001", "S002", "S003", "S004", "S005", "S009", "S010", "S011", "S012", "S013",
                          "S014", "S015", "S016"]


def test_rules_doc_is_up_to_date():
    from generator.rules_doc import render

    current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
    assert current == render(), "docs/rules.md is out of date: run `python -m generator.rules_doc`"


def test_rules_doc_check_says_whether_the_catalogue_is_current_and_writes_nothing(tmp_path, monkeypatch, capsys):
    import generator.rules_doc as rules_doc

    monkeypatch.chdir(tmp_path)
    assert rules_doc.main(["--check"]) == 0 and "已是最新" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []  # not a file named --check
    assert rules_doc.main(["--other"]) == 2
    stale = tmp_path / "rules.md"
    stale.write_text("旧目录\n", encoding="utf-8")
    monkeypatch.setattr(rules_doc, "DOC_PATH", stale)
    assert rules_doc.main(["--check"]) == 1 and "已过期" in capsys.readouterr().out


def test_rules_doc_groups_rules_by_family():
    from generator.rules_doc import render

    text = render()
    family_of_heading = {}
    current = None
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif fenced:
            continue
        elif line.startswith("## "):
            current = line[3:]
        elif line.startswith("### "):
            family_of_heading[line.split()[1]] = current
    assert set(family_of_heading) == set(REGISTRY)
    for code, heading in family_of_heading.items():
        assert heading == f"{REGISTRY[code].family}（{code[0]}）"
    for code, spec in REGISTRY.items():
        section = text.split(f"### {code} ", 1)[1].split("\n### ", 1)[0]
        assert f"级别：{spec.severity.label}" in section
        assert "**检查什么、为什么**" in section and spec.rationale in section
        assert "**出错示例**" in section and spec.example.rstrip() in section
        assert "**怎么改**" in section and spec.fix in section


# Examples that need a context the base fixture does not have.
EXAMPLE_CONTEXT: dict[str, Setup] = {
    "B004": budget(NO_FUNCTIONAL),  # B004 compares published income only when there are no line items
    "B006": budget(NO_ECONOMIC),
    "Y001": lambda t: t.add_year(2022, copy.deepcopy(PRIOR_YEAR)),
    "F004": _profile_with_schedule,  # a template that prints the schedule's periods
    "V001": _published_then_corrected,  # the git history that holds a correction
    "V002": _published_then_corrected,
}


def _budget_examples() -> list[str]:
    """Rules whose documented example is a fragment of budget.yaml (top-level keys of a disclosure)."""
    from generator.model import Disclosure
    from generator.yamlsource import YamlDocument, parse_yaml_text

    out = []
    for code, spec in sorted(REGISTRY.items()):
        doc = parse_yaml_text(spec.example, YamlDocument(DOC_PATH, None))
        if not doc.problems and isinstance(doc.data, dict) and set(doc.data) <= set(Disclosure.model_fields):
            out.append(code)
    return out


BUDGET_EXAMPLES = _budget_examples()


def test_most_examples_are_budget_fragments():
    assert len(BUDGET_EXAMPLES) >= 30, BUDGET_EXAMPLES


@pytest.mark.parametrize("code", BUDGET_EXAMPLES, ids=BUDGET_EXAMPLES)
def test_documented_example_really_fails(code, make_site):
    """The 出错示例 of docs/rules.md, merged into the valid base budget, triggers its rule."""
    from generator.yamlsource import YamlDocument, parse_yaml_text

    tree = make_site()
    if code in EXAMPLE_CONTEXT:
        EXAMPLE_CONTEXT[code](tree)
    tree.patch_budget(parse_yaml_text(REGISTRY[code].example, YamlDocument(DOC_PATH, None)).data)
    report = tree.check()
    assert code in codes(report), f"the example of {code} does not fail:\n{describe(report)}"
