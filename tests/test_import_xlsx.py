"""`budgetsite import` of workbooks: hand-built sheets in the layouts budget systems export, checked
against what the published documents say (tests/import_fixtures.py); each bad file through the real
command line, with its located diagnostic and nothing written. The round trip (export the examples,
import them, the same tables) is in tests/test_export_xlsx.py."""

from __future__ import annotations

import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from tests.import_fixtures import (GUANGYANG_PROCUREMENT, Sheet, basic_economic_sheet, budgetsite, empty_site,
                                   files_under, general_budget_sheet, procurement_sheet, write_xls, write_xlsx)


def imported(tmp_path: Path, sheets: list[Sheet], unit: str = "fengnan-renda", suffix: str = ".xlsx", *extra: str):
    content = empty_site(tmp_path)
    book = (write_xls if suffix == ".xls" else write_xlsx)(tmp_path / f"预算表{suffix}", sheets)
    result = budgetsite("import", str(book), "--unit", unit, "-c", str(content), *extra)
    return content, result


def budget_of(content: Path, unit: str = "fengnan-renda", year: int = 2023) -> tuple[dict, str]:
    text = (content / "units" / unit / str(year) / "budget.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text), text


def amounts(lines: list[dict], *keys: str) -> dict[str, tuple]:
    return {line["code"]: tuple(None if line.get(k) is None else D(str(line[k])) for k in keys) for line in lines}


# ---- layouts of real exports ------------------------------------------------------------------------

@pytest.mark.parametrize("codes_as_numbers", [False, True], ids=["codes-as-text", "codes-as-numbers"])
def test_general_budget_table_gives_the_published_project_lines(tmp_path, codes_as_numbers):
    content, result = imported(tmp_path, [general_budget_sheet(codes_as_numbers), basic_economic_sheet()])
    assert result.returncode == 0, result.stdout + result.stderr
    data, text = budget_of(content)
    assert data["year"] == 2023  # from the caption's 预算年度：2023
    # the 项 rows of the published table (seed 001), blank cells not written as 0
    assert amounts(data["functional"], "basic", "project") == {
        "2010101": (D("576.77"), None), "2010102": (None, D("225.72")), "2080501": (D("81.38"), None),
        "2080505": (D("54.25"), None), "2080711": (None, D("2.33")), "2101101": (D("20.66"), None),
        "2101103": (D("38.73"), None), "2210201": (D("43.71"), None)}
    assert all("source" not in line for line in data["functional"])  # general budget funds
    # economic 款 rows only; the 类 rows (301, 302, 303) and 合计 are subtotals, not data
    economic = amounts(data["economic"], "personnel", "public")
    assert sorted(economic) == sorted(c for c, *_ in __import__("tests.import_fixtures").import_fixtures.BASIC_ECONOMIC
                                      if len(c) == 5)
    assert economic["30101"] == (D("164.46"), None) and economic["30231"] == (None, D("20.00"))
    assert sum(p for p, _ in economic.values() if p) == D("718.09")
    assert sum(q for _, q in economic.values() if q) == D("97.41")
    # every value names its cell
    assert 'basic: 576.77  # 表5!E9' in text and "personnel: 164.46  # 表6!E8" in text
    assert "I006" not in result.stdout + result.stderr  # the published subtotals agree
    unit = yaml.safe_load((content / "units" / "fengnan-renda" / "unit.yaml").read_text(encoding="utf-8"))
    assert unit["name"] == "唐山市丰南区人民代表大会常务委员会办公室" and unit["code"] == "301"


def test_tables_are_recognised_by_title_not_position(tmp_path):
    sheets = [procurement_sheet(name="Sheet1"), basic_economic_sheet("Sheet2"), general_budget_sheet(name="Sheet3")]
    content, result = imported(tmp_path, sheets)
    assert result.returncode == 0, result.stderr
    data, _ = budget_of(content)
    assert len(data["functional"]) == 8 and len(data["economic"]) == 21


def test_two_row_procurement_header_is_not_data(tmp_path):
    """丰南 2023: 政府采购预算 is an empty table (空表列示) under a two-row header; its second row (合计,
    一般公共预算拨款…) and the merged 数量/单价 cells are header, not an item and not text in an amount."""
    content, result = imported(tmp_path, [general_budget_sheet(), procurement_sheet()])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "I005" not in result.stdout + result.stderr
    data, _ = budget_of(content)
    assert data["procurement"]["items"] == []


def test_procurement_items_under_the_two_row_header(tmp_path):
    """广阳 2022's items (seed 003: 359 万元 in all) in the same layout."""
    content, result = imported(tmp_path, [general_budget_sheet(), procurement_sheet(GUANGYANG_PROCUREMENT)])
    assert result.returncode == 0, result.stdout + result.stderr
    items = budget_of(content)[0]["procurement"]["items"]
    assert [(i["item"], i["catalogue_code"], D(str(i["quantity"])), D(str(i["amount"]))) for i in items] == [
        ("办公耗材", "A0999", D(1), D(80)), ("印刷服务", "C08140199", D(1), D(140)),
        ("软件运维服务", "C020603", D(1), D(139))]
    assert sum(D(str(i["amount"])) for i in items) == D(359)
    # the project's budget once, on its first item (the project cell is merged in the published table)
    assert [i.get("project_budget") for i in items] == [220, None, 139]


def test_subtotal_differences_are_located(tmp_path):
    rows = [r if r[0] != "201" else ("201", "一般公共服务支出", "802.59", "576.77", "225.82") for r in
            __import__("tests.import_fixtures").import_fixtures.GENERAL_BUDGET]
    content, result = imported(tmp_path, [general_budget_sheet(rows=rows)])
    assert result.returncode == 0, result.stderr
    out = result.stdout + result.stderr
    assert "预算表.xlsx:表5!D7: I006" in out and "预算表.xlsx:表5!F7: I006" in out
    assert "应为 802.49" in out and "实为 802.59" in out
    data, _ = budget_of(content)
    assert amounts(data["functional"], "project")["2010102"] == (D("225.72"),)  # data stays the 项 rows


def test_gbk_xls_imports_the_same(tmp_path):
    content, result = imported(tmp_path, [general_budget_sheet(), basic_economic_sheet()], "fengnan-renda", ".xls")
    assert result.returncode == 0, result.stdout + result.stderr
    data, text = budget_of(content)
    assert {line["name"] for line in data["functional"]} >= {"行政运行", "机关事业单位基本养老保险缴费支出"}
    assert amounts(data["economic"], "personnel")["30199"] == (D("107.17"),)


def test_numbers_stored_as_text_are_read(tmp_path):
    content, result = imported(tmp_path, [general_budget_sheet(), basic_economic_sheet(amounts_as_text=True)])
    assert result.returncode == 0, result.stderr
    assert amounts(budget_of(content)[0]["economic"], "personnel")["30101"] == (D("164.46"),)


def test_what_cannot_be_mapped_is_listed_on_screen_and_in_the_file(tmp_path):
    extra = Sheet("说明", [["填报说明"], ["本表由预算管理一体化系统导出，请勿修改表头。"]])
    rows = general_budget_sheet().rows
    rows.insert(8, ["x", "附注", "以下为明细", None, None, None])  # a row that is no account
    sheets = [Sheet("表5", rows, general_budget_sheet().merges), extra]
    content, result = imported(tmp_path, sheets)
    assert result.returncode == 0, result.stderr
    _, text = budget_of(content)
    for where in ("预算表.xlsx:说明", "表5 第9行"):
        assert where in result.stdout, result.stdout
        assert any(where in line for line in text.splitlines() if line.startswith("# 未导入")), text[:800]


def test_an_existing_unit_gets_a_new_year_only(tmp_path):
    content, first = imported(tmp_path, [general_budget_sheet()])
    assert first.returncode == 0
    unit_yaml = (content / "units" / "fengnan-renda" / "unit.yaml").read_bytes()
    book = tmp_path / "预算表.xlsx"
    again = budgetsite("import", str(book), "--unit", "fengnan-renda", "--year", "2024", "-c", str(content))
    assert again.returncode == 0, again.stderr
    assert (content / "units" / "fengnan-renda" / "2024" / "budget.yaml").is_file()
    assert (content / "units" / "fengnan-renda" / "unit.yaml").read_bytes() == unit_yaml


# ---- bad input: a located diagnostic, nothing written ----------------------------------------------

def refused(tmp_path: Path, book: Path, *extra: str, unit: str = "fengnan-renda") -> str:
    content = tmp_path / "content"
    if not content.exists():
        content = empty_site(tmp_path)
    before = files_under(content)
    result = budgetsite("import", str(book), "-c", str(content), *(("--unit", unit) if unit else ()), *extra)
    assert result.returncode == 1, result.stdout + result.stderr
    assert files_under(content) == before, "a refused import wrote files"
    assert "未写任何文件" in result.stderr
    return result.stdout + result.stderr


def test_a_workbook_that_is_no_disclosure(tmp_path):
    book = write_xlsx(tmp_path / "通讯录.xlsx", [Sheet("Sheet1", [["姓名", "电话", "地址"], ["张三", "123", "某街"]])])
    out = refused(tmp_path, book)
    assert "通讯录.xlsx: I003 [错误]" in out and "没有可识别的预算公开表格" in out


def test_a_sheet_with_a_missing_column(tmp_path):
    sheet = general_budget_sheet()
    for row in sheet.rows:
        del row[5]  # 项目支出
    sheet.rows[1] = ["301唐山市丰南区人民代表大会常务委员会办公室", None, "预算年度：2023", None, "单位：万元"]
    sheet.merges = ["A1:E1", "A3:A4", "B3:C3", "D3:D4", "E3:E4"]
    out = refused(tmp_path, write_xlsx(tmp_path / "缺列.xlsx", [sheet]))
    assert "缺列.xlsx:表5 第3行: I004 [错误]" in out and "缺少“项目支出”列" in out


def test_text_in_an_amount_cell(tmp_path):
    sheet = general_budget_sheet()
    sheet.rows[8][4] = "约576万"  # 2010101 行政运行, 基本支出
    out = refused(tmp_path, write_xlsx(tmp_path / "文字.xlsx", [sheet]))
    assert "文字.xlsx:表5!E9: I005 [错误] 金额单元格中是文字" in out and "实为 约576万" in out


def test_a_password_protected_workbook(tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", [general_budget_sheet()])
    locked = tmp_path / "加密.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("密码123", target)
    assert msoffcrypto.OfficeFile(locked.open("rb")).is_encrypted()
    out = refused(tmp_path, locked)
    assert "加密.xlsx: I007 [错误] 文件已加密（设有打开密码）" in out


def test_a_truncated_workbook(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", [general_budget_sheet()]).read_bytes()
    cut = tmp_path / "损坏.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(cut)
    out = refused(tmp_path, cut)
    assert "损坏.xlsx: I002 [错误] 文件无法读取（已损坏或不完整" in out


def test_an_unknown_file_type_and_a_missing_file(tmp_path):
    text = tmp_path / "预算.csv"
    text.write_text("a,b\n", encoding="utf-8")
    assert "I002 [错误] 不支持的文件类型" in refused(tmp_path, text)
    assert "I002 [错误] 文件不存在" in refused(tmp_path, tmp_path / "没有.xlsx")


def test_gbk_xls_with_text_in_an_amount_names_the_cell(tmp_path):
    sheet = basic_economic_sheet()
    sheet.rows[9][3] = "见附表"  # 30107 绩效工资, 合计
    book = write_xls(tmp_path / "旧版.xls", [general_budget_sheet(), sheet])
    out = refused(tmp_path, book)
    assert "旧版.xls:表6!D10: I005 [错误]" in out and "实为 见附表" in out


def test_no_unit_given_and_an_existing_year(tmp_path):
    book = write_xlsx(tmp_path / "预算表.xlsx", [general_budget_sheet()])
    out = refused(tmp_path, book, unit="")
    assert "I008 [错误]" in out and "--unit" in out
    content = tmp_path / "content"
    assert budgetsite("import", str(book), "--unit", "fengnan-renda", "-c", str(content)).returncode == 0
    out = refused(tmp_path, book)
    assert "I009 [错误] 该年度目录已存在，不覆盖" in out and "fengnan-renda/2023" in out
