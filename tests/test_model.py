"""The content model: indicator values keep the author's text and a parsed form; figures derived
from the line items of a real disclosure are exact Decimals."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator.figures import compute, label
from generator.model import Disclosure, Indicator, OverallIndicator
from generator.model.performance import parse_indicator_value
from generator.yamlsource import load_yaml

REPO = Path(__file__).resolve().parents[1]
FENGNAN = REPO / "content" / "units" / "fengnan-renda" / "2023" / "budget.yaml"


# ---- indicator values --------------------------------------------------------------------------


@pytest.mark.parametrize("written, comparator, number, unit", [
    ("≥95%", "≥", "95", "%"),
    ("≤450元/天", "≤", "450", "元/天"),
    ("1辆", "", "1", "辆"),
    ("1900元每月每人", "", "1900", "元每月每人"),
    ("≤0.58万元", "≤", "0.58", "万元"),
    ("≤176万元", "≤", "176", "万元"),
    ("100%", "", "100", "%"),
    (">=90%", "≥", "90", "%"),  # ASCII comparators are normalised
    ("＜3次", "<", "3", "次"),  # and so are full-width ones
    ("≥ 95 %", "≥", "95", "%"),
    # units written in the example content (and a few more): they must keep parsing as numbers
    ("≤310%", "≤", "310", "%"),
    ("100", "", "100", ""),
    ("5个", "", "5", "个"),
    ("18.00万元", "", "18.00", "万元"),
    ("≤6月", "≤", "6", "月"),
    ("≤1年", "≤", "1", "年"),
    ("72人次", "", "72", "人次"),
    ("4户", "", "4", "户"),
    ("≤500元/每人、天", "≤", "500", "元/每人、天"),
    ("≤3个工作日", "≤", "3", "个工作日"),
    ("2人次/年", "", "2", "人次/年"),
    ("5次（场）", "", "5", "次（场）"),
    ("1000平方米", "", "1000", "平方米"),
    ("10 km", "", "10", "km"),
])
def test_quantitative_indicator_value(written, comparator, number, unit):
    parsed = parse_indicator_value(written)
    assert parsed.kind == "quantitative"
    assert (parsed.comparator, parsed.number, parsed.unit) == (comparator, Decimal(number), unit)
    assert type(parsed.number) is Decimal


@pytest.mark.parametrize("written", ["按时购置", "及时", "有效提升", "满意", "严格按会议标准执行",
                                     "1.根据车辆控办批准情况", "3、完成验收",
                                     # text that begins with a number: deadlines, dates, descriptions
                                     "12月底前完成", "6月底前", "2023年12月31日前完成", "3项工作全部完成",
                                     "10个工作日内办结", "1成本", "3元/"])
def test_qualitative_indicator_value(written):
    parsed = parse_indicator_value(written)
    assert parsed.kind == "qualitative"
    assert parsed.text == written and parsed.number is None and parsed.comparator == ""


def test_indicator_keeps_the_text_and_exposes_the_parsed_form():
    indicator = Indicator(level1="产出指标", level2="成本指标", level3="住宿标准", value="≤450元/天")
    assert indicator.value == "≤450元/天"
    dumped = indicator.model_dump(mode="json")
    assert dumped["value"] == "≤450元/天"
    assert dumped["parsed"] == {"kind": "quantitative", "comparator": "≤", "number": "450", "unit": "元/天", "text": ""}


def test_overall_indicator_parses_its_split_columns():
    quantitative = OverallIndicator(level1="部门产出", level2="数量", level3="会议次数", comparator="≥", value="6",
                                    unit="次")
    assert (quantitative.parsed.comparator, quantitative.parsed.number, quantitative.parsed.unit) == ("≥", Decimal(6), "次")
    described = OverallIndicator(level1="部门效果", level2="社会效益", level3="履职", comparator="文字描述",
                                 value="有效提升")
    assert described.parsed.kind == "qualitative" and described.parsed.text == "有效提升"


def test_deadline_indicator_in_a_real_budget_stays_text(site_tree):
    """An indicator written `12月底前完成` in budget.yaml is text, next to numeric values that stay numbers."""
    budget = site_tree.year().budget
    indicators = budget["performance"]["projects"][0]["indicators"]
    indicators[2]["value"] = "12月底前完成"
    report = site_tree.check()
    assert report.errors == 0
    [entry] = report.site.years()
    parsed = [ind.parsed for ind in entry.disclosure.performance.projects[0].indicators]
    assert parsed[2].kind == "qualitative" and parsed[2].text == "12月底前完成" and parsed[2].number is None
    assert [(p.kind, p.comparator, p.number, p.unit) for i, p in enumerate(parsed) if i != 2] == [
        ("quantitative", "", Decimal("2"), "台"),
        ("quantitative", "≤", Decimal("450"), "元/天"),
        ("quantitative", "≥", Decimal("95"), "%"),
    ]


def test_every_numeric_indicator_of_the_example_content_parses_as_a_number():
    """The example disclosures have no text that begins with a number: every value written as a
    (compared) number with a unit is quantitative, every other value is text."""
    import re

    values = []
    for path in sorted((REPO / "content" / "units").glob("*/*/budget.yaml")):
        disclosure = Disclosure.model_validate(load_yaml(path).data)
        values += [(ind.value, ind.parsed) for project in disclosure.performance.projects
                   for ind in project.indicators]
        values += [(f"{ind.comparator}{ind.value}{ind.unit}", ind.parsed)
                   for ind in disclosure.performance.overall_indicators]
    assert len(values) > 100
    for written, parsed in values:
        numeric = re.match(r"^(?:≥|≤)?\d", written)
        assert parsed.kind == ("quantitative" if numeric else "qualitative"), (written, parsed)


# ---- derived figures of a real disclosure ---------------------------------------------------------


@pytest.fixture(scope="module")
def fengnan() -> Disclosure:
    doc = load_yaml(FENGNAN)
    assert not doc.problems
    return Disclosure.model_validate(doc.data)


@pytest.mark.parametrize("name, amount", [
    ("expenditure.basic", "815.50"),
    ("expenditure.personnel", "718.09"),
    ("expenditure.public", "97.41"),
    ("expenditure.project", "228.05"),
    ("expenditure.total", "1043.55"),
    ("income.general_budget", "1043.55"),
    ("operating_costs", "97.41"),
    ("three_public.vehicle", "38.00"),
    ("three_public.subtotal", "48"),
])
def test_derived_figures_of_fengnan_2023(fengnan, name, amount):
    figures = compute(fengnan)
    derived = figures.derived[name]
    assert type(derived) is Decimal
    assert derived == Decimal(amount)
    assert figures.value(name) == Decimal(amount)


def test_derived_figures_keep_cents(fengnan):
    figures = compute(fengnan)
    assert str(figures.derived["expenditure.basic"]) == "815.50"
    assert str(figures.derived["expenditure.personnel"]) == "718.09"


def test_changes_against_last_year(fengnan):
    figures = compute(fengnan)
    assert figures.value("previous.expenditure.total") == Decimal("847.73")
    assert figures.value("change.expenditure.total") == Decimal("195.82")
    assert figures.value("change.expenditure.basic") == Decimal("178.77")
    assert figures.value("change.three_public.subtotal") == 0
    assert label("change.expenditure.total") == "比上年增减：本年支出合计"
    assert label("previous.three_public.subtotal") == "上年“三公”经费"


def test_line_amounts_are_decimal(fengnan):
    assert all(type(line.amount) is Decimal for line in fengnan.functional)
    assert all(type(line.amount) is Decimal for line in fengnan.economic)
    assert sum((line.basic for line in fengnan.functional), Decimal(0)) == Decimal("815.50")
