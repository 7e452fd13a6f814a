"""Performance information (预算绩效信息): indicators and project goal tables."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field, computed_field

from generator.model.base import Strict, Text, described
from generator.money import Money

COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", "=": "=", "＝": "=", "<": "<", "＜": "<", ">": ">", "＞": ">"}
_VALUE = re.compile(r"^\s*(?P<cmp>≥|≤|>=|<=|=|＝|<|＜|>|＞)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s.．、,，。;；:：].*)?\s*$")


class ParsedValue(Strict):
    """指标值的解析结果：定量（比较符、数值、单位）或定性文字。"""

    kind: Literal["quantitative", "qualitative"]
    comparator: str = ""
    number: Optional[Decimal] = None
    unit: str = ""
    text: str = ""


def parse_indicator_value(written: str) -> ParsedValue:
    match = _VALUE.match(written or "")
    if not match:
        return ParsedValue(kind="qualitative", text=(written or "").strip())
    cmp_text = match.group("cmp") or ""
    return ParsedValue(
        kind="quantitative",
        comparator=COMPARATORS.get(cmp_text, ""),
        number=Decimal(match.group("num")),
        unit=(match.group("unit") or "").strip(),
    )


class Indicator(Strict):
    """项目绩效目标表的一行指标。"""

    level1: Text = described("一级指标：产出指标 / 效益指标（效果指标）/ 满意度指标")
    level2: Text = described("二级指标：数量/质量/时效/成本指标，经济/社会/生态效益，可持续影响，服务对象满意度")
    level3: Text = described("三级指标名称")
    description: Text = described("绩效指标描述", default="")
    value: Text = described("指标值，按原文填写，如 ≥95%、≤450元/天、1辆、按时购置")
    basis: Text = described("指标值确定依据", default="")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parsed(self) -> ParsedValue:
        return parse_indicator_value(self.value)


class OverallIndicator(Strict):
    """整体支出绩效指标表的一行（符号、值、单位分列）。"""

    level1: Text = described("一级指标，如 部门产出、单位效果")
    level2: Text = described("二级指标，如 数量、质量、时效、成本、社会效益、满意度")
    level3: Text = described("三级指标")
    scoring: Text = described("评（扣）分标准", default="")
    description: Text = described("绩效指标描述", default="")
    comparator: Text = described("符号：≥ ≤ = < > 或原文（如 文字描述）", default="")
    value: Text = described("值（按原文）", default="")
    unit: Text = described("单位（按原文）", default="")
    basis: Text = described("指标值确定依据", default="")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def parsed(self) -> ParsedValue:
        return parse_indicator_value(f"{self.comparator if self.comparator in COMPARATORS else ''}{self.value}{self.unit}")


class Funding(Strict):
    fiscal: Optional[Money] = described("财政资金", default=None)
    other: Optional[Money] = described("其他资金", default=None)


class Project(Strict):
    """一个项目的绩效目标表。"""

    name: Text = described("项目名称，如 机关工作经费")
    code: Text = described("项目编码，如 13080024P008878100032", default="")
    amount: Optional[Money] = described("项目预算金额（万元）", default=None)
    funding: Funding = Field(default_factory=Funding, description="资金构成：财政资金 / 其他资金")
    purpose: Text = described("项目概况 / 立项依据与用途", default="")
    schedule: dict[str, Decimal] = described("资金支出计划：累计百分比，如 {3月底: 25, 6月底: 50}", default_factory=dict)
    goal: Text = described("绩效目标（按原文）")
    indicators: list[Indicator] = described("绩效指标", default_factory=list)


class Performance(Strict):
    overall_indicators: list[OverallIndicator] = described("整体支出绩效指标", default_factory=list)
    projects: list[Project] = described("项目绩效目标表", default_factory=list)
