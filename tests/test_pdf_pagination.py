"""Pagination of every example PDF, read back from the PDF itself (text positions per page, pdftotext):
no page is nearly empty (less than a fifth of its text area, except a section's last page), no heading
is the last thing on a page, and every table's notes share a page with its last row. The unit PDFs and
the compendia are rendered from the frozen example content (tests/fixtures/examples)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.check import check_site
from generator.document import build_document
from generator.pdf.build import compendium_job, render, unit_job
from tests.pdf_pages import (TableText, headings, notes_apart, read_pages, section_starts, stranded_headings,
                             table_texts, nearly_empty)
from tests.site_support import EXAMPLES

EPOCH = "1700000000"


@pytest.fixture(scope="module")
def examples():
    report = check_site(EXAMPLES)
    assert not report.failed()
    return report


@pytest.fixture(scope="module")
def printed(examples, tmp_path_factory):
    """Every example PDF: name → (pages, documents it holds)."""
    out = tmp_path_factory.mktemp("pdf")
    site = examples.site
    by_year: dict[int, list] = {}
    result = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        for key, ctx in sorted(examples.contexts.items()):
            by_year.setdefault(ctx.entry.year, []).append(ctx)
            path = out / (key.replace("/", "-") + ".pdf")
            path.write_bytes(render(unit_job(ctx, site), site))
            result[path.stem] = (read_pages(path), [build_document(ctx, site)])
        for year, contexts in sorted(by_year.items()):
            path = out / f"compendium-{year}.pdf"
            path.write_bytes(render(compendium_job(contexts, site, year), site))
            result[path.stem] = (read_pages(path), [build_document(ctx, site) for ctx in contexts])
    return result


def test_every_example_is_printed(printed):
    assert set(printed) == {"fengnan-renda-2023", "guangyang-zhengfuban-2022", "langfang-renda-2023",
                            "compendium-2022", "compendium-2023"}


def test_no_page_is_nearly_empty(printed):
    for name, (pages, documents) in printed.items():
        starts = ["目录", "各单位预算概览"] + [s for d in documents for s in section_starts(d)]
        assert nearly_empty(pages, starts) == [], name


def test_no_heading_is_the_last_text_on_a_page(printed):
    for name, (pages, documents) in printed.items():
        assert stranded_headings(pages, [h for d in documents for h in headings(d)]) == [], name


def test_every_table_note_shares_a_page_with_its_last_row(printed):
    for name, (pages, documents) in printed.items():
        tables = [t for d in documents for t in table_texts(d)]
        assert any(t.note for t in tables), name  # the examples have notes (空表列示, 注：…)
        assert notes_apart(pages, tables) == [], name


def test_wide_tables_turn_only_when_their_columns_need_it(printed):
    """The empty 政府采购预算 (seed 001, 003) stays portrait with its 空表列示 note; the 16 columns of a
    filled one (seed 000) and the 13 of the 收入总表 need landscape; the 财政拨款收支总表 (8 columns) is
    on one portrait page."""
    def pages_with(name: str, text: str):  # in the body, not the 目录 (whose pages have no table caption)
        return [p for p in printed[name][0] if p.has(text) and p.has("预算年度：")]

    assert all(not p.landscape for p in pages_with("fengnan-renda-2023", "注：无政府采购预算，空表列示。"))
    assert all(not p.landscape for p in pages_with("langfang-renda-2023", "单位政府采购预算"))
    assert all(p.landscape for p in pages_with("guangyang-zhengfuban-2022", "政府采购目录序号"))
    assert all(p.landscape for p in pages_with("fengnan-renda-2023", "部门预算收入总表"))
    fiscal = pages_with("fengnan-renda-2023", "部门预算财政拨款收支总表")
    assert len(fiscal) == 1 and not fiscal[0].landscape
    table = next(t for t in printed["fengnan-renda-2023"][1][0].tables if t.id == "fiscal_summary")
    assert len(table.rows) == 37 and len(table.columns) == 8
    assert all(fiscal[0].has(c.text) for row in table.rows for c in row.cells if c.text)


def test_unit_cover_has_the_name_whole_the_issuer_and_no_invented_date(printed):
    for name in ("fengnan-renda-2023", "guangyang-zhengfuban-2022", "langfang-renda-2023"):
        pages, (document,) = printed[name]
        rows = pages[0].rows()
        unit = document.unit.name
        assert unit in rows, (name, rows)  # on a line of its own, never broken inside a word
        assert document.title[len(unit):] in rows
        assert f"发布机关：{unit}" in rows
        assert "budgetsite示例站点" not in pages[0].text  # the site's name is not the issuing authority
        assert not document.disclosure.published and "发布日期" not in pages[0].text  # none in the content


def test_compendium_cover_and_overview(printed):
    """Cover: title, the number of units, the publisher; then an overview of the units before them, with
    the figures each disclosure states (seed 001: 1043.55 and 三公 48.00; seed 000: 2931.61 and 37.43)."""
    pages, documents = printed["compendium-2023"]
    cover = pages[0].text
    assert "2023年预算信息公开汇编" in cover and "收录2个单位" in cover and "发布机关：budgetsite示例站点" in cover
    overview = next(p for p in pages if p.has("各单位预算概览") and p.has("本年收入"))
    before_units = next(p.number for p in pages if p.has(documents[0].title) and p.has("现将"))
    assert overview.number < before_units
    rows = overview.rows()
    assert any(r.startswith("1唐山市丰南区人民代表大会常务委员会办公室1043.551043.5548.00") for r in rows), rows
    assert any(r.startswith("2廊坊市人民代表大会常务委员会办公室2931.612931.6137.43") for r in rows), rows


# The checks themselves, on a PDF made to break each rule once.

FAULTY = """<html><head><style>
@page { size: A4 portrait; margin: 25mm 20mm 22mm 20mm; }
.fill { height: 200mm; } h2 { margin: 0; } .away { break-before: page; }
</style></head><body>
<h2>一、第一节</h2><p>正文。</p><div class="fill"></div><h2 class="last">二、第二节</h2>
<p class="away">只有一行的页。</p>
<h3 class="away">表格</h3><table><tr><td>合计</td><td>1.00</td></tr></table>
<p class="away">注：表的说明。</p><p>结尾。</p>
</body></html>"""


def test_the_checks_find_each_fault(tmp_path):
    import weasyprint

    path = tmp_path / "faulty.pdf"
    weasyprint.HTML(string=FAULTY).write_pdf(path)
    pages = read_pages(path)
    assert len(pages) == 4
    assert stranded_headings(pages, ["一、第一节", "二、第二节"]) == [(1, "二、第二节")]
    # page 2 holds one line and the next page does not start a section; page 3 does not count once it does
    assert nearly_empty(pages, ["一、第一节"]) == [2, 3]
    assert nearly_empty(pages, ["一、第一节", "注：表的说明。"]) == [2]
    assert notes_apart(pages, [TableText("表格", "注：表的说明。", ["合计", "1.00"])]) == [("表格", 4, [3])]
