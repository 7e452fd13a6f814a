"""The 政府采购预算 table as the published documents lay it out, built from real YAML into real HTML and PDF.

A project's name and budget are one merged cell over its items (a Word table's merged cell), so the
合计 row counts a project's budget once, or is blank where the document leaves it blank; a 部门预算
with 所属单位 has a 小计 row per unit; some tables have no 合计 row; the fund columns and their labels
come from the profile (one 上年结转结余 column, or 财政拨款结转 + 非财政拨款结转结余).
"""

from __future__ import annotations

import csv
import io
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import BUDGET, UNIT_ID, YEAR, SiteTree, codes, describe, of_code
    from site_support import parse, text_of
except ImportError:  # pragma: no cover - depends on how pytest was configured
    from tests.conftest import BUDGET, UNIT_ID, YEAR, SiteTree, codes, describe, of_code
    from tests.site_support import parse, text_of
from generator.build import build
from generator.content import BUILTIN_PROFILES

D = Decimal
PROFILE_ID = "test-procurement-dept"
BASE_ITEM = BUDGET["procurement"]["items"][0]  # 台式计算机 2 × 0.60 = 1.20, the base fixture's one item


def item(name: str, amount: str, **extra) -> dict:
    """A service bought with general-budget money, quantity 1, as most published rows are (a service: not
    a fixed asset, so the planned fixed-asset purchases, P005, are not concerned)."""
    value = D(amount)
    return {"item": name, "catalogue_code": "C0899", "measure": "项", "quantity": 1, "unit_price": value,
            "general_budget": value, "amount": value, **extra}


def with_layout(tree: SiteTree, **layout) -> SiteTree:
    """The base unit on a copy of the built-in 唐山 department profile whose procurement layout is `layout`."""
    profile = yaml.safe_load((BUILTIN_PROFILES / "hebei-tangshan-dept.yaml").read_text(encoding="utf-8"))
    profile["id"] = PROFILE_ID
    profile["procurement"] = {**profile["procurement"], **layout}
    tree.put_file(f"profiles/{PROFILE_ID}.yaml", yaml.safe_dump(profile, allow_unicode=True, sort_keys=False))
    return tree.patch_unit({"profile": PROFILE_ID})


def with_procurement(tree: SiteTree, procurement: dict, total: str) -> SiteTree:
    """The procurement block replaced, and the narrative's sentence stating its total changed to match."""
    tree.patch_budget({"procurement": procurement})
    return tree.replace_in_narrative("安排政府采购预算1.20万元", f"安排政府采购预算{total}万元")


def checked(tree: SiteTree, *allowed: str):
    report = tree.check()
    unexpected = [d for d in report.diagnostics if d.code not in allowed]
    assert unexpected == [], describe(report)
    return report


def built(tree: SiteTree) -> Path:
    tree.write()  # the tree's files as last patched
    output = tree.root / "out" / "site"
    build(tree.content, output, search=False)
    return output


def procurement_table(site: Path):
    page = parse(site / "units" / UNIT_ID / str(YEAR) / "index.html")
    return next(t for t in page.iter("table") if t.get("id") == "t-procurement")


def body(table) -> list[list[tuple[str, int]]]:
    """Body rows as published cells: (text, rowspan); cells covered by a rowspan are not there."""
    rows = []
    for tr in table.find("tbody").iter("tr"):
        rows.append([(text_of(c).strip(), int(c.get("rowspan", "1"))) for c in tr if c.tag in ("td", "th")])
    return rows


def texts(row) -> list[str]:
    return [t for t, _ in row]


def header_labels(table) -> list[str]:
    return [text_of(c).strip() for c in table.find("thead").iter("th")]


def csv_rows(site: Path) -> list[list[str]]:
    raw = (site / "units" / UNIT_ID / str(YEAR) / "data" / "procurement.csv").read_bytes()
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# ---- a project of several items: one budget over its items ------------------------------------

# As published: 会议保障经费, budget 95, buys 60 + 35 (the name and budget one merged cell over two rows);
# 设备购置经费, budget 50, buys one item of 50. The 合计 row prints 145.00 in 合计 and 一般公共预算拨款 and
# leaves 预算资金 blank.
TWO_PROJECTS = {
    "items": [
        {"project": "会议保障经费", "project_budget": D("95"), **item("会议服务", "60")},
        {"project": "会议保障经费", **item("印刷服务", "35")},
        {"project": "设备购置经费", "project_budget": D("50"), **item("台式计算机", "50")},
    ],
    "total": D("145"),
    "total_row": {"general_budget": D("145")},
}


@pytest.fixture(scope="module")
def two_projects(tmp_path_factory):
    tree = SiteTree(tmp_path_factory.mktemp("procurement-projects"))
    with_procurement(with_layout(tree, total_row=True), TWO_PROJECTS, "145.00")
    report = checked(tree)
    return tree, report, built(tree)


def test_a_project_budget_is_shown_once_over_its_items(two_projects):
    _, _, site = two_projects
    rows = body(procurement_table(site))
    assert len(rows) == 4  # 合计 and three items
    assert rows[1][:3] == [("会议保障经费", 2), ("95.00", 2), ("会议服务", 1)]
    assert rows[2][:2] == [("印刷服务", 1), ("C0899", 1)]  # name and budget covered by the rowspan
    assert rows[3][:3] == [("设备购置经费", 1), ("50.00", 1), ("台式计算机", 1)]


def test_the_total_row_shows_what_the_document_prints_and_leaves_the_budget_blank(two_projects):
    _, _, site = two_projects
    table = procurement_table(site)
    total = texts(body(table)[0])
    assert total[:2] == ["合  计", ""]  # 预算资金 left blank, as published: never 95 + 95 + 50 = 240.00
    assert total[7:9] == ["145.00", "145.00"]  # 合计, 一般公共预算拨款
    assert all(cell == "" for cell in total[9:])
    assert "240.00" not in text_of(table)


def test_csv_keeps_one_line_per_item_naming_its_project(two_projects):
    _, _, site = two_projects
    rows = csv_rows(site)
    assert rows[0][:3] == ["项目名称", "预算资金", "采购物品名称"]
    assert [r[:3] for r in rows[2:]] == [["会议保障经费", "95.00", "会议服务"], ["会议保障经费", "95.00", "印刷服务"],
                                         ["设备购置经费", "50.00", "台式计算机"]]


def test_the_pdf_prints_the_budget_once_and_no_invented_total(two_projects, monkeypatch):
    from generator.pdf.build import render, unit_job

    tree, report, _ = two_projects
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    pdf = tree.root / "unit.pdf"
    pdf.write_bytes(render(unit_job(report.contexts[f"{UNIT_ID}/{YEAR}"], report.site), report.site))
    printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    section = printed[printed.rindex("部门政府采购预算"):]  # the table, not its line in the contents
    section = section[:section.index("国有资产信息")]
    assert section.count("95.00") == 1  # once, one merged cell spanning its two items
    assert section.index("会议服务") < section.index("95.00") < section.index("印刷服务")  # centred over both
    assert section.count("50.00") == 4  # 设备购置经费: 预算资金, 单价, 合计, 一般公共预算拨款
    assert "240.00" not in section and section.count("145.00") == 2  # 合计 row: 合计, 一般公共预算拨款


def test_without_a_recorded_total_row_the_budget_counts_each_project_once(make_site):
    tree = with_layout(make_site(), total_row=True)
    with_procurement(tree, {k: v for k, v in TWO_PROJECTS.items() if k != "total_row"}, "145.00")
    checked(tree)
    total = texts(body(procurement_table(built(tree)))[0])
    assert total[:2] == ["合  计", "145.00"]  # 95 + 50, each project once
    assert total[7:9] == ["145.00", "145.00"]


def test_a_project_budget_repeated_on_each_item_is_two_projects_and_warned(make_site):
    tree = with_layout(make_site(), total_row=True)
    items = [dict(TWO_PROJECTS["items"][0]), {**TWO_PROJECTS["items"][1], "project_budget": D("95")},
             dict(TWO_PROJECTS["items"][2])]
    with_procurement(tree, {"items": items, "total": D("145")}, "145.00")
    report = checked(tree, "P009")
    (warning,) = of_code(report, "P009")
    assert warning.subject == "procurement.items[1].project_budget"
    assert "会议保障经费" in warning.message


def test_a_total_row_contradicting_its_items_is_reported_not_fixed(make_site):
    tree = with_layout(make_site(), total_row=True)
    with_procurement(tree, {**TWO_PROJECTS, "total_row": {"budget": D("240"), "general_budget": D("145")}}, "145.00")
    report = checked(tree, "P001")
    (error,) = of_code(report, "P001")
    assert error.subject == "procurement.total_row.budget"
    assert (error.expected, error.found) == ("145.00", "240.00")
    assert "预算资金" in error.message
    tree.patch_budget({"acknowledged": [{"rule": "P001", "at": "procurement.total_row.budget",
                                         "reason": "公开表合计行的预算资金按物品逐行相加，如实保留"}]})
    total = texts(body(procurement_table(built(tree)))[0])
    assert total[1] == "240.00"  # reproduced as published, the deviation acknowledged


def test_items_over_their_project_budget_are_reported(make_site):
    tree = with_layout(make_site(), total_row=True)
    items = [dict(i) for i in TWO_PROJECTS["items"]]
    items[0]["project_budget"] = D("90")
    with_procurement(tree, {**TWO_PROJECTS, "items": items}, "145.00")
    report = checked(tree, "P007")
    assert [d.subject for d in of_code(report, "P007")] == ["procurement.items[0].project_budget"]


# ---- a department with subordinate units: a 小计 row per unit ------------------------------------

UNITS = {
    "items": [
        {"unit": "测试区示范办公室本级", "project": "业务工作经费", "project_budget": D("20.00"), **BASE_ITEM},
        {"unit": "测试区信息中心", "project": "信息化运维经费", "project_budget": D("30"), **item("软件运维服务", "18")},
        {"project": "信息化运维经费", **item("网络设备", "12")},
        {"project": "档案数字化经费", "project_budget": D("6"), **item("档案扫描服务", "6")},
    ],
    "total": D("37.20"),
    "subtotals": [  # the 信息中心 小计 as printed; the 本级 one is left to the documented rule
        {"unit": "测试区信息中心", "budget": D("36"), "amount": D("36"), "general_budget": D("36")},
    ],
}


@pytest.fixture(scope="module")
def department(tmp_path_factory):
    tree = SiteTree(tmp_path_factory.mktemp("procurement-units"))
    with_procurement(with_layout(tree, total_row=True, unit_subtotals=True), UNITS, "37.20")
    checked(tree)
    return built(tree)


def test_each_unit_has_its_subtotal_row_before_its_items(department):
    rows = [texts(r) for r in body(procurement_table(department))]
    assert [r[0] for r in rows] == ["合  计", "测试区示范办公室本级小计", "业务工作经费", "测试区信息中心小计",
                                    "信息化运维经费", "网络设备", "档案数字化经费"]
    assert rows[1][1] == "20.00" and rows[1][7:9] == ["1.20", "1.20"]  # derived: one project, one item
    assert rows[3][1] == "36.00" and rows[3][7:9] == ["36.00", "36.00"]  # as printed: 30 + 6
    assert rows[0][1] == "56.00" and rows[0][7:9] == ["37.20", "37.20"]  # 20 + 30 + 6; 1.20 + 18 + 12 + 6


def test_the_subtotal_rows_are_marked_as_totals(department):
    tbody = procurement_table(department).find("tbody")
    classes = [tr.get("class") or "" for tr in tbody.iter("tr")]
    assert ["total" in c for c in classes] == [True, True, False, True, False, False, False]


def test_a_subtotal_its_items_contradict_is_reported(make_site):
    tree = with_layout(make_site(), total_row=True, unit_subtotals=True)
    broken = {**UNITS, "subtotals": [{"unit": "测试区信息中心", "budget": D("42"), "amount": D("36")}]}
    with_procurement(tree, broken, "37.20")
    report = checked(tree, "P006")
    (error,) = of_code(report, "P006")
    assert error.subject == "procurement.subtotals[0].budget"
    assert (error.expected, error.found) == ("36.00", "42.00")
    assert "测试区信息中心" in error.message


def test_a_subtotal_of_an_unknown_unit_has_no_place(make_site):
    tree = with_layout(make_site(), total_row=True, unit_subtotals=True)
    with_procurement(tree, {**UNITS, "subtotals": [{"unit": "测试区信息中心站", "amount": D("36")}]}, "37.20")
    report = checked(tree, "P008")
    assert [d.subject for d in of_code(report, "P008")] == ["procurement.subtotals[0]"]


# ---- a table without a 合计 row (丰南区 2023 部门预算) -------------------------------------------


def test_a_table_without_a_total_row_has_none(make_site):
    tree = make_site()  # the built-in hebei-tangshan-dept profile: its published table has no 合计 row
    with_procurement(tree, {k: v for k, v in TWO_PROJECTS.items() if k != "total_row"}, "145.00")
    checked(tree)
    table = procurement_table(built(tree))
    rows = [texts(r) for r in body(table)]
    assert [r[0] for r in rows] == ["会议保障经费", "印刷服务", "设备购置经费"]
    assert "合  计" not in text_of(table)


def test_a_recorded_total_row_the_layout_has_no_place_for_is_reported(make_site):
    tree = make_site()
    with_procurement(tree, TWO_PROJECTS, "145.00")
    report = checked(tree, "P008")
    assert [d.subject for d in of_code(report, "P008")] == ["procurement.total_row"]


# ---- the alternative carry-over columns -----------------------------------------------------

ONE_CARRY_OVER = [
    {"key": "general_budget", "label": "一般公共预算拨款"},
    {"key": "government_fund", "label": "政府性基金预算拨款"},
    {"key": "soe_capital", "label": "国有资本经营预算拨款"},
    {"key": "special_account", "label": "财政专户管理资金"},
    {"key": "unit_funds", "label": "单位资金"},
    {"key": "carry_over", "label": "上年结转结余"},
]
CARRIED = {
    "items": [
        {"project": "业务工作经费", "project_budget": D("20.00"), **BASE_ITEM},
        {"project": "业务工作经费", "item": "复印纸", "catalogue_code": "A090101", "measure": "箱", "quantity": 1,
         "unit_price": D("5"), "carry_over": D("5"), "amount": D("5")},
    ],
    "total": D("6.20"),
}


def test_one_carry_over_column_with_the_profile_labels(make_site):
    tree = with_layout(make_site(), columns=ONE_CARRY_OVER, total_row=True)
    with_procurement(tree, CARRIED, "6.20")
    checked(tree)
    site = built(tree)
    table = procurement_table(site)
    labels = header_labels(table)
    assert labels[-7:] == ["合计", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款", "财政专户管理资金",
                           "单位资金", "上年结转结余"]
    assert "财政拨款结转" not in labels and "非财政拨款结转结余" not in labels
    group = next(th for th in table.find("thead").iter("th") if text_of(th).startswith("政府采购金额"))
    assert group.get("colspan") == "7"  # 合计 and six fund columns
    rows = [texts(r) for r in body(table)]
    assert rows[0][7:15] == ["6.20", "1.20", "", "", "", "", "5.00", "1.20"]  # 合计 … 上年结转结余, 预留份额
    assert rows[2][0] == "复印纸"  # its project's name and budget covered by the rowspan above
    assert rows[2][4:13] == ["5.00", "5.00", "", "", "", "", "", "5.00", ""]  # 单价, 合计, 5 funds, 上年结转结余, 份额
    assert csv_rows(site)[0][7:14] == ["合计", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款",
                                       "财政专户管理资金", "单位资金", "上年结转结余"]


def test_a_fund_the_layout_does_not_show_is_reported(make_site):
    tree = with_layout(make_site(), columns=ONE_CARRY_OVER, total_row=True)
    items = [dict(i) for i in CARRIED["items"]]
    items[1] = {**items[1], "carry_over": D("0"), "fiscal_carry_over": D("5")}
    with_procurement(tree, {**CARRIED, "items": items}, "6.20")
    report = checked(tree, "P008")
    (error,) = of_code(report, "P008")
    assert error.subject == "procurement.items[1].fiscal_carry_over"
    assert "财政拨款结转" in error.message


def test_the_built_in_profiles_follow_their_published_tables():
    from generator.model.profile import Profile

    def layout(name):
        return Profile.model_validate(yaml.safe_load((BUILTIN_PROFILES / f"{name}.yaml").read_text("utf-8"))).procurement

    published = ["一般公共预算拨款", "基金预算拨款", "国有资本经营预算拨款", "财政专户核拨", "单位资金", "财政拨款结转",
                 "非财政拨款结转结余"]  # seeds 000 (line 629), 001 (2143), 003 (493)
    for name in ("hebei-langfang-unit", "hebei-tangshan-dept"):
        assert [c.label for c in layout(name).columns] == published
    assert layout("hebei-langfang-unit").total_row  # seeds 000 and 003 open with “合  计”
    assert not layout("hebei-tangshan-dept").total_row  # seed 001's table has none


def test_the_example_content_renders_the_published_guangyang_table(example_report):
    from generator.document import build_document

    doc = build_document(example_report.contexts["guangyang-zhengfuban/2022"], example_report.site)
    table = next(t for t in doc.tables if t.id == "procurement")
    # the acknowledged deviations only (notices such as N009 say what was not checked, not what is wrong)
    assert {d.code for d in example_report.diagnostics if d.severity.value != "info"} <= {"P004", "S006"}
    published = [  # seed 003, lines 510-577
        ["合  计", "359.00", "", "", "", "", "", "359.00", "359.00", "", "", "", "", "", "", ""],
        ["政务管理经费", "80.00", "办公耗材", "A0999", "套", "1", "80.00", "80.00", "80.00"] + [""] * 7,
        ["政务管理经费", "140.00", "印刷服务", "C08140199", "套", "1", "140.00", "140.00", "140.00"] + [""] * 7,
        ["办公自动化经费", "139.00", "软件运维服务", "C020603", "套", "1", "139.00", "139.00", "139.00"] + [""] * 7,
    ]
    assert table.records() == published
    assert all(cell.rowspan == 1 for row in table.rows for cell in row.cells)  # two 政务管理经费 rows, not merged


@pytest.mark.parametrize("total_row, rows", [
    (True, [["合  计"] + [""] * 15]),  # seed 000 (廊坊): the empty table keeps its blank 合计 row
    (False, []),  # seed 001 (唐山): its table has no 合计 row, empty or not
])
def test_an_empty_table_keeps_the_total_row_its_layout_prints_blank(make_site, total_row, rows):
    tree = with_layout(make_site(), total_row=total_row)
    tree.patch_budget({"procurement": {"items": [], "total": D("0.00")},
                       "fixed_assets": {"planned_purchases": D("0.00")}})
    tree.replace_in_narrative("拟购置固定资产总额为1.20万元", "拟购置固定资产总额为0万元")
    tree.replace_in_narrative("政府采购预算1.20万元", "政府采购预算0.00万元")
    report = checked(tree)
    site = built(tree)
    table = procurement_table(site)
    assert [texts(r) for r in body(table)] == rows, describe(report)
    page = parse(site / "units" / UNIT_ID / str(YEAR) / "index.html")
    notes = [text_of(p) for p in page.iter("p") if p.get("class") == "table-note"]
    assert "注：无政府采购预算，空表列示。" in notes  # the table is still shown empty, with its note
