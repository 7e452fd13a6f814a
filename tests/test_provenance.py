"""Provenance: every amount the site shows is typed in budget.yaml or derived from typed figures by a
rule documented in docs/site.md (“Where each amount comes from”); an unknown one shows as “—”, never 0.00.

The oracle below reads each budget.yaml itself (plain yaml, numbers as Decimal) and applies the
documented rules on its own: it shares no code with generator/figures.py, tables.py or charts.py. It is
run on the example content and on modified copies of it written to temporary directories (a carry-over
removed, the 总计 typed, last year's vehicle costs given only combined, a unit without 三公 figures, an
earlier year added to a unit, a unit with line items but no typed totals), each built for real with
`generator.build.build`.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations
from pathlib import Path
from typing import Callable

import lxml.html
import pytest
import yaml

from generator.build import build

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import dump_yaml
    from site_support import CONTENT
except ImportError:  # pragma: no cover
    from tests.conftest import dump_yaml
    from tests.site_support import CONTENT

UNKNOWN = "—"
KINDS = ("basic", "project", "operating", "remit", "affiliate")  # the spending columns of a functional line
FUNDS = ("general_budget", "government_fund", "soe_capital")  # the fund columns of the 三公 table
PROCUREMENT_FUNDS = ("general_budget", "government_fund", "soe_capital", "special_account", "unit_funds",
                     "fiscal_carry_over", "non_fiscal_carry_over")
NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


# ---------------------------------------------------------------------------------------------
# Reading budget.yaml, independently of generator.yamlsource / generator.model


class DecimalLoader(yaml.SafeLoader):
    """yaml.safe_load, but a number with a fraction is the Decimal of its text (never a float)."""


DecimalLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))


def read_yaml(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=DecimalLoader)


def is_number(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool)


def numeric_leaves(node):
    if is_number(node):
        yield Decimal(node)
    elif isinstance(node, dict):
        for value in node.values():
            yield from numeric_leaves(value)
    elif isinstance(node, list):
        for value in node:
            yield from numeric_leaves(value)


def money(value) -> Decimal | None:
    """A typed amount: a number, or (三公) a mapping fund → number, whose sum it is."""
    if value is None:
        return None
    if isinstance(value, dict):
        return sum((Decimal(v) for v in value.values()), Decimal(0))
    return Decimal(value)


def add(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))


# ---------------------------------------------------------------------------------------------
# The documented rules (docs/site.md), applied to the typed figures


def line_amount(line: dict) -> Decimal:
    return add(Decimal(line.get(k, 0)) for k in KINDS)


def functional_sums(lines: list[dict]) -> set[Decimal]:
    """Every sum the standard tables print: per classification prefix (合计, 类, 款, 项), per column
    (each spending kind and their 合计), over the lines of any set of sources, this year's, carried or both."""
    out: set[Decimal] = set()
    sources = sorted({line.get("source", "general_budget") for line in lines})
    prefixes = {""} | {line["code"][:n] for line in lines for n in (3, 5, 7)}
    for size in range(1, len(sources) + 1):
        for chosen in combinations(sources, size):
            for carried in (None, True, False):
                subset = [l for l in lines if l.get("source", "general_budget") in chosen
                          and (carried is None or bool(l.get("carried_over", False)) == carried)]
                for prefix in prefixes:
                    rows = [l for l in subset if l["code"].startswith(prefix)]
                    out.add(add(line_amount(l) for l in rows))
                    out.update(add(Decimal(l.get(k, 0)) for l in rows) for k in KINDS)
    return out


def economic_sums(lines: list[dict]) -> set[Decimal]:
    out: set[Decimal] = set()
    prefixes = {""} | {line["code"][:n] for line in lines for n in (3, 5)}
    for prefix in prefixes:
        rows = [l for l in lines if l["code"].startswith(prefix)]
        personnel = add(Decimal(l.get("personnel", 0)) for l in rows)
        public = add(Decimal(l.get("public", 0)) for l in rows)
        out |= {personnel, public, personnel + public}
    return out


def three_public(tp: dict | None, pick=money) -> dict[str, Decimal]:
    """The 三公 figures: the typed ones; 公务用车 = 购置 + 运维 and 因公出国 = its two parts where those are
    typed; 小计 = 出国 + 公务用车 + 接待, 合计 = 小计 + 会议 + 培训, over the parts typed (or as typed)."""
    tp = tp or {}
    leaves = {k: pick(v) for k, v in tp.items() if k not in ("subtotal", "total")}
    leaves = {k: v for k, v in leaves.items() if v is not None}
    if not leaves:
        return {}
    out = dict(leaves)
    if "vehicle_purchase" in leaves or "vehicle_operation" in leaves:
        out["vehicle"] = add([leaves.get("vehicle_purchase"), leaves.get("vehicle_operation")])
    if "outbound_research" in leaves or "outbound_other" in leaves:
        out["outbound"] = add([leaves.get("outbound_research"), leaves.get("outbound_other")])
    out["subtotal"] = add([out.get("outbound"), out.get("vehicle"), out.get("reception")])
    out["total"] = add([out["subtotal"], out.get("meeting"), out.get("training")])
    for name in ("subtotal", "total"):
        if pick(tp.get(name)) is not None:
            out[name] = pick(tp[name])
    return out


def by_fund(fund: str):
    def pick(value):
        if value is None:
            return None
        if isinstance(value, dict):
            return None if fund not in value else Decimal(value[fund])
        return Decimal(value) if fund == "general_budget" else None
    return pick


def three_public_amounts(tp: dict | None) -> set[Decimal]:
    out = set(three_public(tp).values())
    for fund in FUNDS:
        out |= set(three_public(tp, by_fund(fund)).values())
    return out


def procurement_sums(procurement: dict | None) -> set[Decimal]:
    items = (procurement or {}).get("items") or []
    out: set[Decimal] = set()
    for key in (*PROCUREMENT_FUNDS, "project_budget", "sme_reserved", "amount"):
        out.add(add(money(i.get(key)) for i in items))
    funded = [add(money(i.get(k)) for k in PROCUREMENT_FUNDS) for i in items]
    return out | set(funded) | {add(funded)}


def assets_sums(assets: dict | None) -> set[Decimal]:
    if not assets:
        return set()
    return {add(money((assets.get(k) or {}).get("value")) for k in ("buildings", "vehicles", "equipment", "other"))}


@dataclass
class Listed:
    """The figures the listing pages show for one disclosure, by the documented rules; None: unknown."""

    income_grand_total: Decimal | None
    expenditure_grand_total: Decimal | None
    basic: Decimal | None
    project: Decimal | None
    three_public: Decimal | None
    expenditure_total: Decimal | None  # 本年支出合计: the year chart, the trend

    def row(self) -> list[Decimal | None]:
        return [self.income_grand_total, self.expenditure_grand_total, self.basic, self.project, self.three_public]


def totals_figures(totals: dict | None, lines: list[dict]) -> dict[str, Decimal | None]:
    """收入总计, 支出总计, 本年支出合计, 基本支出, 项目支出 of one year: typed, else from the line items
    (whose tables print every row: a blank 年终结转结余 there is zero), else from typed parts."""
    totals = totals or {}
    income, spending = totals.get("income") or {}, totals.get("expenditure") or {}

    def typed(group: dict, key: str) -> Decimal | None:
        return money(group.get(key))

    if lines:
        this_year = add(line_amount(l) for l in lines if not l.get("carried_over", False))
        carried = add(line_amount(l) for l in lines if l.get("carried_over", False))
        spent = add(line_amount(l) for l in lines)
        balance = typed(spending, "year_end_balance")
        derived = {
            "income.total": this_year, "income.carry_over": carried,
            "expenditure.total": spent, "expenditure.year_end_balance": Decimal(0) if balance is None else balance,
            "expenditure.basic": add(Decimal(l.get("basic", 0)) for l in lines),
            "expenditure.project": add(Decimal(l.get("project", 0)) for l in lines),
        }
    else:
        derived = {}
    out: dict[str, Decimal | None] = {}
    for group_name, group in (("income", income), ("expenditure", spending)):
        for key in ("total", "carry_over", "year_end_balance", "basic", "project", "personnel", "public"):
            name = f"{group_name}.{key}"
            value = typed(group, key)
            out[name] = value if value is not None else derived.get(name)
    for whole, parts in (("income.grand_total", ("income.total", "income.carry_over")),
                         ("expenditure.grand_total", ("expenditure.total", "expenditure.year_end_balance"))):
        group = income if whole.startswith("income") else spending
        value = typed(group, "grand_total")
        if value is None and lines:  # both parts from the line items
            value = derived[parts[0]] + derived[parts[1]]
        if value is None and all(out[p] is not None for p in parts):  # both parts typed
            value = out[parts[0]] + out[parts[1]]
        out[whole] = value
    personnel, public = out["expenditure.personnel"], out["expenditure.public"]
    if out["expenditure.basic"] is None and personnel is not None and public is not None:
        out["expenditure.basic"] = personnel + public  # neither typed nor from line items
    return out


def listed(budget: dict) -> Listed:
    figures = totals_figures(budget.get("totals"), budget.get("functional") or [])
    tp = three_public(budget.get("three_public"))
    return Listed(figures["income.grand_total"], figures["expenditure.grand_total"], figures["expenditure.basic"],
                  figures["expenditure.project"], tp.get("subtotal"), figures["expenditure.total"])


def allowed(budget: dict) -> set[Decimal]:
    """Every amount the disclosure's own pages, downloads and PDF may show: typed, or derived."""
    lines, economic = budget.get("functional") or [], budget.get("economic") or []
    previous = budget.get("previous_year") or {}
    out = set(numeric_leaves(budget))
    if lines:
        out |= functional_sums(lines)
    if economic:
        out |= economic_sums(economic)
    out |= {v for v in totals_figures(budget.get("totals"), lines).values() if v is not None}
    out |= {v for v in totals_figures(previous.get("totals"), []).values() if v is not None}
    out |= three_public_amounts(budget.get("three_public")) | three_public_amounts(previous.get("three_public"))
    out |= procurement_sums(budget.get("procurement")) | assets_sums(budget.get("fixed_assets"))
    return {quantize(v) for v in out}


def quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01")) if value.as_tuple().exponent >= -2 else value


def shown(value: Decimal | None) -> str:
    """How the site prints an amount: two decimals (more when typed with more), “—” when unknown."""
    if value is None:
        return UNKNOWN
    exponent = value.as_tuple().exponent
    return f"{value:.{max(2, -exponent)}f}"


def as_amount(text: str) -> Decimal | None:
    text = text.strip()
    return quantize(Decimal(text)) if NUMBER.match(text) else None


# ---------------------------------------------------------------------------------------------
# The content variants, written to temporary directories and built


@dataclass
class Disclosure:
    unit_id: str
    year: int
    name: str
    budget: dict


def read_content(content: Path) -> list[Disclosure]:
    found = []
    for unit_dir in sorted((content / "units").iterdir()):
        name = read_yaml(unit_dir / "unit.yaml")["name"]
        for year_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir() and p.name.isdigit()):
            found.append(Disclosure(unit_dir.name, int(year_dir.name), name, read_yaml(year_dir / "budget.yaml")))
    return found


def edit_budget(content: Path, unit: str, year: int, change: Callable[[dict], None]) -> None:
    path = content / "units" / unit / str(year) / "budget.yaml"
    budget = read_yaml(path)
    change(budget)
    path.write_text(dump_yaml(budget), encoding="utf-8")


def remove_carry_over(content: Path) -> None:
    edit_budget(content, "langfang-renda", 2023, lambda b: b["totals"]["income"].pop("carry_over"))


def type_grand_totals(content: Path) -> None:
    def change(b):
        b["totals"]["income"]["grand_total"] = Decimal("2931.61")
        b["totals"]["expenditure"]["grand_total"] = Decimal("2931.61")
    edit_budget(content, "langfang-renda", 2023, change)


def combined_vehicle_last_year(content: Path) -> None:
    def change(b):
        b["previous_year"]["three_public"] = {"outbound": 0, "vehicle": Decimal("15.33"), "reception": 76}
    edit_budget(content, "guangyang-zhengfuban", 2022, change)


def no_three_public(content: Path) -> None:
    def change(b):
        b.pop("three_public")
        b["previous_year"].pop("three_public")
    edit_budget(content, "langfang-renda", 2023, change)


def line_items_only(content: Path) -> None:
    """丰南人大 without its typed totals: every 总计 from the line items (年终结转结余 blank: zero)."""
    edit_budget(content, "fengnan-renda", 2023, lambda b: b.pop("totals"))


EARLIER_NARRATIVE = """按照《中华人民共和国预算法》规定，现将廊坊市人民代表大会常务委员会办公室2022年单位预算公开如下：

## 一、单位职责及机构设置情况

{{table:institutions}}

## 二、单位预算安排的总体情况

见下表。

## 三、机关运行经费安排情况

无。

## 四、财政拨款“三公”经费预算情况及增减变化原因

无。

## 五、预算绩效信息

{{table:overall_indicators}}

{{table:project_goals}}

## 六、政府采购预算情况

{{table:procurement}}

## 七、国有资产信息

{{table:fixed_assets}}

## 八、名词解释

## 九、其他需要说明的事项

无。
"""


def earlier_year(content: Path) -> None:
    """廊坊人大 2022, from what its 2023 disclosure says of last year: 本年收入合计 but no 上年结转,
    so 2022's 收入总计 is unknown; 支出 totals and 三公 as the 2023 text implies them."""
    source, target = content / "units" / "langfang-renda" / "2023", content / "units" / "langfang-renda" / "2022"
    target.mkdir()
    budget = read_yaml(source / "budget.yaml")
    last = budget.pop("previous_year")
    budget["year"] = 2022
    budget["totals"] = copy.deepcopy(last["totals"])
    budget["three_public"] = copy.deepcopy(last["three_public"])
    budget["fixed_assets"]["as_of"] = "2021-12-31"
    (target / "budget.yaml").write_text(dump_yaml(budget), encoding="utf-8")
    (target / "narrative.md").write_text(EARLIER_NARRATIVE, encoding="utf-8")


VARIANTS: dict[str, Callable[[Path], None] | None] = {
    "example": None,
    "no-carry-over": remove_carry_over,
    "grand-totals-typed": type_grand_totals,
    "combined-vehicle-last-year": combined_vehicle_last_year,
    "no-three-public": no_three_public,
    "earlier-year": earlier_year,
    "line-items-only": line_items_only,
}


@dataclass
class Built:
    site: Path
    disclosures: list[Disclosure]

    def page(self, relative: str):
        return lxml.html.parse(str(self.site / relative)).getroot()

    def of_year(self, year: int) -> list[Disclosure]:
        return [d for d in self.disclosures if d.year == year]

    def of_unit(self, unit_id: str) -> list[Disclosure]:
        return [d for d in self.disclosures if d.unit_id == unit_id]

    @property
    def years(self) -> list[int]:
        return sorted({d.year for d in self.disclosures})


_BUILT: dict[str, Built] = {}  # each variant built once for the module


def built_variant(name: str, tmp_path_factory) -> Built:
    if name not in _BUILT:
        root = tmp_path_factory.mktemp(f"provenance-{name}")
        content = root / "content"
        shutil.copytree(CONTENT, content)
        if VARIANTS[name] is not None:
            VARIANTS[name](content)
        build(content, root / "site", search=False)
        _BUILT[name] = Built(root / "site", read_content(content))
    return _BUILT[name]


@pytest.fixture(params=list(VARIANTS), scope="module")
def built(request, tmp_path_factory) -> Built:
    return built_variant(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def variant(tmp_path_factory) -> Callable[[str], Built]:
    return lambda name: built_variant(name, tmp_path_factory)


# ---------------------------------------------------------------------------------------------
# Reading the pages


def cells(row) -> list[str]:
    return [c.text_content().strip() for c in row if c.tag in ("th", "td")]


def table_by_caption(page, caption: str):
    found = [t for t in page.iter("table") if t.find("caption") is not None
             and t.find("caption").text_content().strip() == f"{caption}（单位：万元）"]
    assert len(found) == 1, caption
    return found[0]


def body(table) -> list[list[str]]:
    return [cells(tr) for tr in table.find("tbody").iter("tr")]


def chart(page, chart_id: str):
    found = [f for f in page.iter("figure") if f.get("id") == f"chart-{chart_id}"]
    return found[0] if found else None


def chart_rows(figure) -> list[list[str]]:
    return body(figure.find(".//table"))


def note_of(element) -> str:
    notes = element.xpath(".//p[contains(concat(' ', @class, ' '), ' chart-note ')]")
    return notes[0].text_content() if notes else ""


def amounts_in(page) -> list[tuple[str, str]]:
    """(table, text) of every numeric cell of every table on the page."""
    out = []
    for table in page.iter("table"):
        label = table.get("id") or "chart: " + table.find("caption").text_content().strip()
        for cell in table.iter("td"):
            if "num" in (cell.get("class") or "").split():
                text = cell.text_content().strip()
                if text:
                    out.append((label, text))
    return out


def listed_row(d: Disclosure) -> list[str]:
    return [shown(v) for v in listed(d.budget).row()]


def totals_note_follows(table) -> bool:
    following = table.getparent().getnext()
    return following is not None and "“—”" in following.text_content()


# ---------------------------------------------------------------------------------------------
# Every page kind, every variant


def test_disclosure_pages_show_only_typed_or_derived_amounts(built):
    for d in built.disclosures:
        page = built.page(f"units/{d.unit_id}/{d.year}/index.html")
        allowed_here = allowed(d.budget)
        shown_cells = amounts_in(page)
        assert shown_cells, (d.unit_id, d.year)
        for table, text in shown_cells:
            # the budget tables print as published (blank is zero); only a chart's table may lack a year
            assert text != UNKNOWN or table.startswith("chart: "), (d.unit_id, d.year, table)
            if text == UNKNOWN:
                continue
            assert NUMBER.match(text), (d.unit_id, d.year, table, text)
            assert as_amount(text) in allowed_here, (d.unit_id, d.year, table, text)


def test_downloads_hold_only_typed_or_derived_amounts(built):
    for d in built.disclosures:
        base = built.site / "units" / d.unit_id / str(d.year)
        allowed_here = allowed(d.budget)
        package = json.loads((base / "datapackage.json").read_text(encoding="utf-8"))
        for resource in package["resources"]:
            if resource["format"] != "csv":
                continue
            # amounts are the money fields (a 序号 or a 数量 is a number, not an amount)
            numeric = [f["type"] == "number" and f.get("description", "").startswith("金额")
                       for f in resource["schema"]["fields"]]
            rows = list(csv.reader(io.StringIO((base / resource["path"]).read_text(encoding="utf-8-sig"))))
            for record in rows[1:]:
                for text, is_amount in zip(record, numeric):
                    if is_amount and text and text != "——":  # 资产总额's 数量, printed “——” as published
                        assert as_amount(text) in allowed_here, (d.unit_id, d.year, resource["path"], rows[0], text)
        figures = json.loads((base / f"{d.unit_id}-{d.year}.json").read_text(encoding="utf-8"))["figures"]
        for name, text in figures.items():
            value = quantize(Decimal(text))
            if name.startswith("change."):
                base_name = name[len("change."):]
                assert Decimal(figures[base_name]) - Decimal(figures[f"previous.{base_name}"]) == Decimal(text), name
            else:
                assert value in allowed_here, (d.unit_id, d.year, name, text)
        known = listed(d.budget)
        for name, value in (("income.grand_total", known.income_grand_total),
                            ("expenditure.grand_total", known.expenditure_grand_total),
                            ("three_public.subtotal", known.three_public)):
            assert (name in figures) == (value is not None), (d.unit_id, d.year, name)  # no invented figure


def test_home_and_year_pages_list_each_unit_with_its_figures(built):
    latest = max(built.years)
    pages = [("index.html", latest)] + [(f"years/{y}/index.html", y) for y in built.years]
    for relative, year in pages:
        table = table_by_caption(built.page(relative), f"{year}年各单位预算")
        expected = {d.name: listed_row(d) for d in built.of_year(year)}
        rows = body(table)
        assert {r[0]: r[1:] for r in rows} == expected, relative
        assert len(rows) == len(expected)
        assert totals_note_follows(table) == any(UNKNOWN in r for r in expected.values()), relative


def test_year_chart_draws_known_amounts_and_names_the_missing(built):
    for year in built.years:
        page = built.page(f"years/{year}/index.html")
        figure = chart(page, f"units-{year}")
        known = {d.name: listed(d.budget).expenditure_total for d in built.of_year(year)}
        drawn = {name: shown(v) for name, v in known.items() if v}
        missing = [name for name, v in known.items() if v is None]
        if len(drawn) < 2:  # a chart of one bar compares nothing: the table above says it all
            assert figure is None
            continue
        assert {r[0]: r[1] for r in chart_rows(figure)} == drawn
        note = note_of(figure)
        assert all(name in note for name in missing) and bool(note) == bool(missing)


def test_unit_history_pages_list_each_year_and_the_changes(built):
    for unit_id in sorted({d.unit_id for d in built.disclosures}):
        years = built.of_unit(unit_id)
        page = built.page(f"units/{unit_id}/index.html")
        table = table_by_caption(page, f"{years[0].name}历年预算")
        assert body(table) == [[f"{d.year}年", *listed_row(d)] for d in years]
        pairs = [(a, b) for a, b in zip(years, years[1:]) if b.year == a.year + 1]
        if not pairs:
            assert "比上年增减" not in page.text_content()
            continue
        expected = []
        for before, after in pairs:
            differences = [None if x is None or y is None else y - x
                           for x, y in zip(listed(before.budget).row(), listed(after.budget).row())]
            expected.append([f"{after.year}年", *[shown(v) for v in differences]])
        assert body(table_by_caption(page, "比上年增减")) == expected
        trend = chart(page, "trend")
        series = {"本年支出合计": "expenditure_total", "基本支出": "basic", "项目支出": "project"}
        assert chart_rows(trend) == [[label, *[shown(getattr(listed(d.budget), field)) for d in years]]
                                     for label, field in series.items()]


# ---------------------------------------------------------------------------------------------
# What the user reported, and each variant's point


def test_published_income_total_of_langfang_is_on_the_home_page(variant):
    """廊坊人大 2023: 本年收入合计 2931.61 + 上年结转 0 (its text: “上年结转0万元”) = 收入总计 2931.61; its
    支出总计 is in no table or sentence of the document (no 收支总表, no 年终结转结余), so it is “—”."""
    home = variant("example").page("index.html")
    rows = {r[0]: r[1:] for r in body(table_by_caption(home, "2023年各单位预算"))}
    assert rows["廊坊市人民代表大会常务委员会办公室"] == ["2931.61", UNKNOWN, "2364.61", "567.00", "37.43"]
    assert rows["唐山市丰南区人民代表大会常务委员会办公室"] == ["1043.55", "1043.55", "815.50", "228.05", "48.00"]
    assert "0.00" not in rows["廊坊市人民代表大会常务委员会办公室"]
    figure = chart(home, "units-2023")
    assert {r[0]: r[1] for r in chart_rows(figure)} == {
        "唐山市丰南区人民代表大会常务委员会办公室": "1043.55", "廊坊市人民代表大会常务委员会办公室": "2931.61"}
    year_2022 = variant("example").page("years/2022/index.html")
    assert body(table_by_caption(year_2022, "2022年各单位预算")) == [
        ["廊坊市广阳区人民政府办公室", "1644.62", UNKNOWN, "1088.83", "555.79", "91.33"]]


def test_an_untyped_carry_over_leaves_the_income_total_unknown_everywhere(variant):
    built = variant("no-carry-over")
    for relative in ("index.html", "years/2023/index.html"):
        rows = {r[0]: r[1:] for r in body(table_by_caption(built.page(relative), "2023年各单位预算"))}
        assert rows["廊坊市人民代表大会常务委员会办公室"][:2] == [UNKNOWN, UNKNOWN], relative
    history = built.page("units/langfang-renda/index.html")
    assert body(table_by_caption(history, "廊坊市人民代表大会常务委员会办公室历年预算")) == [
        ["2023年", UNKNOWN, UNKNOWN, "2364.61", "567.00", "37.43"]]
    data = built.site / "units" / "langfang-renda" / "2023" / "langfang-renda-2023.json"
    figures = json.loads(data.read_text(encoding="utf-8"))["figures"]
    assert "income.grand_total" not in figures and "income.carry_over" not in figures


def test_totals_from_line_items(variant):
    rows = {r[0]: r[1:] for r in body(table_by_caption(variant("line-items-only").page("index.html"),
                                                        "2023年各单位预算"))}
    assert rows["唐山市丰南区人民代表大会常务委员会办公室"] == ["1043.55", "1043.55", "815.50", "228.05", "48.00"]


def test_typed_grand_totals_are_shown_as_typed(variant):
    rows = {r[0]: r[1:] for r in body(table_by_caption(variant("grand-totals-typed").page("index.html"),
                                                        "2023年各单位预算"))}
    assert rows["廊坊市人民代表大会常务委员会办公室"][:2] == ["2931.61", "2931.61"]


def three_public_rows(built: Built, unit_id: str, year: int) -> list[list[str]] | None:
    figure = chart(built.page(f"units/{unit_id}/{year}/index.html"), "three-public")
    return None if figure is None else chart_rows(figure)


def test_three_public_chart_compares_at_the_level_both_years_have(variant):
    # 丰南人大: last year only “公务用车购置及运行费38万元”, this year 购置 18 + 运维 20
    assert three_public_rows(variant("example"), "fengnan-renda", 2023) == [
        ["公务用车购置及运维费", "38.00", "38.00"], ["公务接待费", "10.00", "10.00"]]
    # 廊坊人大: both years split (购置 0 both years: no bar), 接待 3.00 → 1.50
    assert three_public_rows(variant("example"), "langfang-renda", 2023) == [
        ["公务用车运行维护费", "35.93", "35.93"], ["公务接待费", "3.00", "1.50"]]
    # 广阳区政府办 with last year's vehicle costs only combined: “与2021年相比持平”, not new spending
    assert three_public_rows(variant("combined-vehicle-last-year"), "guangyang-zhengfuban", 2022) == [
        ["公务用车购置及运维费", "15.33", "15.33"], ["公务接待费", "76.00", "76.00"]]
    # a year with no 三公 figures at all (廊坊人大 2022's last year) is not compared with: this year's parts alone
    assert three_public_rows(variant("earlier-year"), "langfang-renda", 2022) == [
        ["公务用车运行维护费", "35.93"], ["公务接待费", "3.00"]]


def test_a_unit_without_three_public_figures_shows_them_unknown(variant):
    built = variant("no-three-public")
    rows = {r[0]: r[1:] for r in body(table_by_caption(built.page("index.html"), "2023年各单位预算"))}
    assert rows["廊坊市人民代表大会常务委员会办公室"][4] == UNKNOWN
    assert three_public_rows(built, "langfang-renda", 2023) is None


def test_changes_only_where_both_years_are_known(variant):
    """廊坊人大 2022 (from the 2023 text's 比上年增减) has 本年收入合计 but no 上年结转: its 收入总计 is unknown,
    so is the change of it; the 2023 text's changes are what the row shows: 基本支出 +163.87, 项目支出 −10.3,
    “三公” −1.5."""
    page = variant("earlier-year").page("units/langfang-renda/index.html")
    assert body(table_by_caption(page, "比上年增减")) == [["2023年", UNKNOWN, UNKNOWN, "163.87", "-10.30", "-1.50"]]
    assert body(table_by_caption(page, "廊坊市人民代表大会常务委员会办公室历年预算"))[0] == [
        "2022年", UNKNOWN, UNKNOWN, "2200.74", "577.30", "38.93"]


# ---------------------------------------------------------------------------------------------
# The PDF: one, since PDFs are slow


def test_pdf_table_amounts_are_typed_or_derived(tmp_path):
    from generator.check import check_site
    from generator.pdf.build import render, unit_job

    report = check_site(CONTENT)
    pdf = tmp_path / "fengnan-renda-2023.pdf"
    pdf.write_bytes(render(unit_job(report.contexts["fengnan-renda/2023"], report.site), report.site))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    budget = read_yaml(CONTENT / "units" / "fengnan-renda" / "2023" / "budget.yaml")
    allowed_here = allowed(budget)
    # table cells are set apart by spaces in the layout; narrative amounts run on into “万元”
    amounts = re.findall(r"(?<!\S)(-?\d+\.\d{2,})(?!\S)", text)
    assert len(amounts) > 100
    strays = sorted({a for a in amounts if quantize(Decimal(a)) not in allowed_here})
    assert strays == []
    for figure in ("1043.55", "815.50", "228.05", "802.49", "48.00"):  # 合计, 基本, 项目, 201 类, 三公
        assert figure in amounts
