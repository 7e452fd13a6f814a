"""A template's table layout, applied to the tables after generator/tables.py has built them.

Published templates print the same tables in different dress: a 序号 column, a 栏次 row under the
header, their own wording of a header, the unit code before the unit name, a 空表列示 note under any
table that has nothing to show. These are properties of the template (Profile.table_layout,
unit_line, empty_notes), applied here to the renderer-neutral Table objects, so the builders stay
as they are and HTML, PDF and CSV all show the same result.
"""

from __future__ import annotations

import re

from generator.model.budget import SPENDING_KINDS
from generator.tables import FUND_COLUMNS, BuildInput, Cell, Table, head

SERIAL = "序号"
COLUMN_NUMBERS = "栏次"
LETTERS = "甲乙丙丁戊己庚辛壬癸"  # how Chinese forms number their text columns

_CLASSIFIED = ("科目编码", "科目名称", "合计")
_FUNDS = tuple(label for _, label in FUND_COLUMNS)
_PROJECT_GOAL_LABELS = ("一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据")
_FIXED_ASSET_LABELS = ("项目", "数量", "价值（金额单位：万元）")

# Every header text the builders print, per table ({kind} and {year} as the builders fill them).
# tests/test_profile_layout.py checks that the built tables print nothing else.
HEADERS: dict[str, tuple[str, ...]] = {
    "summary": ("收入", "支出", "项目", "预算数"),
    "income": ("功能分类科目", "合计", "本年收入", "上年结转", "科目编码", "科目名称", "小计"),
    "expenditure": (*_CLASSIFIED, *SPENDING_KINDS.values()),
    "fiscal_summary": ("收入", "支出", "项目", "金额", "合计", *_FUNDS),
    "general_budget": (*_CLASSIFIED, "基本支出", "项目支出"),
    "government_fund": (*_CLASSIFIED, "基本支出", "项目支出"),
    "soe_capital": (*_CLASSIFIED, "基本支出", "项目支出"),
    "basic_economic": ("经济分类科目", "一般公共预算基本支出", *_CLASSIFIED, "人员经费", "公用经费"),
    "three_public": ("项目", "资金性质", "合计", *_FUNDS),
    "institutions": ("单位名称", "单位性质", "单位规格", "经费保障形式"),
    "overall_indicators": ("一级指标", "二级指标", "三级指标", "评（扣）分标准", "绩效指标描述", "指标值", "符号", "值",
                           "单位", "指标值确定依据"),
    "project_goals": _PROJECT_GOAL_LABELS,
    "procurement": ("政府采购项目来源", "采购物品名称", "政府采购目录序号", "计量单位", "数量", "单价",
                    "政府采购金额（当年{kind}预算安排资金）", "{year}年预留中小微企业份额", "项目名称", "预算资金", "合计"),
    "fixed_assets": _FIXED_ASSET_LABELS,
}


def header_texts(table_id: str, profile, year: int | None = None) -> list[str]:
    """The header texts a `table_layout.<id>.headers` key may name (the 序号/栏次 cells when shown)."""
    texts = list(HEADERS.get(table_id, ()))
    if table_id == "income":
        texts += [group.label for group in profile.income_columns]
    if table_id == "procurement":  # its fund columns are worded by the profile's procurement layout
        texts += [column.label for column in profile.procurement.columns]
    layout = profile.table_layout.get(table_id)
    if layout is not None and layout.serial:
        texts.append(SERIAL)
    if layout is not None and layout.serial and layout.column_numbers != "none":
        texts.append(COLUMN_NUMBERS)
    filled = [t.replace("{kind}", profile.kind) for t in texts]
    if year is not None:
        filled = [t.replace("{year}", str(year)) for t in filled]
    return list(dict.fromkeys(filled))


def apply_layout(tables: dict[str, list[Table]], b: BuildInput) -> dict[str, list[Table]]:
    """The built tables dressed as the template prints them (the lists and tables are changed in place)."""
    profile = b.profile
    unit_line = fill_unit_line(profile.unit_line, b.unit.name, b.unit.code)
    for table_id, built in tables.items():
        if table_id in profile.empty_notes:
            built[:] = _with_empty_note(table_id, built, b)
        if table_id == "project_goals" and "project_goals" in profile.table_titles:
            _title_project_goals(built, b)
        layout = profile.table_layout.get(table_id)
        for table in built:
            table.unit_line = unit_line
            if layout is not None:
                _relabel(table, layout.headers, b)
                if layout.serial:
                    _add_serial(table)
                if layout.column_numbers != "none":
                    _add_column_numbers(table, layout.column_numbers, layout.serial)
    return tables


def fill_unit_line(template: str, name: str, code: str) -> str:
    """编制单位：{code} {unit} → 编制单位：301 某某办公室; without a code, the code and its space go."""
    if not code:
        template = re.sub(r"\{code\}[ \u3000]?", "", template)
    return template.replace("{code}", code).replace("{unit}", name)


# ---- empty tables ---------------------------------------------------------------------------------


def _with_empty_note(table_id: str, built: list[Table], b: BuildInput) -> list[Table]:
    """Every table the template notes when empty gets the note, and a table with nothing to build
    (no project, no fixed-asset data) is shown as its empty form, as the law asks."""
    note = b.profile.empty_notes[table_id].replace("{kind}", b.kind)
    if not built:
        form = _empty_form(table_id, b)
        built = [form] if form is not None else []
    for table in built:
        if not table.note and _has_nothing(table):
            table.empty, table.note = True, note
    return built


def _has_nothing(table: Table) -> bool:
    """No rows, or rows whose every amount and quantity is blank or zero (a 三公 table of labels only)."""
    if table.empty or not table.rows:
        return True
    if not any(kind in ("money", "number") for kind in table.column_kinds):
        return False
    return all(not cell.value for row in table.rows for cell in row.cells if cell.numeric)


def _empty_form(table_id: str, b: BuildInput) -> Table | None:
    if table_id == "project_goals":
        labels = list(_PROJECT_GOAL_LABELS)
        title = _goal_title(b.profile.table_titles.get("project_goals", "绩效目标表"), None, "", b.kind)
        return Table("project_goals", title, b.unit.name, b.disclosure.year, [head(*labels)], [], labels,
                     ["text"] * len(labels), money_unit="", empty=True)
    if table_id == "fixed_assets":
        return b.new("fixed_assets", "{kind}固定资产占用情况表", [head(*_FIXED_ASSET_LABELS)], ["项目", "数量", "价值"],
                     ["text", "number", "money"], empty=True)
    return None


# ---- titles of the project tables -------------------------------------------------------------------


def _title_project_goals(built: list[Table], b: BuildInput) -> None:
    template = b.profile.table_titles["project_goals"]
    projects = b.disclosure.performance.projects
    for table in built:
        number = table.id.rpartition("-")[2]
        if number.isdigit() and int(number) <= len(projects):
            table.title = _goal_title(template, int(number), projects[int(number) - 1].name, b.kind)


def _goal_title(template: str, number: int | None, project: str, kind: str) -> str:
    """`{n}、{project}绩效目标表` per project; a title without {project} follows the number and name
    (绩效目标表 → 1、机关工作经费绩效目标表). The empty form (no project) keeps only the words."""
    if "{project}" not in template:
        template = "{n}、{project}" + template
    if number is None:
        template = re.sub(r"\{n\}[、.．]?\s*", "", template).replace("{project}", "")
    return template.replace("{n}", str(number or "")).replace("{project}", project).replace("{kind}", kind)


# ---- 序号, 栏次, header wording -----------------------------------------------------------------------


def _relabel(table: Table, headers: dict[str, str], b: BuildInput) -> None:
    """The template's wording of a header, in the header and in the CSV column names alike."""
    if not headers:
        return
    wording = {key.replace("{kind}", b.kind).replace("{year}", str(b.disclosure.year)): label
               for key, label in headers.items()}
    for row in table.header:
        for cell in row:
            if cell.text in wording:
                cell.text = wording[cell.text]
    table.columns = [wording.get(name, name) for name in table.columns]


def _add_serial(table: Table) -> None:
    """A first column 序号 numbering every body row 1, 2, 3… (total rows included, as printed)."""
    if table.header:
        table.header[0].insert(0, Cell(SERIAL, "label", rowspan=len(table.header)))
    else:
        table.header.append([Cell(SERIAL, "label")])
    for number, row in enumerate(table.rows, start=1):
        row.cells.insert(0, Cell(str(number), "serial"))
    table.columns.insert(0, SERIAL)
    table.column_kinds.insert(0, "number")


def _add_column_numbers(table: Table, style: str, serial: bool) -> None:
    """The 栏次 row under the header: the 序号 column says 栏次, each other column gets its number
    (style "all": 1, 2, 3… for every column) or, in "letters" style, 甲、乙… for the text columns and
    1, 2… for the amounts."""
    kinds = table.column_kinds[1:] if serial else table.column_kinds
    labels, letters, numbers = [], iter(LETTERS), 0
    for kind in kinds:
        if style == "letters" and kind not in ("money", "number"):
            labels.append(next(letters, ""))
        else:
            numbers += 1
            labels.append(str(numbers))
    row = ([Cell(COLUMN_NUMBERS, "label")] if serial else []) + [Cell(label, "label") for label in labels]
    table.header.append(row)
