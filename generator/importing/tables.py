"""Recognising the standard tables in grids and mapping their rows into budget.yaml data.

A table is recognised by its title (the first lines of a sheet, or the paragraphs above a Word table),
else by its column headers; never by its position. Its header rows end where the body starts (a 合计
row, a classification code or a 栏次 row passed); each column is known by the words of all its
header rows together (merged cells repeat). 项 rows (7-digit codes) and economic 款 rows (5 digits)
are data; 类/款 and 合计 rows are subtotals, compared with the sums of the rows below them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from generator.yaml_emit import Commented
from generator.importing.grids import Grid, cell_text

# (table id, words of its title), most specific first: 财政拨款收支总表 before 收支总表.
TITLES = (
    ("fiscal_summary", ("财政拨款收支总表",)),
    ("summary", ("收支总表", "收支预算总表")),
    ("income", ("收入总表", "收入预算总表")),
    ("expenditure", ("支出总表", "支出预算总表")),
    ("basic_economic", ("基本支出表", "基本支出预算表")),
    ("government_fund", ("政府性基金预算财政拨款支出表", "政府基金预算财政拨款支出表")),
    ("soe_capital", ("国有资本经营预算财政拨款支出表",)),
    ("general_budget", ("一般公共预算财政拨款支出表", "一般公共预算支出表")),
    ("three_public", ("三公",)),
    ("institutions", ("机构设置",)),
    ("procurement", ("政府采购",)),
    ("fixed_assets", ("固定资产",)),
    ("overall_indicators", ("整体支出绩效", "整体绩效")),
    ("project_goals", ("绩效目标表",)),
)
# Tables recognised by their headers when the title is not there: (id, words every header must have).
HEADERS = (
    ("basic_economic", ("人员经费", "公用经费")),
    ("expenditure", ("基本支出", "项目支出", "经营支出")),
    ("general_budget", ("科目编码", "基本支出", "项目支出")),
    ("institutions", ("单位名称", "单位性质")),
)
FUND_OF_TABLE = {"general_budget": "general_budget", "government_fund": "government_fund",
                 "soe_capital": "soe_capital"}
CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")
YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
UNIT_LINE = re.compile(r"^(?:编制单位|单位名称|部门名称)[:：]\s*(?P<name>.+?)\s*(?:单位[:：].*)?$")
MONEY_UNIT = re.compile(r"单位[:：]\s*(?P<unit>万元|元)")
ORDINAL_PREFIX = re.compile(r"^[一二三四五六七八九十]+[、.．]|^\d+[、.．]|^[（(][一二三四五六七八九十\d]+[）)]|^其中[:：]")


@dataclass
class Problem:
    code: str  # I002…
    where: str  # file, or file:sheet!cell
    message: str
    expected: str | None = None
    found: str | None = None
    error: bool = True

    def text(self) -> str:
        level = "错误" if self.error else "警告"
        extra = "".join([f"应为 {self.expected}" if self.expected else "",
                         "，" if self.expected and self.found else "", f"实为 {self.found}" if self.found else ""])
        return f"{self.where}: {self.code} [{level}] {self.message}" + (f"（{extra}）" if extra else "")


@dataclass
class Recognised:
    id: str
    grid: Grid
    title: str
    header_end: int  # first body row
    columns: list[str]  # each column's header words joined with |
    body_end: int  # row after the last body row (trailing notes excluded)
    notes: list[str] = field(default_factory=list)
    header_start: int = 0  # first header row


@dataclass
class Imported:
    """What the importer made of a file: budget.yaml data (values Commented with their source), the unit
    as the tables name it, the year, what could not be mapped, and the problems."""

    data: dict = field(default_factory=dict)
    unit_name: str = ""
    year: int | None = None
    unmapped: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    recognised: list[str] = field(default_factory=list)  # "table id ← sheet"


def normal(text: str) -> str:
    return re.sub(r"\s+", "", text)


def recognise(grid: Grid) -> Recognised | None:
    lines = [normal(t) for t in grid.above] + [normal(" ".join(dict.fromkeys(cell_text(v) for v in row))) for row in grid.rows[:4]]
    table_id = title = ""
    for line in lines:
        for candidate, words in TITLES:
            if any(w in line for w in words) and len(line) < 80:
                table_id, title = candidate, line
                break
        if table_id:
            break
    start = _header_start(grid)
    if start is None:
        return None
    end = _body_start(grid, start)
    columns = _column_words(grid, start, end)
    if not table_id:
        for candidate, words in HEADERS:
            if all(any(w in c for c in columns) for w in words):
                table_id = candidate
                break
    if not table_id:
        return None
    body_end = len(grid.rows)
    notes = []
    while body_end > end and _is_note(grid.rows[body_end - 1]):
        body_end -= 1
        text = " ".join(cell_text(v) for v in grid.rows[body_end] if v is not None).strip()
        if text:
            notes.insert(0, text)
    return Recognised(table_id, grid, title, end, columns, body_end, notes, start)


def _row_words(row) -> list[str]:
    return [normal(cell_text(v)) for v in row]


def _header_start(grid: Grid) -> int | None:
    """The first row that reads as column headers: two or more distinct texts, none a title or caption."""
    for index, row in enumerate(grid.rows[:12]):
        words = [w for w in dict.fromkeys(_row_words(row)) if w]
        if len(words) >= 2 and not any(w.startswith(("单位：", "单位:", "预算年度")) or UNIT_LINE.match(w) for w in words):
            return index
    return None


NUMBER_TEXT = re.compile(r"^-?\d[\d,]*(?:\.\d+)?$")


def _body_start(grid: Grid, start: int) -> int:
    """The first body row. The header block takes every row its merged cells reach (a cell spanning two
    rows; a cell spanning columns, whose parts are named on the row below: 数量/单价 under 政府采购金额),
    and a 栏次 row after it. Without merged cells: the first row with an amount or a code, or a 合计 row
    with a blank cell (a header row has none: merged header cells repeat their text), and a row of header
    words only (数量, 单价, 小计) stays in the header."""
    end = _merged_header_end(grid, start)
    if end > start + 1:
        return end + 1 if end < len(grid.rows) and "栏次" in _row_words(grid.rows[end]) else end
    for index in range(start + 1, min(len(grid.rows), start + 8)):
        row = grid.rows[index]
        words = _row_words(row)
        if "栏次" in words:
            return index + 1
        numbers = any(isinstance(v, Decimal) or (isinstance(v, str) and "." in v and NUMBER_TEXT.match(v.strip()))
                      for v in row)
        codes = any(CODE.match(w) for w in words)
        total = any(w in ("合计", "总计") for w in words) and "" in words
        if numbers or codes or total:
            return index
        if not all(w in HEADER_WORDS or not w for w in words):
            return index
    return start + 1


HEADER_WORDS = {"科目编码", "科目名称", "小计", "数量", "单价", "金额", "合计", "项目名称", "预算资金", "类", "款", "项",
                "人员经费", "公用经费", "基本支出", "项目支出"}


def _merged_header_end(grid: Grid, start: int) -> int:
    """The row after the header block as the merged cells starting in it reach."""
    end = start + 1
    grew = True
    while grew:
        grew = False
        for r0, c0, r1, c1 in grid.merges:
            if start <= r0 < end:
                reach = r1 + 1 if r1 > r0 else (r0 + 2 if c1 > c0 else r0 + 1)
                if reach > end:
                    end, grew = reach, True
    return min(end, len(grid.rows))


def _column_words(grid: Grid, start: int, end: int) -> list[str]:
    width = grid.width
    columns = []
    for c in range(width):
        parts = []
        for r in range(start, end):
            word = normal(grid.text(r, c))
            if word and word != "栏次" and not word.isdigit() and word not in parts:
                parts.append(word)
        columns.append("|".join(parts))
    return columns


def _is_note(row) -> bool:
    """A trailing line under the table: one text (注：…, 说明), or nothing."""
    texts = [v for v in row if v is not None]
    distinct = set(cell_text(v) for v in texts)
    return not texts or (len(distinct) == 1 and isinstance(texts[0], str)
                         and (texts[0].startswith(("注", "说明", "备注")) or len(texts[0]) > 30))


# ---- amounts ---------------------------------------------------------------------------------------

BLANK_MARKS = ("", "-", "—", "——", "/", "－")


class AmountError(Exception):
    pass


def amount(grid: Grid, row: int, column: int, scale: Decimal) -> Decimal | None:
    """The amount in a cell, in 万元: blank (or a dash) is None; text is an AmountError."""
    value = grid.rows[row][column] if column < len(grid.rows[row]) else None
    if isinstance(value, Decimal):
        return value * scale if scale != 1 else value
    text = normal(cell_text(value)).replace(",", "")
    if text in BLANK_MARKS:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise AmountError(cell_text(value)) from None
    return number * scale if scale != 1 else number


def source_note(grid: Grid, row: int, column: int | None = None) -> str:
    if column is None:
        return f"{grid.name} 第{row + 1}行"
    return grid.ref(row, column)
