"""Performance information (预算绩效信息): indicators and project goal tables."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Literal, Optional

from pydantic import Field, computed_field

from generator.model.base import Strict, Text, described
from generator.money import Money

COMPARATORS = {"≥": "≥", ">=": "≥", "≤": "≤", "<=": "≤", "=": "=", "＝": "=", "<": "<", "＜": "<", ">": ">", "＞": ">"}

# A unit of measure is built only from these words (joined directly or by the separators below), so that
# `≤6月`, `1900元每月每人` or `≤500元/每人、天` are numbers with a unit, while text that merely begins with a
# number, such as `12月底前完成`, `3项工作全部完成` or `2023年12月31日前`, stays text.
UNIT_WORDS = (
    # money, magnitudes, shares
    "元", "万", "亿", "千", "百", "%", "％", "‰", "个百分点", "百分点", "倍",
    # time
    "年", "季度", "月", "周", "天", "日", "工作日", "小时", "分钟", "秒", "学时", "课时",
    # counts (量词)
    "个", "人", "次", "项", "辆", "台", "套", "件", "部", "户", "家", "所", "座", "栋", "幢", "间", "层", "张",
    "条", "处", "名", "位", "份", "本", "册", "卷", "篇", "场", "期", "批", "类", "种", "块", "只", "把", "组",
    "支", "架", "车", "班", "门", "床", "头", "株", "棵", "盏", "根", "口", "眼", "宗", "起", "例", "单", "笔",
    "轮", "届", "节", "集", "首", "幅", "页", "字", "分", "级", "星", "点", "片", "段", "路",
    # physical measures
    "平方米", "平米", "平方公里", "立方米", "方", "米", "公里", "千米", "厘米", "毫米", "亩", "公顷", "吨",
    "公斤", "千克", "克", "斤", "升", "毫升", "度", "千瓦时", "千瓦", "瓦", "伏",
)
_UNIT_WORDS = frozenset(UNIT_WORDS)
_UNIT_WORD_LENGTHS = sorted({len(w) for w in UNIT_WORDS}, reverse=True)
_UNIT_SEPARATORS = frozenset("/／每、·（）() ")
_LATIN_UNIT = re.compile(r"[A-Za-z²³]+")
_VALUE = re.compile(r"^\s*(?P<cmp>≥|≤|>=|<=|=|＝|<|＜|>|＞)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>.*?)\s*$", re.S)


def is_unit(text: str) -> bool:
    """Whether `text` is a unit of measure: unit words (UNIT_WORDS, or Latin letters such as km) joined
    directly or by separators (元/每人、天); a closing bracket may end it (次（场）).

    Each position is visited once (no backtracking), so even long text is cheap.
    """
    after_word: set[int] = set()  # positions just after a unit word
    after_separator: set[int] = set()  # positions just after a separator that follows a word
    for i, char in enumerate(text):
        if i == 0 or i in after_word or i in after_separator:
            if i and char in _UNIT_SEPARATORS:
                after_separator.add(i + 1)
            for length in _UNIT_WORD_LENGTHS:
                if text[i:i + length] in _UNIT_WORDS:
                    after_word.add(i + length)
            latin = _LATIN_UNIT.match(text, i)
            if latin:
                after_word.add(latin.end())
    end = len(text)
    if end in after_word:
        return True
    closed = end in after_separator and text[-1] in "）)" and ("（" in text or "(" in text)
    return closed


class ParsedValue(Strict):
    """指标值的解析结果：定量（比较符、数值、单位）或定性文字。"""

    kind: Literal["quantitative", "qualitative"]
    comparator: str = ""
    number: Optional[Decimal] = None
    unit: str = ""
    text: str = ""


def parse_indicator_value(written: str) -> ParsedValue:
    match = _VALUE.match(written or "")
    if not match or (match.group("unit") and not is_unit(match.group("unit"))):
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
