"""Template profiles: which sections and tables a region's template has, in which order and wording.

A new region's or year's template is a new YAML file, not new code.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from generator.model.base import Strict, Text, described
from generator.model.budget import PROCUREMENT_FUNDS, ProcurementFund, Source

# The parts a disclosure's text has, whatever a template calls its sections: the built-in profiles'
# section ids. The narrative checks (narrative_patterns.yaml `sections:`) name these roles.
KNOWN_ROLES = (
    "duties",
    "overview",
    "operating_costs",
    "three_public",
    "overall_performance",
    "special_funds",
    "performance",
    "procurement",
    "assets",
    "glossary",
    "other",
)

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
    role: Text | None = described("章节的作用（核对正文数字时用）：" + "、".join(KNOWN_ROLES) + "；章节标识为其中之一时可省略",
                                  default=None)
    title: Text = described("章节标题（不含序号），可用 {kind} 代表 部门/单位")
    aliases: list[Text] = described("正文中可接受的其他标题写法", default_factory=list)
    required: bool = described("正文中是否必须有此章节", default=True)
    tables: list[TableId] = described("本章节包含的表格（正文未用占位符放置时，附在章节末尾）", default_factory=list)
    glossary: bool = described("本章节为名词解释（正文缺省时使用站点默认名词解释）", default=False)

    @property
    def effective_role(self) -> str | None:
        """The role written, else the id when it names a role; None when neither does."""
        if self.role:
            return self.role
        return self.id if self.id in KNOWN_ROLES else None


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


class ProcurementColumn(Strict):
    key: ProcurementFund = described("资金来源：general_budget、government_fund、soe_capital、special_account、"
                                     "unit_funds、carry_over、fiscal_carry_over、non_fiscal_carry_over")
    label: Text = described("表头写法，如 一般公共预算拨款")


DEFAULT_PROCUREMENT_KEYS = ("general_budget", "government_fund", "soe_capital", "special_account", "unit_funds",
                            "fiscal_carry_over", "non_fiscal_carry_over")


class ProcurementLayout(Strict):
    """政府采购预算表的版式。"""

    columns: list[ProcurementColumn] = described(
        "“政府采购金额”下“合计”之后的资金来源列（按顺序）",
        default_factory=lambda: [ProcurementColumn(key=k, label=PROCUREMENT_FUNDS[k]) for k in DEFAULT_PROCUREMENT_KEYS])
    total_row: bool = described("表首是否有“合计”行", default=True)
    unit_subtotals: bool = described("部门预算是否按所属单位列“小计”行（明细填写了 unit 时）", default=False)
    subtotal_label: Text = described("小计行的写法，{unit} 代表单位名称", default="{unit}小计")


class ProjectHeadRow(Strict):
    """项目绩效目标表中指标行之前的一行（表头栏目）。"""

    item: Literal["identity", "funding", "purpose", "schedule", "goal"] = described(
        "栏目：identity 项目编码与项目名称，funding 预算数与资金构成，purpose 用途，schedule 资金支出计划，goal 绩效目标")
    label: Text = described("左侧行标题，如 预算规模及资金用途；相邻行标题相同时合并为一格", default="")
    labels: list[Text] = described(
        "栏内标题：identity 两项（项目编码、项目名称），funding 三项（预算数、财政资金、其他资金），"
        "purpose 至多一项（用途），schedule 为各期（与 schedule 的键一致，如 3月底），goal 至多一项", default_factory=list)

    @model_validator(mode="after")
    def _label_count(self):
        allowed = {"identity": (2, 2), "funding": (3, 3), "purpose": (0, 1), "schedule": (1, 5), "goal": (0, 1)}
        least, most = allowed[self.item]
        if not least <= len(self.labels) <= most:
            count = str(least) if least == most else f"{least}–{most}"
            raise ValueError(f"{self.item} 的 labels 应有 {count} 项，实有 {len(self.labels)} 项")
        return self


class YearRange(Strict):
    """适用年度（含首尾）；省略 from 或 to 表示该端不限。"""

    from_: Optional[int] = Field(default=None, alias="from", ge=1990, le=2100,
                                 description="最早适用的年度，如 2022；省略表示不限")
    to: Optional[int] = described("最晚适用的年度，如 2023；省略表示仍在使用", default=None, ge=1990, le=2100)

    @model_validator(mode="after")
    def _ordered(self) -> "YearRange":
        if self.from_ is not None and self.to is not None and self.from_ > self.to:
            raise ValueError(f"from（{self.from_}）不能晚于 to（{self.to}）")
        return self

    def covers(self, year: int) -> bool:
        return (self.from_ is None or year >= self.from_) and (self.to is None or year <= self.to)

    def describe(self) -> str:
        if self.from_ is not None and self.to is not None:
            return f"{self.from_} 年" if self.from_ == self.to else f"{self.from_}—{self.to} 年"
        if self.from_ is not None:
            return f"{self.from_} 年起"
        return f"{self.to} 年及以前" if self.to is not None else "各年度"


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
    years: Optional[YearRange] = described("适用年度，如 {from: 2022, to: 2023}（规则 Y007）；省略表示不限", default=None)
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
    procurement: ProcurementLayout = Field(default_factory=ProcurementLayout, description="政府采购预算表的版式")
    project_goal_head: list[ProjectHeadRow] = described(
        "项目绩效目标表指标行之前的栏目（按原表自上而下）；缺省只列“绩效目标”一行",
        default_factory=lambda: [ProjectHeadRow(item="goal", label="绩效目标")])

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
    ("procurement", ("procurement",)),
    ("project_goal_head", ("project_goals",)),
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
        # written in the file (procurement and project_goal_head have defaults, always set)
        if name in profile.model_fields_set and getattr(profile, name) and not any(t in used for t in readers):
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
