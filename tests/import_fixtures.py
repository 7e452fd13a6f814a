"""Workbooks in the layouts real budget systems export, for the importer's tests, with the figures of
the published 丰南 2023 disclosure (seed 001_*: 一般公共预算财政拨款支出表, 基本支出表, 政府采购预算) and the
广阳 2022 procurement items (seed 003_*). Each sheet as the systems write it: a title row, the caption row
(unit code and name, 预算年度, 单位：万元), merged headers, a 栏次 row, a 合计 row, blank for zero, a
trailing note; codes written as text or as numbers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
UNIT_CAPTION = "301唐山市丰南区人民代表大会常务委员会办公室"

# (code, name, 合计, 基本支出, 项目支出) as published; None where the table leaves the cell blank
GENERAL_BUDGET = [
    ("201", "一般公共服务支出", "802.49", "576.77", "225.72"),
    ("20101", "人大事务", "802.49", "576.77", "225.72"),
    ("2010101", "行政运行", "576.77", "576.77", None),
    ("2010102", "一般行政管理事务", "225.72", None, "225.72"),
    ("208", "社会保障和就业支出", "137.96", "135.63", "2.33"),
    ("20805", "行政事业单位养老支出", "135.63", "135.63", None),
    ("2080501", "行政单位离退休", "81.38", "81.38", None),
    ("2080505", "机关事业单位基本养老保险缴费支出", "54.25", "54.25", None),
    ("20807", "就业补助", "2.33", None, "2.33"),
    ("2080711", "就业见习补贴", "2.33", None, "2.33"),
    ("210", "卫生健康支出", "59.39", "59.39", None),
    ("21011", "行政事业单位医疗", "59.39", "59.39", None),
    ("2101101", "行政单位医疗", "20.66", "20.66", None),
    ("2101103", "公务员医疗补助", "38.73", "38.73", None),
    ("221", "住房保障支出", "43.71", "43.71", None),
    ("22102", "住房改革支出", "43.71", "43.71", None),
    ("2210201", "住房公积金", "43.71", "43.71", None),
]
GENERAL_BUDGET_TOTAL = ("1043.55", "815.50", "228.05")

# (code, name, 合计, 人员经费, 公用经费)
BASIC_ECONOMIC = [
    ("301", "工资福利支出", "636.06", "636.06", None),
    ("30101", "基本工资", "164.46", "164.46", None), ("30102", "津贴补贴", "121.11", "121.11", None),
    ("30103", "奖金", "61.03", "61.03", None), ("30107", "绩效工资", "21.53", "21.53", None),
    ("30108", "机关事业单位基本养老保险缴费", "54.25", "54.25", None),
    ("30110", "职工基本医疗保险缴费", "20.66", "20.66", None), ("30111", "公务员医疗补助缴费", "38.73", "38.73", None),
    ("30112", "其他社会保障缴费", "3.41", "3.41", None), ("30113", "住房公积金", "43.71", "43.71", None),
    ("30199", "其他工资福利支出", "107.17", "107.17", None),
    ("302", "商品和服务支出", "97.41", None, "97.41"),
    ("30201", "办公费", "8.50", None, "8.50"), ("30207", "邮电费", "17.85", None, "17.85"),
    ("30208", "取暖费", "0.30", None, "0.30"), ("30217", "公务接待费", "10.00", None, "10.00"),
    ("30228", "工会经费", "8.54", None, "8.54"), ("30229", "福利费", "4.43", None, "4.43"),
    ("30231", "公务用车运行维护费", "20.00", None, "20.00"), ("30239", "其他交通费用", "23.80", None, "23.80"),
    ("30299", "其他商品和服务支出", "3.99", None, "3.99"),
    ("303", "对个人和家庭的补助", "82.03", "82.03", None),
    ("30302", "退休费", "81.38", "81.38", None), ("30309", "奖励金", "0.65", "0.65", None),
]
BASIC_ECONOMIC_TOTAL = ("815.50", "718.09", "97.41")

# 广阳 2022 单位政府采购预算 (seed 003_*): project, its budget, item, catalogue code, measure, qty, price, amount
GUANGYANG_PROCUREMENT = [
    ("政务管理经费", "220", "办公耗材", "A0999", "套", "1", "80", "80"),
    ("政务管理经费", "220", "印刷服务", "C08140199", "套", "1", "140", "140"),
    ("办公自动化经费", "139", "软件运维服务", "C020603", "套", "1", "139", "139"),
]


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: list[str] = field(default_factory=list)


def number(text, as_text: bool = False):
    """A published amount as a system writes it: a float (the cell a number), or the text itself."""
    if text is None:
        return None
    return text if as_text else float(text)


def caption(width: int) -> list:
    row = [None] * width
    row[0], row[width // 2], row[-1] = UNIT_CAPTION, "预算年度：2023", "单位：万元"
    return row


def general_budget_sheet(codes_as_numbers: bool = False, name: str = "表5",
                         rows=GENERAL_BUDGET, total=GENERAL_BUDGET_TOTAL) -> Sheet:
    body = [[str(i), int(code) if codes_as_numbers else code, label, *(number(v) for v in values)]
            for i, (code, label, *values) in enumerate(rows, start=2)]
    return Sheet(name, [
        ["部门预算一般公共预算财政拨款支出表", None, None, None, None, None],
        caption(6),
        ["序号", "功能分类科目", None, "合计", "基本支出", "项目支出"],
        [None, "科目编码", "科目名称", None, None, None],
        ["栏次", "1", "2", "3", "4", "5"],
        ["1", None, "合计", *(number(v) for v in total)],
        *body,
        [None] * 6,
        ["注：本表反映2023年一般公共预算财政拨款支出安排情况。", None, None, None, None, None],
    ], ["A1:F1", "A3:A4", "B3:C3", "D3:D4", "E3:E4", "F3:F4"])


def basic_economic_sheet(name: str = "表6", amounts_as_text: bool = False) -> Sheet:
    body = [[str(i), int(code), label, *(number(v, amounts_as_text) for v in values)]
            for i, (code, label, *values) in enumerate(BASIC_ECONOMIC, start=2)]
    return Sheet(name, [
        ["部门预算一般公共预算财政拨款基本支出表", None, None, None, None, None],
        caption(6),
        ["序号", "支出部门经济分类科目", None, "一般公共预算基本支出", None, None],
        [None, "科目编码", "科目名称", "合计", "人员经费", "公用经费"],
        ["栏次", "1", "2", "3", "4", "5"],
        ["1", None, "合计", *(number(v, amounts_as_text) for v in BASIC_ECONOMIC_TOTAL)],
        *body,
    ], ["A1:F1", "A3:A4", "B3:C3", "D3:F3"])


PROCUREMENT_HEAD = [
    ["政府采购项目来源", None, "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价",
     "政府采购金额（当年部门预算安排资金）", None, None, None, None, None, None, None, "2023年预留中小微企业份额"],
    ["项目名称", "预算资金", None, None, None, None, None, "合计", "一般公共预算拨款", "基金预算拨款",
     "国有资本经营预算拨款", "财政专户核拨", "单位资金", "财政拨款结转", "非财政拨款结转结余", None],
]
PROCUREMENT_MERGES = ["A1:P1", "A3:B3", "C3:C4", "D3:D4", "E3:E4", "F3:F4", "G3:G4", "H3:O3", "P3:P4"]


def procurement_sheet(items=(), name: str = "政府采购") -> Sheet:
    """丰南's two-row header (数量/单价 in the first header row, merged down; 合计… under 政府采购金额)."""
    body = [[project, number(budget), item, code, measure, number(qty), number(price), number(amount),
             number(amount), None, None, None, None, None, None, None]
            for project, budget, item, code, measure, qty, price, amount in items]
    rows = [["部门政府采购预算", *[None] * 15], [UNIT_CAPTION, *[None] * 14, "单位：万元"], *PROCUREMENT_HEAD]
    rows += body or [[None] * 16]
    rows += [["注：同一采购目录序号的物品，其单价会因配置规格不同而变动，均符合资产配置标准。", *[None] * 15]]
    return Sheet(name, rows, PROCUREMENT_MERGES)


def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        sheet = book.create_sheet(spec.name)
        for row in spec.rows:
            sheet.append(row)
        for merged in spec.merges:
            sheet.merge_cells(merged)
    book.save(path)
    return path


def write_xls(path: Path, sheets: list[Sheet]) -> Path:
    """The same sheets as a BIFF8 .xls with a GBK code page (as the older budget systems write)."""
    import xlwt
    from openpyxl.utils.cell import range_boundaries

    book = xlwt.Workbook(encoding="gbk")
    for spec in sheets:
        sheet = book.add_sheet(spec.name)
        merged = {}
        for ref in spec.merges:
            c0, r0, c1, r1 = range_boundaries(ref)
            merged[(r0 - 1, c0 - 1)] = (r1 - 1, c1 - 1)
        covered = {(r, c) for (r0, c0), (r1, c1) in merged.items() for r in range(r0, r1 + 1)
                   for c in range(c0, c1 + 1) if (r, c) != (r0, c0)}
        for r, row in enumerate(spec.rows):
            for c, value in enumerate(row):
                if (r, c) in merged:
                    r1, c1 = merged[(r, c)]
                    sheet.write_merge(r, r1, c, c1, value)
                elif (r, c) not in covered and value is not None:
                    sheet.write(r, c, value)
    book.save(str(path))
    return path


def empty_site(root: Path) -> Path:
    """A content folder with the example site's settings and no unit."""
    content = root / "content"
    (content / "units").mkdir(parents=True)
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    return content


def budgetsite(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line, in a process of its own, the checkout under test first on the path."""
    import os

    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONUTF8": "1", "NO_COLOR": "1", "COLUMNS": "200", "PYTHONPATH": path}
    result = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


def files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*"))
