"""The whole disclosure as .docx (generator/filing/docx.py): each example exported and opened with
python-docx; its tables against the built site's tables and the published documents (seeds)."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from docx_support import page_tables, squeeze, word_tables
from generator.build import build
from generator.check import check_site
from generator.document import build_document
from generator.filing.docx import document_bytes, write_docx
from generator.pdf.pagination import is_landscape
from site_support import CONTENT

EXAMPLES = ["fengnan-renda/2023", "guangyang-zhengfuban/2022", "langfang-renda/2023"]


@pytest.fixture(scope="module")
def report():
    result = check_site(CONTENT)
    assert not result.failed()
    return result


@pytest.fixture(scope="module")
def exported(report, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("docx")
    return {key: write_docx(report.context(key), report.site, folder / (key.replace("/", "-") + ".docx"))
            for key in EXAMPLES}


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("site") / "site"
    build(CONTENT, output, search=False)
    return output


@pytest.mark.parametrize("key", EXAMPLES)
def test_every_table_has_the_cells_of_the_site(key, report, exported, built_site):
    doc = build_document(report.context(key), report.site)
    shown = page_tables(built_site / "units" / key / "index.html")
    written = word_tables(exported[key])
    assert [t["title"] for t in written] == [t.title for t in doc.tables]
    assert len(doc.tables) == len(shown)
    for table, word in zip(doc.tables, written):
        site = shown[table.id]
        assert squeeze(word["title"]) == site["title"]
        assert word["grid"] == site["grid"], table.id


def _row(tables: list[dict], title_word: str, first: str) -> list[str]:
    table = next(t for t in tables if title_word in t["title"])
    return next(row for row in table["grid"] if first in row[:3])


def test_published_figures(exported):
    """Rows as the published Word files print them (seeds 001, 000, 003): blanks stay blank."""
    fengnan = word_tables(exported["fengnan-renda/2023"])
    assert _row(fengnan, "收入总表", "201") == ["2", "201", "一般公共服务支出", "802.49", "802.49", "802.49",
                                              "", "", "", "", "", "", ""]
    assert _row(fengnan, "收支总表", "一、一般公共预算拨款收入")[1:3] == ["一、一般公共预算拨款收入", "1043.55"]
    assert _row(fengnan, "一般公共预算财政拨款支出表", "合计")[3:] == ["1043.55", "815.50", "228.05"]
    assert _row(fengnan, "基本支出表", "合计")[3:] == ["815.50", "718.09", "97.41"]
    langfang = word_tables(exported["langfang-renda/2023"])
    assert _row(langfang, "固定资产占用情况表", "资产总额")[-1] == "1696.91"
    assert _row(langfang, "固定资产占用情况表", "1、房屋（平方米）")[-2:] == ["6344", "753.56"]
    guangyang = word_tables(exported["guangyang-zhengfuban/2022"])
    assert _row(guangyang, "机构设置", "廊坊市广阳区人民政府办公室")[:3] == ["廊坊市广阳区人民政府办公室", "行政单位", "正科级"]
    for tables in (fengnan, langfang, guangyang):
        for table in tables:
            assert "0.00" not in {cell for row in table["grid"] for cell in row}, table["title"]


def test_merged_header_cells(exported):
    summary = next(t for t in word_tables(exported["fengnan-renda/2023"]) if t["title"] == "部门预算收支总表")
    header = summary["element"].findall(f"{qn('w:tr')}")[0]
    spans = [tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}") for tc in header.findall(qn("w:tc"))]
    assert [s.get(qn("w:val")) for s in spans if s is not None] == ["2", "2"]  # 收入 and 支出 over two columns
    restarts = summary["element"].findall(f".//{qn('w:vMerge')}")
    assert restarts, "序号 spans the two header rows"
    assert summary["grid"][0][:3] == ["序号", "收入", "收入"] and summary["grid"][1][:3] == ["序号", "项目", "预算数"]
    repeated = [tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None for tr in summary["element"].findall(qn("w:tr"))]
    assert repeated[:3] == [True, True, True] and not any(repeated[3:])


@pytest.mark.parametrize("key", EXAMPLES)
def test_landscape_where_the_pdf_turns_a_table(key, report, exported):
    doc = build_document(report.context(key), report.site)
    word = WordDocument(str(exported[key]))
    orientation = [s.orientation for s in word.sections]
    sizes = [(round(s.page_width.mm), round(s.page_height.mm)) for s in word.sections]
    assert set(sizes) <= {(210, 297), (297, 210)}
    wide = [is_landscape(t) for t in doc.tables]
    placed = word_tables(exported[key])
    for table, landscape, found in zip(doc.tables, wide, placed):
        expected = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        assert orientation[found["section"]] == expected, table.title
    if key == "fengnan-renda/2023":
        assert wide.count(True) >= 1  # 收入总表's 13 columns do not fit a portrait page
    assert orientation[0] == orientation[-1] == WD_ORIENT.PORTRAIT


@pytest.mark.parametrize("key", EXAMPLES)
def test_contents_sections_and_text(key, report, exported):
    doc = build_document(report.context(key), report.site)
    word = WordDocument(str(exported[key]))
    paragraphs = [(p.style.name, p.text) for p in word.paragraphs if p.text.strip()]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert [s.heading for s in doc.sections] == [h for h in headings if h in {s.heading for s in doc.sections}]
    contents = [text for style, text in paragraphs if style.startswith("TOC")]
    assert [s.heading for s in doc.sections] == [c for c in contents if c in {s.heading for s in doc.sections}]
    assert paragraphs[0] == ("Title", doc.title)
    body = "".join(text for _, text in paragraphs)
    assert squeeze(doc.sections[0].title) in squeeze(body)
    captions = [text for style, text in paragraphs if style == "表头说明" and "单位：" in text]
    assert captions and all(text.endswith("单位：万元") for text in captions if "万元" in text)


def test_empty_table_keeps_its_note(exported):
    word = WordDocument(str(exported["fengnan-renda/2023"]))
    notes = [p.text for p in word.paragraphs if p.style.name == "表注"]
    assert "注：无政府基金预算财政拨款预算，空表列示。" in notes


@pytest.mark.parametrize("key", EXAMPLES)
def test_same_bytes_every_time(key, report, exported):
    again = document_bytes(build_document(report.context(key), report.site))
    assert again == exported[key].read_bytes()
    word = WordDocument(str(exported[key]))
    assert word.core_properties.created.year == int(key[-4:]) and word.core_properties.title


def test_a_section_opening_with_a_landscape_table_has_its_heading_on_that_page(report, tmp_path):
    from generator.document import TableBlock

    doc = build_document(report.context("fengnan-renda/2023"), report.site)
    income = next(t for t in doc.front_tables if t.id == "income")
    assert is_landscape(income)
    doc.front_tables.remove(income)
    doc.sections[1].blocks.insert(0, TableBlock(income))  # 二、… now opens with the 13-column 收入总表
    path = write_docx(doc, report.site, tmp_path / "moved.docx")
    word = WordDocument(str(path))
    section, where = 0, None
    for child in word.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text = "".join(t.text or "" for t in child.iter(qn("w:t")))
            if text == doc.sections[1].heading:
                where = section
            if child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                section += 1
    assert where is not None
    assert word.sections[where].orientation == WD_ORIENT.LANDSCAPE
    assert word.sections[where - 1].orientation == WD_ORIENT.PORTRAIT
