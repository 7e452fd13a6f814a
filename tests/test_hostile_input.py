"""Hostile or careless input, each refused or made harmless where it enters:
- a name a spreadsheet would run as a formula (=HYPERLINK(…), +cmd, -2+3, @SUM(…)) is written to the CSV
  downloads and PDF attachments so that it shows as text (OWASP "CSV injection"); amounts are left alone;
- an absurdly large amount is a located diagnostic, not a crash;
- folder names in other digits or with a newline are not years or units."""

from __future__ import annotations

import csv
import io

from generator.build import build

try:
    from conftest import UNIT_ID, YEAR
except ImportError:  # pragma: no cover
    from tests.conftest import UNIT_ID, YEAR


def _rows(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_formula_names_are_written_as_text_and_amounts_untouched(site_tree):
    items = site_tree.year().budget["procurement"]["items"]
    items[0]["item"] = '=HYPERLINK("http://127.0.0.1/x","点击")'
    site_tree.patch_budget({"institutions": [
        {"name": "+某某中心", "nature": "事业", "rank": "正科级", "funding": "财政拨款"},
        {"name": "@SUM(1+1)", "nature": "行政", "rank": "正科级", "funding": "财政拨款"},
        {"name": "-2+3", "nature": "行政", "rank": "正科级", "funding": "财政拨款"},
    ]})
    content = site_tree.write()
    output = site_tree.root / "out" / "site"
    build(content, output, search=False)
    data = output / "units" / UNIT_ID / str(YEAR) / "data"
    names = [row[0] for row in _rows(data / "institutions.csv")[1:]]
    assert names == ["'+某某中心", "'@SUM(1+1)", "'-2+3"]
    procurement = _rows(data / "procurement.csv")
    item = procurement[0].index("采购物品名称")
    assert [row[item] for row in procurement[1:] if row[item]] == ["'=HYPERLINK(\"http://127.0.0.1/x\",\"点击\")"]
    for row in procurement[1:]:  # amounts stay numbers
        assert not [cell for cell in row if cell.startswith("'") and cell[1:].replace(".", "").isdigit()]


def test_an_absurdly_large_amount_is_a_located_diagnostic_not_a_crash(site_tree):
    """`basic: 1e30` or a 30-digit integer would overflow Decimal's exact arithmetic: refused where typed."""
    from conftest import describe

    functional = site_tree.year().budget["functional"]
    functional[0]["basic"] = 10 ** 30
    report = site_tree.check()
    found = [d for d in report.diagnostics if d.code == "S004"]
    assert found and "金额过大" in found[0].message and found[0].location.line > 0, describe(report)


def test_folder_names_in_other_digits_or_with_a_newline_are_refused(site_tree):
    """A year folder in full-width (２０２３) or Arabic-Indic (٢٠٢٣) digits, and a unit folder whose name
    ends in a newline, are not taken as a year or a unit: each is a located S009."""
    from conftest import describe
    from generator.check import check_site

    content = site_tree.write()
    unit_dir = content / "units" / UNIT_ID
    for name in ("２０２３", "٢٠٢٣"):
        (unit_dir / name).mkdir()
    (content / "units" / f"{UNIT_ID}\n").mkdir()

    report = check_site(content)
    refused = {d.found for d in report.diagnostics if d.code == "S009"}
    assert {"２０２３", "٢٠٢٣"} <= refused, describe(report)
    assert any(d.code == "S009" and "\n" in (d.location.file + (d.found or "")) for d in report.diagnostics), \
        describe(report)
    years = [y.year for unit in report.site.units for y in unit.years]
    assert years == [YEAR]
