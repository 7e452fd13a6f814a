"""Template profiles: which sections and tables a region's template has, in which order and wording.

A new region's or year's template is a new YAML file, not new code.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field, model_validator

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


class Profile(Strict):
    """公开模板。"""

    id: Text = described("模板标识")
    name: Text = described("模板名称")
    kind: Literal["部门", "单位"] = described("公开主体")
    years: Optional[YearRange] = described("适用年度，如 {from: 2022, to: 2023}（规则 Y008）；省略表示不限", default=None)
    title: Text = described("标题格式，可用 {unit} {year} {kind}", default="{unit}{year}年{kind}预算信息公开情况说明")
    preamble: Text = described("开头段落（正文未写时使用），可用 {unit} {year} {kind}", default="")
    report_title: Text = described("报表部分标题（表格在前的模板）", default="")
    explanation_title: Text = described("情况说明部分标题（表格在前的模板）", default="")
    front_tables: list[TableId] = described("放在情况说明之前的报表", default_factory=list)
    sections: list[SectionSpec] = described("章节（按顺序）")
    table_titles: dict[str, Text] = described("表格标题", default_factory=dict)
    empty_notes: dict[str, Text] = described("空表说明，如 注：无政府性基金预算财政拨款预算，空表列示。", default_factory=dict)
    functional_categories: list[CategorySpec] = described("收支总表右侧列示的全部类级科目（按模板顺序）", default_factory=list)
    income_rows: list[IncomeRow] = described("收支总表左侧收入项目", default_factory=list)
    income_columns: list[ColumnGroup] = described("收入总表“本年收入”各列", default_factory=list)
    three_public_rows: list[ThreePublicRow] = described("“三公”经费表各行", default_factory=list)
