"""`budgetsite export` and the build's filing downloads: the workbook opened with openpyxl (a sheet per
table, merged headers, number formats, blank not zero, A4 print settings), byte-identical exports; and
the round trip: each example disclosure exported, imported into an empty site, checked, rendered, and
its tables' cells compared with the original's on the parsed pages."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from tests.import_fixtures import ROOT, budgetsite, empty_site
from tests.site_support import parse, text_of

EXAMPLES = [("fengnan-renda", 2023), ("guangyang-zhengfuban", 2022), ("langfang-renda", 2023)]


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("export")
    for unit, year in EXAMPLES:
        result = budgetsite("export", unit, str(year), "--format", "xlsx", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert f"已导出 {out / f'{unit}-{year}.xlsx'}" in result.stdout
    return out


# ---- the workbook --------------------------------------------------------------------------------

def sheet_of(book, title: str):
    return next(s for s in book.worksheets if s.title == title)


def test_one_sheet_per_table_in_the_published_layout(exported):
    book = load_workbook(exported / "fengnan-renda-2023.xlsx")
    titles = [s.title for s in book.worksheets]
    assert titles[:9] == ["部门预算收支总表", "部门预算收入总表", "部门预算支出总表", "部门预算财政拨款收支总表",
                          "部门预算一般公共预算财政拨款支出表", "部门预算一般公共预算财政拨款基本支出表",
                          "部门预算政府基金预算财政拨款支出表", "部门预算国有资本经营预算财政拨款支出表",
                          "部门预算财政拨款“三公”经费支出表"]
    sheet = sheet_of(book, "部门预算一般公共预算财政拨款支出表")
    assert sheet["A1"].value == "部门预算一般公共预算财政拨款支出表" and "A1:F1" in sheet.merged_cells
    row2 = [c.value for c in sheet[2] if c.value]
    assert row2 == ["301唐山市丰南区人民代表大会常务委员会办公室", "预算年度：2023年", "单位：万元"]
    # merged header cells as the page has them: 收入总表's 功能分类科目 over 科目编码 / 科目名称, 本年收入 over its
    # sources, 合计 two rows high
    income = sheet_of(book, "部门预算收入总表")
    assert income["B3"].value == "功能分类科目" and "B3:C3" in income.merged_cells
    assert (income["B4"].value, income["C4"].value) == ("科目编码", "科目名称")
    assert income["E3"].value == "本年收入" and "E3:L3" in income.merged_cells and "D3:D4" in income.merged_cells
    rows = {r[1].value: r for r in sheet.iter_rows(min_row=5) if r[1].value}
    line = rows["2010101"]  # 行政运行 576.77 | 576.77 | (blank)
    assert line[1].data_type == "s"  # the code stays text
    assert (str(line[3].value), str(line[4].value), line[5].value) == ("576.77", "576.77", None)
    assert line[3].number_format == "0.00" and line[3].data_type == "n"
    assert rows["2010102"][4].value is None  # 一般行政管理事务 has no 基本支出: blank, never 0


def test_print_settings(exported):
    book = load_workbook(exported / "fengnan-renda-2023.xlsx")
    for sheet in book.worksheets:
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.page_setup.fitToWidth == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert re.fullmatch(r"\$[34]:\$\d+", sheet.print_title_rows or ""), sheet.title  # the header rows
    assert sheet_of(book, "部门预算收入总表").print_title_rows == "$3:$5"  # two header rows and 栏次
    assert sheet_of(book, "部门预算收入总表").page_setup.orientation == "landscape"  # 12 numeric columns
    assert sheet_of(book, "部门预算一般公共预算财政拨款支出表").page_setup.orientation == "portrait"


def test_more_decimals_than_two_are_kept_as_published(exported):
    """广阳 2022 prints 资产总额 420.74804 万元: the cell shows what the document shows."""
    sheet = sheet_of(load_workbook(exported / "guangyang-zhengfuban-2022.xlsx"), "固定资产占用情况表")
    total = next(r for r in sheet.iter_rows() if r[0].value == "资产总额")
    assert str(total[2].value) == "420.74804" and total[2].number_format == "0.00000"


def test_exports_are_byte_identical(tmp_path, exported):
    again = budgetsite("export", "fengnan-renda", "-o", str(tmp_path))  # latest year, both formats
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "fengnan-renda-2023.xlsx").read_bytes() == (exported / "fengnan-renda-2023.xlsx").read_bytes()
    assert (tmp_path / "fengnan-renda-2023.docx").is_file()
    book = load_workbook(tmp_path / "fengnan-renda-2023.xlsx")
    assert book.properties.created.year == 2023  # the budget year, not the time of the export


def test_export_refuses_an_unknown_unit_or_year(tmp_path):
    unknown = budgetsite("export", "no-such-unit", "-o", str(tmp_path))
    assert unknown.returncode == 2 and "没有单位“no-such-unit”" in unknown.stderr and "fengnan-renda" in unknown.stderr
    year = budgetsite("export", "fengnan-renda", "2019", "-o", str(tmp_path))
    assert year.returncode == 2 and "没有 2019 年度（已有年度：2023）" in year.stderr
    assert list(tmp_path.iterdir()) == []


# ---- the round trip ------------------------------------------------------------------------------

def budget_tables(page: Path) -> dict[str, list[list[str]]]:
    """Every standard table of a rendered page: id → rows of cell texts (header and body)."""
    out = {}
    for table in parse(page).iter("table"):
        if "budget" in (table.get("class") or "").split():
            out[table.get("id")] = [[" ".join(text_of(c).split()) for c in tr if c.tag in ("td", "th")]
                                    for tr in table.iter("tr")]
    return out


@pytest.fixture(scope="module")
def round_trip(exported, tmp_path_factory):
    root = tmp_path_factory.mktemp("roundtrip")
    content = empty_site(root)
    outputs = {}
    for unit, year in EXAMPLES:
        result = budgetsite("import", str(exported / f"{unit}-{year}.xlsx"), "--unit", unit, "-c", str(content))
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[unit] = result.stdout
        folder = content / "units" / unit / str(year)
        # the workbook has the tables only: the text, and the deviations the author acknowledged, are
        # the officer's (as in the original), so they come from the example
        original = ROOT / "content" / "units" / unit / str(year)
        shutil.copy(original / "narrative.md", folder / "narrative.md")
        acknowledged = yaml.safe_load((original / "budget.yaml").read_text(encoding="utf-8")).get("acknowledged")
        if acknowledged:
            kept = [a for a in acknowledged if not str(a.get("at", "")).startswith("previous_year")]
            with (folder / "budget.yaml").open("a", encoding="utf-8") as handle:
                handle.write(yaml.safe_dump({"acknowledged": kept}, allow_unicode=True, sort_keys=False))
    check = budgetsite("check", "-c", str(content), "--no-cache")
    built = budgetsite("build", "-c", str(content), "-o", str(root / "imported"), "--no-search", "--clean")
    original = budgetsite("build", "-o", str(root / "original"), "--no-search", "--clean")
    assert original.returncode == 0, original.stderr
    return root, content, outputs, check, built


def test_imported_content_checks_without_errors(round_trip):
    _, _, _, check, built = round_trip
    assert check.returncode == 0, check.stdout + check.stderr
    assert "：0 个错误" in check.stdout
    assert built.returncode == 0, built.stderr


@pytest.mark.parametrize("unit, year", EXAMPLES, ids=[u for u, _ in EXAMPLES])
def test_imported_disclosure_renders_the_same_tables(round_trip, unit, year):
    root = round_trip[0]
    page = Path("units") / unit / str(year) / "index.html"
    original, imported = budget_tables(root / "original" / page), budget_tables(root / "imported" / page)
    assert original, "no standard table on the page"
    for table_id in original:  # every table: the standard ones, 三公, procurement, assets, performance
        assert imported.get(table_id) == original[table_id], table_id
    assert sorted(imported) == sorted(original)


def test_what_the_round_trip_cannot_map_is_listed(round_trip):
    _, content, outputs, _, _ = round_trip
    head = (content / "units" / "fengnan-renda" / "2023" / "budget.yaml").read_text(encoding="utf-8")
    listed = [line for line in head.splitlines() if line.startswith("# 未导入")]
    # 财政拨款收支总表 is derived from the other tables: compared, not imported, and said so
    assert "部门预算财政拨款收支总表" in outputs["fengnan-renda"]
    assert len(listed) == 1 and "部门预算财政拨款收支总表" in listed[0] and "未导入" in listed[0]
    assert "绩效目标表" not in outputs["fengnan-renda"]  # the performance tables are imported


# ---- the site's downloads ------------------------------------------------------------------------

def test_site_links_and_lists_the_filing_files(round_trip):
    folder = round_trip[0] / "original" / "units" / "fengnan-renda" / "2023"
    for name in ("fengnan-renda-2023.xlsx", "fengnan-renda-2023.docx"):
        assert (folder / name).is_file()
    links = {a.get("href"): text_of(a) for a in parse(folder / "index.html").iter("a")}
    assert links.get("fengnan-renda-2023.xlsx") == "各表 Excel 工作簿（报送用）"
    assert links.get("fengnan-renda-2023.docx") == "全文 Word 文档（报送用）"
    package = (folder / "datapackage.json").read_text(encoding="utf-8")
    assert '"path": "fengnan-renda-2023.xlsx"' in package and '"path": "fengnan-renda-2023.docx"' in package
    year_package = (round_trip[0] / "original" / "datapackage-2023.json").read_text(encoding="utf-8")
    assert "units/fengnan-renda/2023/fengnan-renda-2023.xlsx" in year_package
    # the same bytes as `budgetsite export` writes
    book = load_workbook(folder / "fengnan-renda-2023.xlsx")
    assert book.sheetnames[0] == "部门预算收支总表"


def test_source_date_epoch_dates_the_export(tmp_path, monkeypatch):
    """SOURCE_DATE_EPOCH (reproducible builds) dates both exports: every zip entry and the core
    properties' created and modified stamps, as Excel and Word read them."""
    import io
    import zipfile

    from docx import Document as WordDocument

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1704067200")  # 2024-01-01T00:00:00Z
    for fmt in ("xlsx", "docx"):
        result = budgetsite("export", "langfang-renda", "2023", "--format", fmt, "-o", str(tmp_path))
        assert result.returncode == 0, result.stderr
        data = (tmp_path / f"langfang-renda-2023.{fmt}").read_bytes()
        archive = zipfile.ZipFile(io.BytesIO(data))
        assert {i.date_time for i in archive.infolist()} == {(2024, 1, 1, 0, 0, 0)}
        assert archive.read("docProps/core.xml").count(b"2024-01-01T00:00:00Z") == 2
    assert load_workbook(tmp_path / "langfang-renda-2023.xlsx").properties.created.year == 2024
    assert WordDocument(tmp_path / "langfang-renda-2023.docx").core_properties.modified.year == 2024
