"""Template profiles: which sections and tables a region's template has, in which order and wording.

A new region's or year's template is a new YAML file, not new code.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from generator.model.base import Strict, Text, described
from generator.model.budget import Source

TableId = Literal[
    "summary",
    "income",
    "expenditure",
    "fiscal_summary",
    "general_budget",
    "basic_economic",
    "government_fund",
    "soe_capital",
    "three_public",
    "institutions",
    "overall_indicators",
    "project_goals",
    "procurement",
    "fixed_assets",
]


class SectionSpec(Strict):
    id: Text = described("章节标识，如 duties、overview")
    title: Text = described("章节标题（不含序号），可用 {kind} 代表 部门/单位")
    aliases: list[Text] = described("正文中可接受的其他标题写法", default_factory=list)
    required: bool = described("正文中是否必须有此章节", default=True)
    tables: list[TableId] = described("本章节包含的表格（正文未用占位符放置时，附在章节末尾）", default_factory=list)
    glossary: bool = described("本章节为名词解释（正文缺省时使用站点默认名词解释）", default=False)


class CategorySpec(Strict):
    code: Text = described("类级功能分类编码；无编码的栏目（如 人行科目）留空", default="")
    label: Text = described("收支总表中的写法，如 一、一般公共服务支出")


class IncomeRow(Strict):
    source: Source | Literal["unit_funds"] = described("资金来源")
    label: Text = described("收支总表中的写法，如 一、一般公共预算拨款收入")


class ColumnGroup(Strict):
    label: Text = described("收入总表“本年收入”下的列名")
    sources: list[Source] = described("此列汇总的资金来源")


class ThreePublicRow(Strict):
    id: Text = described("行标识：total、subtotal、outbound、vehicle、vehicle_purchase、vehicle_operation、reception、meeting、training…")
    label: Text = described("表中写法")
    parts: list[Text] = described("合计行：由哪些行相加", default_factory=list)
    indent: int = described("缩进级别", default=0)


class TableLayout(Strict):
    serial: bool = described("表格最左侧加“序号”列，数据行依次编号 1、2、3…", default=False)
    column_numbers: Literal["none", "all", "letters"] = described(
        "表头下的“栏次”行：none 不加；all 各列依次编 1、2、3…；letters 文字列编 甲、乙、丙…，数字列编 1、2、3…",
        default="none")
    headers: dict[Text, Text] = described(
        "表头改写：程序中的表头写法 → 公开文本中的写法，如 经济分类科目: 支出部门经济分类科目", default_factory=dict)


class Profile(Strict):
    """公开模板。"""

    id: Text = described("模板标识")
    name: Text = described("模板名称")
    kind: Literal["部门", "单位"] = described("公开主体")
    title: Text = described("标题格式，可用 {unit} {year} {kind}", default="{unit}{year}年{kind}预算信息公开情况说明")
    preamble: Text = described("开头段落（正文未写时使用），可用 {unit} {year} {kind}", default="")
    report_title: Text = described("报表部分标题（表格在前的模板）", default="")
    explanation_title: Text = described("情况说明部分标题（表格在前的模板）", default="")
    front_tables: list[TableId] = described("放在情况说明之前的报表", default_factory=list)
    sections: list[SectionSpec] = described("章节（按顺序）")
    section_numbering: Literal["一、", "1、", "（一）"] = described("各部分标题的序号样式", default="一、")
    table_titles: dict[TableId, Text] = described("表格标题", default_factory=dict)
    empty_notes: dict[TableId, Text] = described(
        "空表说明（表中无数据时列在表下），如 注：无政府性基金预算财政拨款预算，空表列示。", default_factory=dict)
    unit_line: Text = described("各表表头的编制单位行，可用 {unit}（单位名称）、{code}（unit.yaml 中的单位编码）",
                                default="编制单位：{unit}", pattern=r"\{unit\}")
    table_layout: dict[TableId, TableLayout] = described("各表的版式（按表格标识）：序号列、栏次行、表头写法",
                                                        default_factory=dict)
    functional_categories: list[CategorySpec] = described("收支总表右侧列示的全部类级科目（按模板顺序）", default_factory=list)
    income_rows: list[IncomeRow] = described("收支总表左侧收入项目", default_factory=list)
    income_columns: list[ColumnGroup] = described("收入总表“本年收入”各列", default_factory=list)
    three_public_rows: list[ThreePublicRow] = described("“三公”经费表各行", default_factory=list)

    def used_tables(self) -> list[str]:
        """Every table the template shows, in page order."""
        return list(self.front_tables) + [t for s in self.sections for t in s.tables]

    @model_validator(mode="after")
    def _every_key_has_an_effect(self) -> "Profile":
        """A setting that would change nothing (a title for a table the template does not show, the
        rows of a table it lacks) is refused where it is written, not silently ignored."""
        problems = _ineffective(self)
        if problems:
            raise ValidationError.from_exception_data("Profile", problems)
        return self


# Settings that only one or two tables read: (field, the tables that read it).
_TABLE_SETTINGS = (
    ("functional_categories", ("summary", "fiscal_summary")),
    ("income_rows", ("summary",)),
    ("income_columns", ("income",)),
    ("three_public_rows", ("three_public",)),
)


def _unused(loc: tuple, reason: str, expected: str) -> InitErrorDetails:
    return InitErrorDetails(type=PydanticCustomError("unused_key", "{reason}", {"reason": reason, "expected": expected}),
                            loc=loc, input=loc[-1])


def _ineffective(profile: Profile) -> list[InitErrorDetails]:
    from generator.layout import header_texts  # the tables' header wording lives beside the tables

    used = profile.used_tables()
    shown = "、".join(dict.fromkeys(used)) or "（无表格）"
    problems = []
    for name in ("table_titles", "empty_notes", "table_layout"):
        for table_id in getattr(profile, name):
            if table_id not in used:
                problems.append(_unused((name, table_id), f"本模板不含表格“{table_id}”", shown))
    for name, readers in _TABLE_SETTINGS:
        if getattr(profile, name) and not any(t in used for t in readers):
            problems.append(_unused((name,), f"只用于表格 {'、'.join(readers)}，本模板不含",
                                    f"在模板中加入表格 {' 或 '.join(readers)}，或删除此项"))
    for name in ("report_title", "explanation_title"):
        if getattr(profile, name) and not profile.front_tables:
            problems.append(_unused((name,), "只用于报表在前的模板，本模板没有 front_tables", "删除此项，或写出 front_tables"))
    for table_id, layout in profile.table_layout.items():
        known = header_texts(table_id, profile)
        for label in layout.headers:
            if label.replace("{kind}", profile.kind) not in known:
                problems.append(_unused(("table_layout", table_id, "headers", label),
                                        f"表格“{table_id}”的表头中没有“{label}”", "、".join(known)))
    return problems
