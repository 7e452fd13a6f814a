"""A tiny but complete, valid content tree, written to disk from Python data, that tests vary.

`make_site()` gives a `SiteTree`: one unit (`demo-office`, 部门, profile hebei-tangshan-dept) with one
year (2023) whose budget.yaml and narrative.md agree with each other and with every rule. A test
changes one thing (`patch_budget`, `replace_in_narrative`, `put_file`, …), then calls `check()` or
runs the CLI on `tree.content`. The files are real YAML on disk, written so that amounts stay exact
YAML numbers (Decimal("1043.50") is written as the float literal 1043.50, never as text).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.check import Report, check_site

D = Decimal
UNIT_ID = "demo-office"
YEAR = 2023


# Patch value that removes a key: `patch_budget({"fixed_assets": DELETE})`. A string, not an object,
# so that it still works if this module is imported twice (as `conftest` and as `tests.conftest`).
DELETE = "<<delete this key>>"


def deep_merge(base: Any, patch: Any) -> Any:
    """Mappings merge key by key (DELETE removes a key); anything else, lists included, replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            if value == DELETE:
                merged.pop(key, None)
            elif key in merged:
                merged[key] = deep_merge(merged[key], value)
            else:
                merged[key] = copy.deepcopy(value)
        return merged
    return copy.deepcopy(patch)


class _FixtureDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """safe_dump that writes Decimal as a plain YAML number with its exact digits."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if re.fullmatch(r"-?\d+", text) else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_FixtureDumper.add_representer(Decimal, _represent_decimal)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_FixtureDumper, allow_unicode=True, sort_keys=False, width=1000)


# --------------------------------------------------------------------------------------------
# The valid base content. Every figure below is consistent with every other one:
#   functional: basic 50 + 12 + 8 + 10 = 80, project 20            → expenditure 100 = income 100
#   economic:   personnel 30 + 10 + 12 + 8 = 60, public 10.50 + 5 + 4.50 = 20 → basic 80
#   三公: vehicle_operation 4.50 + reception 5.00 = subtotal 9.50 (last year the same)
#   last year: total 90 = basic 74 (personnel 56 + public 18) + project 16
#   procurement: 2 × 0.60 = 1.20; fixed assets: 40 + 15 + 5 = 60
# --------------------------------------------------------------------------------------------

SITE: dict = {
    "title": "测试预算信息公开",
    "publisher": "测试区财政局",
    "region": "河北省测试市",
    "base_path": "/",
    "default_profile": "hebei-tangshan-dept",
}

UNIT: dict = {
    "id": UNIT_ID,
    "name": "测试区示范办公室",
    "code": "901",
    "kind": "部门",
    "level": "区级",
    "region": "河北省测试市测试区",
    "nature": "行政",
    "rank": "正科级",
    "funding": "财政拨款",
    "profile": "hebei-tangshan-dept",
}

BUDGET: dict = {
    "year": YEAR,
    "institutions": [
        {"name": "测试区示范办公室本级", "nature": "行政", "rank": "正科级", "funding": "财政拨款"},
    ],
    "functional": [
        {"code": "2010101", "name": "行政运行", "basic": D("50.00")},
        {"code": "2010102", "name": "一般行政管理事务", "project": D("20.00")},
        {"code": "2080505", "name": "机关事业单位基本养老保险缴费支出", "basic": D("12.00")},
        {"code": "2101101", "name": "行政单位医疗", "basic": D("8.00")},
        {"code": "2210201", "name": "住房公积金", "basic": D("10.00")},
    ],
    "economic": [
        {"code": "30101", "name": "基本工资", "personnel": D("30.00")},
        {"code": "30102", "name": "津贴补贴", "personnel": D("10.00")},
        {"code": "30108", "name": "机关事业单位基本养老保险缴费", "personnel": D("12.00")},
        {"code": "30113", "name": "住房公积金", "personnel": D("8.00")},
        {"code": "30201", "name": "办公费", "public": D("10.50")},
        {"code": "30217", "name": "公务接待费", "public": D("5.00")},
        {"code": "30231", "name": "公务用车运行维护费", "public": D("4.50")},
    ],
    "totals": {
        "income": {
            "total": D("100.00"),
            "general_budget": D("100.00"),
            "carry_over": D("0.00"),
            "grand_total": D("100.00"),
        },
        "expenditure": {
            "total": D("100.00"),
            "basic": D("80.00"),
            "project": D("20.00"),
            "personnel": D("60.00"),
            "public": D("20.00"),
            "grand_total": D("100.00"),
        },
        "operating_costs": D("20.00"),
    },
    "three_public": {
        "outbound": D("0.00"),
        "vehicle_purchase": D("0.00"),
        "vehicle_operation": D("4.50"),
        "reception": D("5.00"),
        "subtotal": D("9.50"),
        "total": D("9.50"),
    },
    "previous_year": {
        "totals": {
            "income": {"total": D("90.00")},
            "expenditure": {
                "total": D("90.00"),
                "basic": D("74.00"),
                "project": D("16.00"),
                "personnel": D("56.00"),
                "public": D("18.00"),
            },
        },
        "three_public": {"outbound": D("0.00"), "vehicle": D("4.50"), "reception": D("5.00")},
        "source": "由本年公开文本所述比上年增减额推算",
    },
    "procurement": {
        "items": [
            {
                "project": "业务工作经费",
                "project_budget": D("20.00"),
                "item": "台式计算机",
                "catalogue_code": "A02010104",
                "measure": "台",
                "quantity": 2,
                "unit_price": D("0.60"),
                "general_budget": D("1.20"),
                "amount": D("1.20"),
                "sme_reserved": D("1.20"),
            }
        ],
        "total": D("1.20"),
    },
    "fixed_assets": {
        "as_of": "2022-12-31",
        "total": D("60.00"),
        "buildings": {"quantity": 500, "value": D("40.00")},
        "office_buildings": {"quantity": 300, "value": D("25.00")},
        "vehicles": {"quantity": 1, "value": D("15.00")},
        "other": {"quantity": 10, "value": D("5.00")},
        "planned_purchases": D("1.20"),
        "planned_in_procurement": True,
    },
    "performance": {
        "overall_indicators": [
            {"level1": "部门产出", "level2": "数量", "level3": "会议召开次数", "comparator": "≥",
             "value": "6", "unit": "次"},
        ],
        "projects": [
            {
                "name": "业务工作经费",
                "amount": D("20.00"),
                "funding": {"fiscal": D("20.00"), "other": D("0.00")},
                "schedule": {"3月底": 25, "6月底": 50, "10月底": 80, "12月底": 100},
                "goal": "保障机关日常业务工作正常开展。",
                "indicators": [
                    {"level1": "产出指标", "level2": "数量指标", "level3": "购置计算机数量", "value": "2台"},
                    {"level1": "产出指标", "level2": "成本指标", "level3": "差旅住宿标准", "value": "≤450元/天"},
                    {"level1": "产出指标", "level2": "时效指标", "level3": "及时购置", "value": "按时购置"},
                    {"level1": "满意度指标", "level2": "服务对象满意度指标", "level3": "满意率", "value": "≥95%"},
                ],
            }
        ],
    },
}

# Each sub-section begins with a sentence that ends in “。”, as the published texts do; otherwise the
# “（一）…项目支出…万元” pattern could read a sub-heading as the start of a project list.
NARRATIVE = """\
按照《预算法》、《地方预决算公开操作规程》和《关于进一步推进预算公开工作的实施意见》规定，现将测试区示范办公室2023年部门预算公开如下：

## 一、部门职责及机构设置情况

部门职责：承担本级机关的日常运转和会务保障工作。

机构设置：

{{table:institutions}}

## 二、部门预算安排的总体情况

按照预算管理有关规定，全部收入和支出都反映在预算中。

### （一）收入说明

反映本部门当年全部收入。2023年预算收入100.00万元，其中：一般公共预算收入100.00万元，上年结转结余0.00万元。

### （二）支出说明

反映本部门年度支出预算的总体情况。2023年支出预算100.00万元，其中基本支出80.00万元，包括人员经费60.00万元和日常公用经费20.00万元；项目支出20.00万元，主要为（一）业务工作经费项目支出20.00万元。

### （三）比上年增减情况

反映本部门预算与上年相比的变化。2023年预算收支安排100.00万元，较2022年预算增加10.00万元。其中：基本支出增加6.00万元，主要为人员经费增加4.00万元，日常公用经费增加2.00万元。项目支出增加4.00万元，主要为（一）业务工作经费项目增加4.00万元。

## 三、机关运行经费安排情况

2023年共计安排20.00万元，主要包括办公费、邮电费、公务用车运行维护费等支出。

## 四、财政拨款“三公”经费预算情况及增减变化原因

2023年部门“三公”经费预算安排9.50万元，与2022年持平。具体情况为：

（一）公务用车购置及运行费4.50万元，比2022年增加0万元，无增减变化；

（二）公务接待费5.00万元，比2022年增加0万元，无增减变化；

（三）因公出国（境）费0.00万元，比2022年增加0万元，无增减变化。

## 五、预算绩效信息

保障机关正常运转，按时完成各项工作任务。

{{table:overall_indicators}}

{{table:project_goals}}

## 六、政府采购预算情况

2023年，测试区示范办公室安排政府采购预算1.20万元。具体内容见下表。

{{table:procurement}}

## 七、国有资产信息

测试区示范办公室上年末固定资产金额为60.00万元（详见下表）。本年度拟购置固定资产总额为1.20万元，已按要求列入政府采购预算。

{{table:fixed_assets}}

## 八、名词解释

1、基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。

## 九、其他需要说明的事项

无。
"""


@dataclass
class YearSpec:
    budget: dict
    narrative: str | None


@dataclass
class UnitSpec:
    unit: dict | None
    years: dict[int, YearSpec] = field(default_factory=dict)


class SiteTree:
    """A content tree described in Python, written to `root/content` by `write()`."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        self.site: dict | None = copy.deepcopy(SITE)
        self.units: dict[str, UnitSpec] = {
            UNIT_ID: UnitSpec(copy.deepcopy(UNIT), {YEAR: YearSpec(copy.deepcopy(BUDGET), NARRATIVE)})
        }
        self.files: dict[str, str | bytes | None] = {}

    # ---- describing changes -----------------------------------------------------------------

    def year(self, unit: str = UNIT_ID, year: int = YEAR) -> YearSpec:
        return self.units[unit].years[year]

    def patch_budget(self, patch: dict, unit: str = UNIT_ID, year: int = YEAR) -> "SiteTree":
        spec = self.year(unit, year)
        spec.budget = deep_merge(spec.budget, patch)
        return self

    def patch_unit(self, patch: dict, unit: str = UNIT_ID) -> "SiteTree":
        self.units[unit].unit = deep_merge(self.units[unit].unit, patch)
        return self

    def patch_site(self, patch: dict) -> "SiteTree":
        self.site = deep_merge(self.site, patch)
        return self

    def replace_in_narrative(self, old: str, new: str, unit: str = UNIT_ID, year: int = YEAR) -> "SiteTree":
        spec = self.year(unit, year)
        assert spec.narrative is not None and old in spec.narrative, f"narrative has no {old!r}"
        spec.narrative = spec.narrative.replace(old, new, 1)
        return self

    def add_unit(self, unit_id: str, unit: dict | None = None, budget: dict | None = None,
                 narrative: str | None = NARRATIVE, year: int = YEAR) -> "SiteTree":
        """Another unit: by default a copy of the base unit (same figures, same narrative)."""
        unit_data = deep_merge(UNIT, {"id": unit_id, "name": f"{UNIT['name']}（{unit_id}）", **(unit or {})})
        self.units[unit_id] = UnitSpec(unit_data, {year: YearSpec(deep_merge(BUDGET, budget or {}), narrative)})
        return self

    def add_year(self, year: int, budget: dict, narrative: str | None = NARRATIVE,
                 unit: str = UNIT_ID) -> "SiteTree":
        self.units[unit].years[year] = YearSpec({"year": year, **budget}, narrative)
        return self

    def add_next_year(self, unit: str = UNIT_ID) -> "SiteTree":
        """The consecutive year NEXT_YEAR of a unit, consistent with the base year (see NEXT_BUDGET)."""
        return self.add_year(NEXT_YEAR, copy.deepcopy(NEXT_BUDGET), NEXT_NARRATIVE, unit)

    def put_file(self, relative: str, content: str | bytes | None) -> "SiteTree":
        """Raw file under content/ written after (and instead of) the generated one; None deletes it."""
        self.files[relative] = content
        return self

    # ---- paths ------------------------------------------------------------------------------

    def budget_path(self, unit: str = UNIT_ID, year: int = YEAR) -> Path:
        return self.content / "units" / unit / str(year) / "budget.yaml"

    def narrative_path(self, unit: str = UNIT_ID, year: int = YEAR) -> Path:
        return self.content / "units" / unit / str(year) / "narrative.md"

    def unit_path(self, unit: str = UNIT_ID) -> Path:
        return self.content / "units" / unit / "unit.yaml"

    def display(self, path: Path) -> str:
        """How diagnostics name a file: relative to the directory that holds content/."""
        return path.relative_to(self.root).as_posix()

    # ---- writing and checking ----------------------------------------------------------------

    def write(self) -> Path:
        self.content.mkdir(parents=True, exist_ok=True)
        if self.site is not None:
            (self.content / "site.yaml").write_text(dump_yaml(self.site), encoding="utf-8")
        for unit_id, spec in self.units.items():
            unit_dir = self.content / "units" / unit_id
            unit_dir.mkdir(parents=True, exist_ok=True)
            if spec.unit is not None:
                (unit_dir / "unit.yaml").write_text(dump_yaml(spec.unit), encoding="utf-8")
            for year, year_spec in spec.years.items():
                year_dir = unit_dir / str(year)
                year_dir.mkdir(parents=True, exist_ok=True)
                (year_dir / "budget.yaml").write_text(dump_yaml(year_spec.budget), encoding="utf-8")
                if year_spec.narrative is not None:
                    (year_dir / "narrative.md").write_text(year_spec.narrative, encoding="utf-8")
        for relative, content in self.files.items():
            path = self.content / relative
            if content is None:
                path.unlink(missing_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return self.content

    def check(self) -> Report:
        self.write()
        return check_site(self.content)

    def line(self, display: str, number: int) -> str:
        """The text of line `number` (1-based) of a file named as diagnostics name it."""
        return (self.root / display).read_text(encoding="utf-8").splitlines()[number - 1]


def codes(report: Report) -> set[str]:
    """The codes reported, those of consequences (nested under their cause) included."""
    return {d.code for d in report.all_diagnostics()}


def of_code(report: Report, code: str) -> list:
    return [d for d in report.all_diagnostics() if d.code == code]


def describe(report: Report) -> str:
    return "\n".join(d.to_text() for d in report.diagnostics) or "（无诊断）"


@pytest.fixture
def make_site(tmp_path):
    """Factory: each call gives a fresh SiteTree in its own directory under tmp_path."""
    counter = iter(range(1_000_000))

    def make() -> SiteTree:
        return SiteTree(tmp_path / f"site{next(counter)}")

    return make


@pytest.fixture
def site_tree(make_site) -> SiteTree:
    return make_site()


# --------------------------------------------------------------------------------------------
# A second, consecutive year of the same unit (for the multi-year pages), derived from the base year
# and consistent with it: its previous_year is exactly the base year as published.
#   functional: basic 53 + 12 + 8 + 10 = 83, project 25           → expenditure 108 = income 108
#   economic:   personnel 60 (unchanged), public 14.50 + 4 + 4.50 = 23 → basic 83
#   三公: vehicle_operation 4.50 + reception 4.00 = subtotal 8.50 (base year 9.50: −1.00)
#   changes on the base year: income/expenditure +8, basic +3, project +5, 三公 −1
# --------------------------------------------------------------------------------------------

NEXT_YEAR = YEAR + 1


def _next_budget() -> dict:
    budget = copy.deepcopy(BUDGET)
    budget["year"] = NEXT_YEAR
    budget["functional"][0]["basic"] = D("53.00")  # 2010101 行政运行
    budget["functional"][1]["project"] = D("25.00")  # 2010102 一般行政管理事务
    budget["economic"][4]["public"] = D("14.50")  # 30201 办公费
    budget["economic"][5]["public"] = D("4.00")  # 30217 公务接待费
    budget["totals"] = {
        "income": {"total": D("108.00"), "general_budget": D("108.00"), "carry_over": D("0.00"),
                   "grand_total": D("108.00")},
        "expenditure": {"total": D("108.00"), "basic": D("83.00"), "project": D("25.00"), "personnel": D("60.00"),
                        "public": D("23.00"), "grand_total": D("108.00")},
        "operating_costs": D("23.00"),
    }
    budget["three_public"].update(reception=D("4.00"), subtotal=D("8.50"), total=D("8.50"))
    budget["previous_year"] = {
        "totals": {
            "income": {"total": D("100.00")},
            "expenditure": {"total": D("100.00"), "basic": D("80.00"), "project": D("20.00"),
                            "personnel": D("60.00"), "public": D("20.00")},
        },
        "three_public": {"outbound": D("0.00"), "vehicle": D("4.50"), "reception": D("5.00")},
        "source": f"{YEAR}年公开数据",
    }
    budget["procurement"]["items"][0]["project_budget"] = D("25.00")
    budget["fixed_assets"]["as_of"] = f"{YEAR}-12-31"
    project = budget["performance"]["projects"][0]
    project["amount"] = D("25.00")
    project["funding"]["fiscal"] = D("25.00")
    return budget


def _next_narrative() -> str:
    text = NARRATIVE.replace(str(YEAR - 1), "<PREVIOUS>").replace(str(YEAR), str(NEXT_YEAR))
    text = text.replace("<PREVIOUS>", str(YEAR))
    for old, new in [
        ("预算收入100.00万元，其中：一般公共预算收入100.00万元", "预算收入108.00万元，其中：一般公共预算收入108.00万元"),
        ("支出预算100.00万元，其中基本支出80.00万元，包括人员经费60.00万元和日常公用经费20.00万元；"
         "项目支出20.00万元，主要为（一）业务工作经费项目支出20.00万元",
         "支出预算108.00万元，其中基本支出83.00万元，包括人员经费60.00万元和日常公用经费23.00万元；"
         "项目支出25.00万元，主要为（一）业务工作经费项目支出25.00万元"),
        ("预算收支安排100.00万元，较2023年预算增加10.00万元。其中：基本支出增加6.00万元，主要为人员经费增加4.00万元，"
         "日常公用经费增加2.00万元。项目支出增加4.00万元，主要为（一）业务工作经费项目增加4.00万元",
         "预算收支安排108.00万元，较2023年预算增加8.00万元。其中：基本支出增加3.00万元，主要为人员经费增加0.00万元，"
         "日常公用经费增加3.00万元。项目支出增加5.00万元，主要为（一）业务工作经费项目增加5.00万元"),
        ("共计安排20.00万元", "共计安排23.00万元"),
        ("经费预算安排9.50万元，与2023年持平。具体情况为", "经费预算安排8.50万元，与2023年相比减少1.00万元，其中"),
        ("公务接待费5.00万元，比2023年增加0万元，无增减变化", "公务接待费4.00万元，比2023年减少1.00万元，主要是压减接待"),
    ]:
        assert old in text, old
        text = text.replace(old, new)
    return text


NEXT_BUDGET = _next_budget()
NEXT_NARRATIVE = _next_narrative()


@pytest.fixture(scope="session")
def example_site(tmp_path_factory) -> Path:
    """The example content built once, with its search indexes, for the tests that only read it."""
    from generator.build import build

    output = tmp_path_factory.mktemp("example") / "site"
    build(Path(__file__).resolve().parents[1] / "content", output)
    return output


@pytest.fixture(scope="session")
def example_report() -> Report:
    """The example content, checked once (it passes), for the tests that read its disclosures."""
    result = check_site(Path(__file__).resolve().parents[1] / "content")
    assert not result.failed()
    return result
