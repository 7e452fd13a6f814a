"""The year page's comparison across units, built from the example content (two real 2023
disclosures): one ordering per column, a 合计 row only where every unit's amount is known, the 三公
parts, and its CSV."""

from __future__ import annotations

import csv

import pytest

from generator.build import build
from site_support import EXAMPLES, parse, text_of

FENGNAN = "唐山市丰南区人民代表大会常务委员会办公室"
LANGFANG = "廊坊市人民代表大会常务委员会办公室"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    output = tmp_path_factory.mktemp("compare") / "site"
    build(EXAMPLES, output, search=False)
    return output


def ordering(page, id: str) -> list[list[str]]:
    details = next(d for d in page.iter("details") if d.get("id") == f"by-{id}")
    table = details.find(".//table")
    rows = [[text_of(c).strip() for c in tr] for tr in table.find("tbody").iter("tr")]
    return rows + [[text_of(c).strip() for c in tr] for tr in table.find("tfoot").iter("tr")]


def test_each_ordering_sorts_its_column_with_unknown_last(site):
    page = parse(site / "years" / "2023" / "index.html")
    by_income = ordering(page, "income-grand_total")
    assert [r[0] for r in by_income[:2]] == [LANGFANG, FENGNAN]  # 2931.61 > 1043.55
    # 廊坊 publishes no 支出总计 (its text has no 收支总表): unknown, listed last, and no 合计
    by_spending = ordering(page, "expenditure-grand_total")
    assert [r[0] for r in by_spending[:2]] == [FENGNAN, LANGFANG]
    assert by_spending[1][2] == "—"


def test_total_row_and_three_public_parts(site):
    page = parse(site / "years" / "2023" / "index.html")
    rows = ordering(page, "name")
    assert rows[-1] == ["合计", "3975.16", "—", "3180.11", "795.05", "85.43", "0.00", "73.93", "11.50"]
    fengnan = next(r for r in rows if r[0] == FENGNAN)
    assert fengnan[5:] == ["48.00", "0.00", "38.00", "10.00"]  # 三公 48 = 出国 0 + 公务用车 38 + 接待 10


def test_comparison_csv(site):
    with open(site / "years" / "2023" / "comparison.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["单位", "收入总计", "支出总计"]
    assert rows[-1] == ["合计", "3975.16", "", "3180.11", "795.05", "85.43", "0.00", "73.93", "11.50"]
