"""The filing exports (generator/filing) write the files python-docx and openpyxl write through their
own APIs, byte for byte: the .docx written as WordprocessingML is the document python-docx's API builds
paragraph by paragraph and saves (tests/python_docx_document.py, the export's former code), a table in it
is the table python-docx's add_table / runs / merge build, and the .xlsx written as SpreadsheetML is the
workbook openpyxl builds cell by cell and saves (tests/openpyxl_workbook.py, likewise)."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from types import SimpleNamespace

import pytest
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree
from openpyxl import load_workbook

from generator.check import check_site
from generator.document import DocSection, HtmlBlock, TableBlock, build_document
from generator.filing import DatedZip, Deflated, grid, header_rows, stamp
from generator.filing import docx as docx_export
from generator.filing import xlsx as xlsx_export
from generator.tables import Cell, Row, Table
import openpyxl_workbook
import python_docx_document
from redated_zip import deterministic_zip
from site_support import CONTENT

EXAMPLES = ["fengnan-renda/2023", "guangyang-zhengfuban/2022", "langfang-renda/2023"]
WHEN = (2023, 1, 1, 0, 0, 0)


@pytest.fixture(scope="module")
def documents():
    report = check_site(CONTENT)
    assert not report.failed()
    return {key: build_document(report.context(key), report.site) for key in EXAMPLES}


@pytest.mark.parametrize("key", EXAMPLES)
def test_docx_is_what_python_docx_builds_and_saves(key, documents):
    """Every example disclosure: the document written directly is the one python-docx's API builds and
    saves, byte for byte (the zip included)."""
    doc = documents[key]
    assert docx_export.document_bytes(doc) == _python_docx_bytes(doc)


def _python_docx_bytes(doc) -> bytes:
    return python_docx_document.saved(python_docx_document.word_document(doc), stamp(doc.year))


def test_the_reference_is_python_docx_own_save_redated(documents):
    """The reference's save (python-docx's parts written into a DatedZip) is python-docx's own save,
    re-dated."""
    own = io.BytesIO()
    python_docx_document.word_document(documents[EXAMPLES[0]]).save(own)
    assert _python_docx_bytes(documents[EXAMPLES[0]]) == deterministic_zip(own.getvalue(), WHEN)


NARRATIVE = (
    "<p>一段 <strong>加粗</strong>与<em>倾斜</em>、<strong><em>两者</em></strong>，\n  软换行<br>硬换行"
    ' <a href="x.html">链接</a><img alt="图：说明" src="a.png"> &amp; &lt;标记&gt; "引号"</p>'
    "<h2>小标题</h2><h3></h3><h6>第六级</h6>"
    "<ul><li>甲<ul><li>甲一</li></ul></li><li><strong>乙</strong></li></ul><ol><li>第一</li></ol>"
    "<dl><dt>术语</dt><dd>释义</dd></dl>"
    "<table><tr><th>项目</th><th>金额</th><th></th></tr><tr><td>甲</td></tr><tr><td> 乙 </td><td>1.00</td>"
    "<td>备注</td></tr></table><table></table>"
    "<div><p>块中段落</p><blockquote><p>引文</p></blockquote></div><div>行内 <b>div</b></div>"
    "<hr><p>  前后空格  </p>\t尾随文字"
)


def _document_of(*sections: DocSection, front=(), preamble: str = "") -> SimpleNamespace:
    """What the .docx exporter reads of a Document (generator/filing/cache.py's EXPORTER_READS)."""
    return SimpleNamespace(year=2023, kind="单位", title="某单位2023年单位预算 & <公开>", unit=SimpleNamespace(name="某单位"),
                           preamble_html=preamble, report_title="预算报表" if front else "",
                           explanation_title="情况说明" if front else "", front_tables=list(front), sections=list(sections))


def _wide_table(**fields) -> Table:
    """A table the PDF turns landscape: wide, and too many columns for a portrait page."""
    columns = ["项目名称很长很长很长"] + [f"第{n}列金额数" for n in range(1, 15)]
    return _table(id="wide", title="宽表", wide=True, columns=columns, column_kinds=["text"] + ["money"] * 14,
                  header=[[Cell(c) for c in columns]],
                  rows=[Row([Cell("合计")] + [_money("123456.78")] * 14, total=True)], **fields)


def test_docx_of_unusual_content_is_what_python_docx_builds():
    """Narrative of every kind the exporter reads (runs bold and italic, breaks, images, headings of each
    level and empty, nested lists, definitions, narrative tables with empty and missing cells, blocks in
    blocks), landscape tables opening the front tables and a section and standing in the middle of one,
    a caption line, meta lines, a note, markup characters in titles."""
    wide = _wide_table(caption_extra="绩效目标：完成", meta=["项目负责人：某某"], note="注：单位 & <万元>")
    sections = [DocSection("overview", 1, "一、", "概况", [HtmlBlock(NARRATIVE), TableBlock(TABLES["no rows at all"])]),
                DocSection("wide", 2, "二、", "宽表在前", [TableBlock(wide), HtmlBlock("<p>表后说明</p>"),
                                                        TableBlock(_wide_table(unit_line="编制单位：另一单位"))]),
                DocSection("mixed", 3, "三、", "宽表居中", [HtmlBlock("<p>前</p>"), TableBlock(wide),
                                                        TableBlock(TABLES["spans in the header, totals, indents, blanks"])]),
                DocSection("empty", 4, "四、", "空节", [])]
    doc = _document_of(*sections, front=[wide, *TABLES.values()], preamble="<p>导言</p>  ")
    direct = docx_export.document_bytes(doc)
    assert direct == _python_docx_bytes(doc)
    body = zipfile.ZipFile(io.BytesIO(direct)).read("word/document.xml")
    assert body.count(b'w:orient="landscape"') == 4 and body.count(b"<w:sectPr") == 9  # 4 landscape sections, 8 breaks
    plain = _document_of(DocSection("only", 1, "一、", "只有文字", [HtmlBlock(NARRATIVE)]))
    assert docx_export.document_bytes(plain) == _python_docx_bytes(plain)


def test_a_control_character_is_left_out_of_the_document():
    """python-docx (lxml) refuses a character XML cannot hold; the export leaves it out."""
    table = _table(columns=["项目"], column_kinds=["text"], header=[[Cell("项目")]], rows=[Row([Cell("甲\x07乙")])])
    doc = _document_of(DocSection("s", 1, "一、", "节\x0b题", [TableBlock(table)]))
    document = zipfile.ZipFile(io.BytesIO(docx_export.document_bytes(doc))).read("word/document.xml").decode("utf-8")
    assert "<w:t>甲乙</w:t>" in document and "<w:t>一、节题</w:t>" in document
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", document)


def test_a_part_compressed_once_is_written_as_writestr_writes_it():
    """DatedZip.write_deflated (the .docx's unchanging parts, compressed once a process) gives the bytes
    of DatedZip.writestr, names out of ASCII and an empty part included."""
    parts = {"a.xml": b"<a>" + "正文".encode() * 500 + b"</a>", "目录/b.xml": b"", "c.bin": bytes(range(256)) * 40}
    by_writestr, by_deflated = io.BytesIO(), io.BytesIO()
    with DatedZip(by_writestr, WHEN) as one, DatedZip(by_deflated, WHEN) as other:
        for name, body in parts.items():
            one.writestr(name, body)
            other.write_deflated(name, Deflated.of(body))
    assert by_deflated.getvalue() == by_writestr.getvalue()
    assert zipfile.ZipFile(by_deflated).read("目录/b.xml") == b""


# ---- the workbook written as SpreadsheetML against openpyxl's own ------------------------------------

MERGE_CELL = re.compile(rb'<mergeCell ref="[^"]*"/>')


def _parts(data: bytes) -> dict[str, bytes]:
    """Each part of an .xlsx by name; a sheet's merged ranges sorted (openpyxl keeps them in a set)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    parts = {}
    for name in archive.namelist():
        body = archive.read(name)
        if name.startswith("xl/worksheets/"):
            body = MERGE_CELL.sub(b"", body) + b"".join(sorted(MERGE_CELL.findall(body)))
        parts[name] = body
    return parts


def _assert_workbook_is_openpyxl_own(doc) -> None:
    direct = _parts(xlsx_export.workbook_bytes(doc))
    own = _parts(openpyxl_workbook.saved(openpyxl_workbook.workbook(doc), stamp(doc.year)))
    assert list(direct) == list(own)  # the same parts, in the same order
    assert direct.pop("docProps/app.xml") == (b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/'
                                              b'2006/extended-properties"><Application>budgetsite</Application></Properties>')
    own.pop("docProps/app.xml")  # openpyxl names itself and its version
    for name in own:
        assert direct[name] == own[name], name


@pytest.mark.parametrize("key", EXAMPLES)
def test_xlsx_is_what_openpyxl_builds_and_saves(key, documents):
    """Every example disclosure: the workbook written directly is the one openpyxl's API builds, byte
    for byte in every part but the application's name."""
    _assert_workbook_is_openpyxl_own(documents[key])


def _workbook_of(*tables: Table) -> SimpleNamespace:
    """What the workbook exporter reads of a Document (generator/filing/cache.py's EXPORTER_READS)."""
    return SimpleNamespace(year=2023, title="某单位2023年部门预算", unit=SimpleNamespace(name="某单位"), tables=list(tables))


def test_xlsx_of_unusual_tables_is_what_openpyxl_builds():
    """Spans past the table, prose in a head block, a table of no rows, of one column, text with spaces
    at either end, markup characters and a carriage return, a note, a sheet name with a quote."""
    extra = [_table(id="one", title="单列'表", columns=["项目"], column_kinds=["text"], note="注：无 & <无>",
                    header=[[Cell("项目")]], rows=[Row([Cell(" 前后有空格 ")]), Row([Cell("a\r\nb\tc")])]),
             _table(id="none", title="无表头", columns=[], column_kinds=[], meta=["说明一行"])]
    _assert_workbook_is_openpyxl_own(_workbook_of(*TABLES.values(), *extra))


def test_a_control_character_is_left_out_of_the_workbook():
    """openpyxl refuses a character a worksheet cannot hold; the export leaves it out."""
    table = _table(columns=["项目"], column_kinds=["text"], rows=[Row([Cell("甲\x07乙")])])
    sheet = load_workbook(io.BytesIO(xlsx_export.workbook_bytes(_workbook_of(table)))).active
    assert sheet["A3"].value == "甲乙"


# ---- a table written as XML against python-docx's own table API ----------------------------------------

def _python_docx_grid(word, table: Table) -> None:
    """The table as python-docx's API builds it, cell by cell, merged last (the export's former code)."""
    placed = grid(table)
    width = max([len(table.columns)] + [c + cell.colspan for _, c, cell in placed])
    head = header_rows(table)
    height = head + len(table.rows)
    word_table = word.add_table(rows=max(height, 1), cols=width)
    word_table.style = word.styles[docx_export.TABLE_TEXT_STYLE]
    word_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    cells = word_table._cells
    totals = {head + i for i, row in enumerate(table.rows) if row.total}
    indents = {head + i: row.indent for i, row in enumerate(table.rows)}
    for r, c, cell in placed:
        header = r < head
        target = cells[r * width + c]
        paragraph = target.paragraphs[0]
        for n, line in enumerate((cell.lines if cell.kind == "prose" else [cell.text]) or [""]):
            if n:
                paragraph = target.add_paragraph()
            paragraph.add_run(line).bold = (header and cell.kind != "prose") or r in totals or None
            if cell.numeric and not header:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif header and cell.kind not in ("prose", "label") or cell.kind == "column":
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            indent = indents.get(r, 0) if c < 2 else 0
            if indent:
                paragraph.paragraph_format.left_indent = Pt(9 * indent)
    for r, c, cell in placed:
        if cell.colspan > 1 or cell.rowspan > 1:
            last = (min(r + cell.rowspan, height) - 1) * width + min(c + cell.colspan, width) - 1
            cells[r * width + c].merge(cells[last])
    for r in range(len(table.head_block), head):
        mark = OxmlElement("w:tblHeader")
        mark.set(qn("w:val"), "true")
        word_table.rows[r]._tr.get_or_add_trPr().append(mark)


def _last_table_xml(word) -> bytes:
    return etree.tostring(word.element.body.findall(qn("w:tbl"))[-1])


def _table(**fields) -> Table:
    base = dict(id="t", title="表", unit_name="某单位", year=2023, header=[], rows=[], columns=[], column_kinds=[])
    return Table(**{**base, **fields})


def _money(text: str) -> Cell:
    return Cell(text, "money", Decimal(text) if text else None)


TABLES = {
    "spans in the header, totals, indents, blanks": _table(
        header=[[Cell("序号", rowspan=2), Cell("收入", colspan=2), Cell("支出", colspan=2)],
                [Cell("项目"), Cell("预算数"), Cell("项目"), Cell("预算数")]],
        rows=[Row([Cell("合计"), Cell("", colspan=2), _money("1043.55"), _money("")], total=True),
              Row([Cell("1"), Cell("一般公共服务支出"), _money("802.49"), Cell("  人大事务 "), _money("")], indent=1),
              Row([Cell("2"), Cell("a\tb\nc & <d>"), _money(""), Cell(""), _money("0.5")], indent=2)],
        columns=["序号", "项目", "预算数", "项目", "预算数"], column_kinds=["code", "text", "money", "text", "money"]),
    "a head block of prose, labels and columns": _table(
        head_block=[[Cell("项目名称", "label"), Cell("代表活动", colspan=3)],
                    [Cell("绩效目标", "label"), Cell("第一段\n\n 第二段 \n第三段", "prose", colspan=3)],
                    [Cell("资金", "column", rowspan=2), Cell("年度", "column"), _money("12.00"), Cell("")]],
        header=[[Cell("指标"), Cell("值", colspan=3)]],
        rows=[Row([Cell("产出", rowspan=2), Cell("数量"), Cell("10", "number"), Cell("")]),
              Row([Cell("", "merged"), Cell("质量"), Cell("", "number"), Cell("100%")])],
        columns=["指标", "名称", "值", "备注"], column_kinds=["text", "text", "number", "text"]),
    "a span past the last row, a short row": _table(
        header=[[Cell("科目", colspan=2), Cell("金额")]],
        rows=[Row([Cell("201", rowspan=3), Cell("一般"), _money("1.00")]), Row([Cell("外交")])],
        columns=["编码", "名称", "金额"], column_kinds=["code", "text", "money"]),
    "no rows at all": _table(columns=["项目", "金额"], column_kinds=["text", "money"]),
}  # (a table without a single column differs: python-docx leaves its template's indentation in it)


@pytest.mark.parametrize("name", TABLES)
def test_table_xml_is_what_python_docx_builds(name):
    table = TABLES[name]
    fast = python_docx_document.new_word()
    python_docx_document._Writer(fast)._grid(table)
    slow = python_docx_document.new_word()
    _python_docx_grid(slow, table)
    assert _last_table_xml(fast) == _last_table_xml(slow)
