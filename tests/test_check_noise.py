"""`check` tells the truth: one diagnostic per fact, consequences under their cause, one amount format,
and P005 (fixed assets bought through procurement but not planned).

Real YAML in temporary content folders: a copy of an example unit (transcribed from its published
disclosure) or the base fixture of tests/conftest.py, with one figure changed as an officer would mistype it.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import UNIT_ID, YEAR, SiteTree, describe
    from test_check_cli import budgetsite, check as run_cli
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR, SiteTree, describe
    from tests.test_check_cli import budgetsite, check as run_cli
from generator.check import check_site

D = Decimal
REPO = Path(__file__).resolve().parents[1]
GUANGYANG = "guangyang-zhengfuban"  # 廊坊市广阳区人民政府办公室 2022: summary totals only, no line items
GUANGYANG_BUDGET = f"content/units/{GUANGYANG}/2022/budget.yaml"
GUANGYANG_NARRATIVE = f"content/units/{GUANGYANG}/2022/narrative.md"
BUDGET = f"content/units/{UNIT_ID}/{YEAR}/budget.yaml"
NARRATIVE = f"content/units/{UNIT_ID}/{YEAR}/narrative.md"


def example_unit(tmp_path: Path, unit: str, *edits: tuple[str, str, str]) -> Path:
    """The example content with only `unit`, each (file, old, new) edit applied to its 2022 files."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    for other in (content / "units").iterdir():
        if other.name != unit:
            shutil.rmtree(other)
    for name, old, new in edits:
        path = content / "units" / unit / "2022" / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{name} has {text.count(old)} × {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return content


def problems(report) -> list[tuple]:
    """Every unacknowledged problem as (file:line, code, expected, found, difference), with its
    consequences as a list of the same (notices, which say what was not checked, left out)."""
    def row(d):
        return (f"{d.location.file}:{d.location.line}", d.code, d.expected, d.found, d.difference)

    return [(*row(d), [row(c) for c in d.consequences]) for d in report.diagnostics
            if d.acknowledged is None and d.severity.value != "info"]


def line_of(root: Path, display: str, *needles: str) -> int:
    """The line that has the last needle, after lines that have the ones before it."""
    lines = (root / display).read_text(encoding="utf-8").splitlines()
    number = 0
    for needle in needles:
        number = next(n for n, line in enumerate(lines, start=1) if n > number and needle in line)
    return number


# ---- 1. one diagnostic per fact ------------------------------------------------------------------


def test_operating_costs_against_public_is_reported_once_by_x003(tmp_path):
    """The published 机关运行经费 mistyped as 700 (公用经费 211.3): X003 alone, not also an X001 that claims a
    comparison with line items the unit does not have; the narrative, which says 211.3, is its consequence."""
    content = example_unit(tmp_path, GUANGYANG, ("budget.yaml", "operating_costs: 211.3", "operating_costs: 700"))
    report = check_site(content)
    budget_line = line_of(tmp_path, GUANGYANG_BUDGET, "operating_costs: 700")
    narrative_line = line_of(tmp_path, GUANGYANG_NARRATIVE, "机关运行经费共计安排211.3万元")
    assert problems(report) == [
        (f"{GUANGYANG_BUDGET}:{budget_line}", "X003", "211.30", "700.00", "+488.70", [
            (f"{GUANGYANG_NARRATIVE}:{narrative_line}", "N001", "700.00", "211.30", "-488.70"),
        ]),
    ], describe(report)
    assert report.diagnostics[[d.code for d in report.diagnostics].index("X003")].message == "机关运行经费与公用经费不符"
    assert (report.errors, report.consequences) == (1, 1)


def test_a_typed_basic_without_line_items_is_one_b006_not_also_x001(tmp_path):
    """基本支出 1088.84 where 人员经费 877.53 + 公用经费 211.3 = 1088.83 and there are no line items: B006 (the
    rule that adds the parts up) reports it; X001 does not report the same sum again as “由明细推算”. The
    stated total that no longer adds up (B005) and the narrative's basic and its change are consequences."""
    content = example_unit(tmp_path, GUANGYANG, ("budget.yaml", "    basic: 1088.83", "    basic: 1088.84"))
    report = check_site(content)
    at = lambda *needles: f"{GUANGYANG_BUDGET}:{line_of(tmp_path, GUANGYANG_BUDGET, *needles)}"  # noqa: E731
    said = lambda needle: f"{GUANGYANG_NARRATIVE}:{line_of(tmp_path, GUANGYANG_NARRATIVE, needle)}"  # noqa: E731
    assert problems(report) == [
        (at("basic: 1088.84"), "B006", "1088.83", "1088.84", "+0.01", [
            (at("expenditure:", "total: 1644.62"), "B005", "1644.63", "1644.62", "-0.01"),
            (said("基本支出1088.83万元"), "N001", "1088.84", "1088.83", "-0.01"),
            (said("基本支出减少40.31万元"), "N002", "-40.30", "-40.31", "-0.01"),
        ]),
    ], describe(report)


def test_a_mistyped_part_is_named_when_it_explains_more(tmp_path):
    """公用经费 typed 211.4 (the published text says 211.3; no line items). Before: B006, two X001 that claimed
    line items, X003 and N001. Now one X003 that says correcting 公用经费 to 211.30 settles it and the two
    diagnostics under it, which correcting 机关运行经费 would not (it would break 基本支出 = 人员 + 公用)."""
    content = example_unit(tmp_path, GUANGYANG, ("budget.yaml", "    public: 211.3", "    public: 211.4"))
    report = check_site(content)
    at = lambda needle: f"{GUANGYANG_BUDGET}:{line_of(tmp_path, GUANGYANG_BUDGET, needle)}"  # noqa: E731
    said = f"{GUANGYANG_NARRATIVE}:{line_of(tmp_path, GUANGYANG_NARRATIVE, '运转类公用项目经费211.3万元')}"
    assert problems(report) == [
        (at("operating_costs: 211.3"), "X003", "211.40", "211.30", "-0.10", [
            (at("basic: 1088.83"), "B006", "1088.93", "1088.83", "-0.10"),
            (said, "N001", "211.40", "211.30", "-0.10"),
        ]),
    ], describe(report)
    assert report.diagnostics[0].to_text().splitlines()[1] == "    （若公用经费为 211.30，则本条及以下问题均不再出现）"


def test_x001_says_which_line_items_it_compared_with(site_tree):
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}}})
    report = site_tree.check()
    x001 = [d for d in report.diagnostics if d.code == "X001"]
    assert [d.message for d in x001] == ["记录的公用经费与由经济分类明细推算的数不符"], describe(report)
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("20.00"), "project": D("21.00")}}})
    report = site_tree.check()
    assert [d.message for d in report.diagnostics if d.code == "X001"] == ["记录的项目支出与由功能分类明细推算的数不符"]


# ---- 2. consequences under their cause -------------------------------------------------------------


def test_a_mistyped_figure_carries_the_diagnostics_it_explains(site_tree):
    """公用经费 recorded as 19.00 (its economic lines say 20.00): X001 is the problem; the 机关运行经费 20.00
    (X003) and the narrative's 20.00 and its change +2.00 (N001, N002) all agree with 20.00 and are its
    consequences. Counted once."""
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}}})
    report = site_tree.check()
    budget_at = lambda needle: f"{BUDGET}:{line_of(site_tree.root, BUDGET, needle)}"  # noqa: E731
    text_at = lambda needle: f"{NARRATIVE}:{line_of(site_tree.root, NARRATIVE, needle)}"  # noqa: E731
    assert problems(report) == [
        (budget_at("public: 19.00"), "X001", "20.00", "19.00", "-1.00", [
            (budget_at("operating_costs: 20.00"), "X003", "19.00", "20.00", "+1.00"),
            (text_at("日常公用经费20.00万元"), "N001", "19.00", "20.00", "+1.00"),
            (text_at("日常公用经费增加2.00万元"), "N002", "1.00", "2.00", "+1.00"),
        ]),
    ], describe(report)
    assert (report.errors, report.consequences, report.failed()) == (1, 3, True)


def test_narrative_that_is_wrong_on_its_own_is_not_a_consequence(site_tree):
    """The text says 25.00: wrong whatever the 公用经费 is, so fixing the data would not fix it."""
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}}})
    site_tree.replace_in_narrative("日常公用经费20.00万元", "日常公用经费25.00万元")
    report = site_tree.check()
    top = [(d.code, d.found) for d in report.diagnostics]
    assert ("N001", "25.00") in top, describe(report)
    x001 = next(d for d in report.diagnostics if d.code == "X001")
    assert "N001" not in [c.code for c in x001.consequences]


def test_an_acknowledged_cause_explains_nothing_away(site_tree):
    """Acknowledging the X001 (the published table really says 19.00) does not hide what the narrative and
    the 机关运行经费 say: they become problems of their own again."""
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}},
                            "acknowledged": [{"rule": "X001", "at": "totals.expenditure.public", "reason": "公开表如此"}]})
    report = site_tree.check()
    assert sorted((d.code, d.acknowledged is None, len(d.consequences)) for d in report.diagnostics) == [
        ("N001", True, 0), ("N002", True, 0), ("X001", False, 0), ("X003", True, 0)], describe(report)
    assert (report.errors, report.consequences, report.acknowledged) == (3, 0, 1)


def test_text_output_indents_consequences_and_counts_one_error(site_tree):
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}}})
    result = run_cli(site_tree)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    x001 = next(i for i, line in enumerate(lines) if ": X001 [错误] " in line)
    assert lines[x001].startswith(f"{BUDGET}:")
    assert [line.split(": ", 1)[0] for line in lines[x001 + 1:x001 + 4]] == [
        f"    由此导致：{BUDGET}:{line_of(site_tree.root, BUDGET, 'operating_costs: 20.00')}:20",
        f"    由此导致：{NARRATIVE}:{line_of(site_tree.root, NARRATIVE, '日常公用经费20.00万元')}:70",
        f"    由此导致：{NARRATIVE}:{line_of(site_tree.root, NARRATIVE, '日常公用经费增加2.00万元')}:95",
    ]
    assert "X003 [错误] 机关运行经费与公用经费不符（应为 19.00，实为 20.00，差额 +1.00）" in lines[x001 + 1]
    assert "检查了 1 个单位、1 份公开：1 个错误（另有 3 个由此导致的问题），0 个警告" in lines[-1]


def test_json_nests_consequences(site_tree):
    site_tree.patch_budget({"totals": {"expenditure": {"public": D("19.00")}}})
    payload = json.loads(run_cli(site_tree, "--format", "json").stdout)
    assert (payload["summary"]["errors"], payload["summary"]["consequences"]) == (1, 3)
    [x001] = payload["diagnostics"]
    assert (x001["code"], x001["subject"], x001["difference"]) == ("X001", "totals.expenditure.public", "-1.00")
    assert [(c["code"], c["subject"], c["consequences"]) for c in x001["consequences"]] == [
        ("X003", "totals.operating_costs", []), ("N001", "日常公用经费20.00万元", []),
        ("N002", "公用经费增加2.00万元", [])]


# ---- 3. one amount format -----------------------------------------------------------------------


def test_amounts_print_with_two_decimals_everywhere(site_tree):
    """The text's 99.6 and the data's 100 print as the tables print them: 99.60, 100.00, -0.40."""
    site_tree.replace_in_narrative("预算收入100.00万元", "预算收入99.6万元")
    report = site_tree.check()
    [n001] = [d for d in report.diagnostics if d.code == "N001"]
    assert (n001.expected, n001.found, n001.difference) == ("100.00", "99.60", "-0.40")
    assert n001.to_text().endswith("（应为 100.00，实为 99.60，差额 -0.40）")


def test_an_amount_typed_with_more_places_keeps_them(site_tree):
    """An amount typed with five places (as one published table has it) shows as typed, as the table does."""
    site_tree.patch_budget({"fixed_assets": {"total": D("61.00001")},
                            "acknowledged": [{"rule": "S006", "reason": "公开表如此"}]})
    site_tree.replace_in_narrative("固定资产金额为60.00万元", "固定资产金额为61.00001万元")
    [a001] = [d for d in site_tree.check().diagnostics if d.code == "A001"]
    assert (a001.expected, a001.found, a001.difference) == ("60.00", "61.00001", "+1.00001")


def test_bounds_print_in_the_same_format(site_tree):
    site_tree.patch_budget({"fixed_assets": {"office_buildings": {"value": D("41")}}})
    [a002] = [d for d in site_tree.check().diagnostics if d.code == "A002"]
    assert (a002.expected, a002.found) == ("≤ 40.00", "41.00")


# ---- 4. P005: procured fixed assets are planned purchases ------------------------------------------


def _computers_not_planned(tree: SiteTree) -> None:
    tree.patch_budget({"fixed_assets": {"planned_purchases": D("0.00")}})
    tree.replace_in_narrative("拟购置固定资产总额为1.20万元", "拟购置固定资产总额为0.00万元")


def test_p005_computers_bought_but_no_fixed_assets_planned(site_tree):
    _computers_not_planned(site_tree)
    report = site_tree.check()
    assert problems(report) == [
        (f"{BUDGET}:{line_of(site_tree.root, BUDGET, 'planned_purchases: 0.00')}", "P005", "≥ 1.20", "0.00", None, []),
    ], describe(report)
    assert report.diagnostics[0].message == \
        "政府采购预算中有固定资产品目（A02010104 台式计算机），共 1.20 万元，但拟购置固定资产为 0.00 万元"


def test_p005_holds_when_the_planned_purchases_cover_them(site_tree):
    assert "P005" not in {d.code for d in site_tree.check().diagnostics}  # base: 1.20 bought, 1.20 planned


@pytest.mark.parametrize("code, unit_price, reported", [
    ("A0999", D("0.60"), False),      # 办公耗材: consumables, not fixed assets
    ("C08140199", D("0.60"), False),  # 印刷服务: a service
    ("A02010104", D("0.05"), False),  # equipment below 1000 元 a piece is not a fixed asset
    ("A05010101", D("0.05"), True),   # furniture bought in bulk is, whatever its price
    ("A06", D("0.60"), True),         # the last fixed-asset class
], ids=["consumables", "service", "cheap-equipment", "furniture", "A06"])
def test_p005_counts_only_fixed_asset_classes(site_tree, code, unit_price, reported):
    _computers_not_planned(site_tree)
    item = site_tree.year().budget["procurement"]["items"][0]
    amount = unit_price * 2
    item.update(catalogue_code=code, unit_price=unit_price, general_budget=amount, amount=amount,
                sme_reserved=amount)
    site_tree.patch_budget({"procurement": {"total": amount}})
    site_tree.replace_in_narrative("政府采购预算1.20万元", f"政府采购预算{amount}万元")
    report = site_tree.check()
    assert ("P005" in {d.code for d in report.diagnostics}) is reported, describe(report)


def test_p005_reads_the_narrative_when_the_data_does_not_record_planned_purchases(site_tree):
    site_tree.patch_budget({"fixed_assets": {"planned_purchases": "<<delete this key>>",
                                             "planned_in_procurement": False}})
    site_tree.replace_in_narrative("拟购置固定资产总额为1.20万元，已按要求列入政府采购预算", "拟购置固定资产总额为0万元")
    report = site_tree.check()
    line = line_of(site_tree.root, NARRATIVE, "拟购置固定资产总额为0万元")
    assert problems(report) == [(f"{NARRATIVE}:{line}", "P005", "≥ 1.20", "0.00", None, [])], describe(report)
    assert report.diagnostics[0].subject == "拟购置固定资产总额为0万元"


def test_p005_narrative_quoting_the_procurement_is_its_consequence(site_tree):
    """Only the data says 0; the text still says 1.20, which is what P005 asks for: one problem."""
    site_tree.patch_budget({"fixed_assets": {"planned_purchases": D("0.00")}})
    report = site_tree.check()
    [p005] = report.diagnostics
    assert p005.code == "P005" and [(c.code, c.found) for c in p005.consequences] == [("N001", "1.20")]


def test_example_content_still_checks_clean():
    result = budgetsite("check", "--no-cache", "--content", str(REPO / "content"))
    assert result.returncode == 0, result.stdout
    assert "0 个错误，0 个警告" in result.stdout and "由此导致" not in result.stdout


# ---- T001: a wrong 三公 part is one fact, though the subtotal and the total both show it ------------


@pytest.mark.parametrize("patch, subjects", [
    ({"reception": D("6.00"), "subtotal": D("9.50"), "total": D("9.50")}, ["three_public.subtotal"]),
    ({"subtotal": D("9.50"), "total": D("9.60")}, ["three_public.total"]),
    ({"subtotal": D("9.40"), "total": D("9.60")}, ["three_public.subtotal", "three_public.total"]),
])
def test_a_wrong_three_public_part_is_one_t001(site_tree, patch, subjects):
    site_tree.patch_budget({"three_public": patch})
    report = site_tree.check()
    found = [d for d in report.all_diagnostics() if d.code == "T001"]
    assert sorted(d.subject for d in found) == subjects, describe(report)
    if len(patch) == 3:
        assert "记录的合计相差同一数额" in found[0].message and found[0].expected == "10.50"


def test_a_mistyped_line_item_is_one_problem_not_one_per_recorded_total(tmp_path):
    """丰南's 行政运行 基本支出 576.77 typed 576.78: every recorded total that sums it (本年收入合计,
    一般公共预算拨款收入, 收入总计, 本年支出合计, 基本支出, 支出总计) and the economic table's tie (X002)
    are off by 0.01 — one problem, the others listed under it, with what probably happened."""
    content = example_unit(tmp_path, "fengnan-renda")
    budget = content / "units" / "fengnan-renda" / "2023" / "budget.yaml"
    text = budget.read_text(encoding="utf-8")
    assert text.count("basic: 576.77") == 1
    budget.write_text(text.replace("basic: 576.77", "basic: 576.78"), encoding="utf-8")
    report = check_site(content)
    [top] = [d for d in report.diagnostics if d.counts_as_error]
    assert top.code == "X001" and top.difference == "-0.01"
    assert sorted(c.code for c in top.consequences) == ["X001"] * 5 + ["X002"]
    assert "多半是某一明细行录错" in top.to_text()
    assert report.errors == 1 and report.consequences == 6
