"""The unit history page and the links between years, on a temporary site whose unit has two years.

The example content has one year per unit (it transcribes real disclosures), so the second year is
derived in tests/conftest.py (NEXT_BUDGET, NEXT_NARRATIVE): a valid disclosure whose previous_year is
the base year as published, so `check` is clean and the site really builds.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest

from generator.build import build
from site_support import parse, text_of

try:  # tests/ on sys.path (rootdir layout) or tests as a package
    from conftest import NEXT_BUDGET, NEXT_NARRATIVE, NEXT_YEAR, UNIT_ID, YEAR, SiteTree, describe
except ImportError:  # pragma: no cover
    from tests.conftest import NEXT_BUDGET, NEXT_NARRATIVE, NEXT_YEAR, UNIT_ID, YEAR, SiteTree, describe

COLUMNS = ["收入总计", "支出总计", "基本支出", "项目支出", "“三公”经费"]
BASE_TOTALS = ["100.00", "100.00", "80.00", "20.00", "9.50"]
NEXT_TOTALS = ["108.00", "108.00", "83.00", "25.00", "8.50"]


def build_tree(tree: SiteTree) -> Path:
    report = tree.check()
    assert report.diagnostics == [], describe(report)
    output = tree.root / "out" / "site"
    build(tree.content, output, search=False)
    return output


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return build_tree(SiteTree(tmp_path_factory.mktemp("history")).add_next_year())


def unit_page(site: Path):
    return parse(site / "units" / UNIT_ID / "index.html")


def table_with_caption(page, caption: str):
    tables = [t for t in page.iter("table") if text_of(t.find("caption")) == f"{caption}（单位：万元）"]
    assert len(tables) == 1, caption
    return tables[0]


def body_rows(table) -> list[list[str]]:
    return [[text_of(c).strip() for c in tr if c.tag in ("th", "td")] for tr in table.find("tbody").iter("tr")]


def resolve(page: Path, href: str) -> Path:
    return (page.parent / href).resolve()


def test_unit_page_lists_both_years_with_their_totals(site):
    page = unit_page(site)
    table = table_with_caption(page, "测试区示范办公室历年预算")
    assert [text_of(th) for th in table.find("thead").iter("th")] == ["年度", *COLUMNS]
    assert body_rows(table) == [[f"{YEAR}年", *BASE_TOTALS], [f"{NEXT_YEAR}年", *NEXT_TOTALS]]
    # each year links its disclosure page
    links = [a.get("href") for a in table.find("tbody").iter("a")]
    for href, year in zip(links, (YEAR, NEXT_YEAR)):
        target = resolve(site / "units" / UNIT_ID / "index.html", href)
        assert target == (site / "units" / UNIT_ID / str(year) / "index.html").resolve() and target.is_file()


def test_changes_row_is_the_difference_of_the_two_years(site):
    rows = body_rows(table_with_caption(unit_page(site), "比上年增减"))
    assert rows == [[f"{NEXT_YEAR}年", "8.00", "8.00", "3.00", "5.00", "-1.00"]]
    expected = [Decimal(b) - Decimal(a) for a, b in zip(BASE_TOTALS, NEXT_TOTALS)]
    assert [Decimal(v) for v in rows[0][1:]] == expected


def test_trend_chart_has_svg_text_alternative_and_data_table(site):
    figure = [f for f in unit_page(site).iter("figure") if f.get("id") == "chart-trend"]
    assert len(figure) == 1
    figure = figure[0]
    assert text_of(figure.find("figcaption")) == "测试区示范办公室历年支出预算"
    image = [d for d in figure.iter("div") if d.get("role") == "img"][0]
    svg = [e for e in image.iter() if str(e.tag).endswith("svg")]
    bars = [e for g in svg[0].iter() if "mark-rect" in (g.get("class") or "") for e in g if str(e.tag).endswith("path")]
    assert svg and bars  # the drawn bars (vega draws a bar as a path in a rect mark's group), one per year
    svg_text = "".join(svg[0].itertext())
    assert str(YEAR) in svg_text and str(NEXT_YEAR) in svg_text  # the year axis
    # the text alternative names each value's year
    assert image.get("aria-label") == (
        f"测试区示范办公室历年支出预算（单位：万元）。本年支出合计：{YEAR}年 100.00，{NEXT_YEAR}年 108.00；"
        f"基本支出：{YEAR}年 80.00，{NEXT_YEAR}年 83.00；项目支出：{YEAR}年 20.00，{NEXT_YEAR}年 25.00")
    data = figure.find(".//table")
    assert [text_of(th) for th in data.find("thead").iter("th")] == ["项目", f"{YEAR}年", f"{NEXT_YEAR}年"]
    assert body_rows(data) == [["本年支出合计", "100.00", "108.00"], ["基本支出", "80.00", "83.00"],
                               ["项目支出", "20.00", "25.00"]]


@pytest.mark.parametrize("year, other", [(YEAR, NEXT_YEAR), (NEXT_YEAR, YEAR)])
def test_each_disclosure_links_the_other_year(site, year, other):
    path = site / "units" / UNIT_ID / str(year) / "index.html"
    page = parse(path)
    paragraph = [p for p in page.iter("p") if p.get("class") == "other-years"]
    assert len(paragraph) == 1
    links = list(paragraph[0].iter("a"))
    assert [text_of(a) for a in links] == [f"{other}年"]
    assert resolve(path, links[0].get("href")) == (site / "units" / UNIT_ID / str(other) / "index.html").resolve()
    # the page itself is that year's disclosure, with its own figures
    assert f"{year}年" in text_of(page.find(".//h1"))


def test_units_index_year_pages_and_home_know_both_years(site):
    units = parse(site / "units" / "index.html")
    item = [li for li in units.iter("li") if UNIT_ID in "".join(a.get("href") for a in li.iter("a"))]
    assert [text_of(a) for a in item[0].iter("a")][1:] == [f"{YEAR}年", f"{NEXT_YEAR}年"]
    for year, totals in ((YEAR, BASE_TOTALS), (NEXT_YEAR, NEXT_TOTALS)):
        rows = body_rows(table_with_caption(parse(site / "years" / str(year) / "index.html"), f"{year}年各单位预算"))
        assert rows == [["测试区示范办公室", *totals]]
    home = parse(site / "index.html")
    assert body_rows(table_with_caption(home, f"{NEXT_YEAR}年各单位预算")) == [["测试区示范办公室", *NEXT_TOTALS]]
    nav = [text_of(a) for a in home.find(".//nav").iter("a")]
    assert nav.index(f"{NEXT_YEAR}年") < nav.index(f"{YEAR}年")  # newest first


def test_no_change_row_across_a_missing_year(make_site):
    """“比上年增减” compares consecutive years only: with 2023 and 2025, 2025 has no previous year here."""
    tree = make_site()
    later = YEAR + 2
    budget = copy.deepcopy(NEXT_BUDGET)
    budget.update(year=later, fixed_assets={**budget["fixed_assets"], "as_of": f"{later - 1}-12-31"})
    tree.add_year(later, budget, NEXT_NARRATIVE.replace(str(NEXT_YEAR), str(later)).replace(str(YEAR), str(later - 1)))
    site = build_tree(tree)
    page = unit_page(site)
    assert body_rows(table_with_caption(page, "测试区示范办公室历年预算")) == [
        [f"{YEAR}年", *BASE_TOTALS], [f"{later}年", *NEXT_TOTALS]]
    assert "比上年增减" not in text_of(page)
    assert [f for f in page.iter("figure") if f.get("id") == "chart-trend"]  # the trend is still drawn
